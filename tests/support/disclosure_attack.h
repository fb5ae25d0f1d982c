// The linear attack on published summaries, shared by the disclosure tests:
// every cell of a cycle's true table is an unknown named "<summary>.<path>"
// (summary "E" for England or a region code; paths as in
// ReturnSummary.suppressed_cells, "leader_titles[<title>]" for titles);
// what a summary shows and the relations true tables obey are equations.
#ifndef AHPL_TESTS_SUPPORT_DISCLOSURE_ATTACK_H_
#define AHPL_TESTS_SUPPORT_DISCLOSURE_ATTACK_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/common.pb.h"
#include "core/disclosure.h"
#include "tests/support/linear_recovery.h"

namespace ahpl::testing {

// Every cell of a true table, by unknown name.
using TrueCells = std::map<std::string, int64_t>;

inline std::string Unknown(const std::string& who, const std::string& path) {
  return absl::StrCat(who, ".", path);
}

// The cells of one exact summary, fixed domains listed in full; titles are
// those in `titles` (the keys a reader has seen), with the rest counted
// together under "leader_titles[]".
inline void AddTrueCells(TrueCells& cells, const std::string& who, const v1::ReturnSummary& s,
                         const std::set<std::string>& questions_ratings,
                         const std::set<std::string>& titles,
                         const std::set<std::string>& findings) {
  cells[Unknown(who, "returns")] = s.returns();
  cells[Unknown(who, "trusts_responding")] = s.trusts_responding();
  cells[Unknown(who, "returns_with_leader")] = s.returns_with_leader();
  cells[Unknown(who, "leaders_at_8c_or_above")] = s.leaders_at_8c_or_above();
  cells[Unknown(who, "returns_with_title")] = s.returns_with_title();
  auto list = [&](const std::string& name, const google::protobuf::RepeatedPtrField<v1::Count>& c,
                  const std::vector<std::string>& domain) {
    for (const auto& key : domain) cells[Unknown(who, absl::StrCat(name, "[", key, "]"))] = 0;
    for (const auto& x : c) cells[Unknown(who, absl::StrCat(name, "[", x.key(), "]"))] = x.count();
  };
  std::vector<std::string> typology, bands{"NO_POST"}, board;
  for (int i = 0; i < v1::Typology_descriptor()->value_count(); ++i)
    typology.push_back(v1::Typology_descriptor()->value(i)->name());
  for (int i = 0; i < v1::Band_descriptor()->value_count(); ++i)
    bands.push_back(v1::Band_descriptor()->value(i)->name());
  for (int i = 0; i < v1::BoardRelationship_descriptor()->value_count(); ++i)
    board.push_back(v1::BoardRelationship_descriptor()->value(i)->name());
  list("typology", s.typology(), typology);
  list("bands", s.bands(), bands);
  list("board_relationships", s.board_relationships(), board);
  list("findings", s.findings(), std::vector<std::string>(findings.begin(), findings.end()));
  int64_t listed = 0;
  for (const auto& key : titles) {
    int64_t n = 0;
    for (const auto& x : s.leader_titles()) n += x.key() == key ? x.count() : 0;
    cells[Unknown(who, absl::StrCat("leader_titles[", key, "]"))] = n;
    listed += n;
  }
  cells[Unknown(who, "leader_titles[]")] = s.returns_with_title() - listed;
  for (const auto& qr : questions_ratings) cells[Unknown(who, qr)] = 0;
  for (const auto& q : s.questions()) {
    for (const auto& r : q.ratings()) {
      cells[Unknown(who, absl::StrCat("questions[", q.question_id(), "][", r.key(), "]"))] =
          r.count();
    }
  }
}

// The relations every true table obeys, over the cells in `cells`:
// partitions of each summary's returns, and regions adding up to England.
inline void AddRelations(LinearRecovery& attack, const TrueCells& cells,
                         const std::vector<std::string>& regions) {
  std::map<std::string, std::map<std::string, std::vector<std::string>>> by_who_prefix;
  std::set<std::string> paths;
  for (const auto& [name, value] : cells) {
    const std::string who = name.substr(0, name.find('.'));
    const std::string path = name.substr(name.find('.') + 1);
    paths.insert(path);
    const std::string prefix = path.substr(0, path.rfind('['));
    by_who_prefix[who][prefix].push_back(path);
  }
  std::vector<std::string> all = regions;
  all.push_back("E");
  for (const auto& who : all) {
    auto& lists = by_who_prefix[who];
    auto sum = [&](const std::string& prefix, const std::string& margin,
                   const std::set<std::string>& only, bool except) {
      std::map<std::string, double> terms{{Unknown(who, margin), -1.0}};
      for (const auto& path : lists[prefix]) {
        const std::string key = path.substr(prefix.size() + 1, path.size() - prefix.size() - 2);
        if (only.empty() || (only.count(key) > 0) != except) terms[Unknown(who, path)] += 1.0;
      }
      attack.Equation(terms);
    };
    sum("typology", "returns", {}, false);
    sum("bands", "returns", {}, false);
    sum("bands", "returns_with_leader", {"NO_POST"}, true);
    sum("bands", "leaders_at_8c_or_above", {"BAND_8C", "BAND_8D", "BAND_9"}, false);
    sum("board_relationships", "returns_with_leader", {}, false);
    sum("leader_titles", "returns_with_title", {}, false);
    for (const auto& [prefix, list] : lists) {
      if (prefix.rfind("questions[", 0) == 0) sum(prefix, "returns", {}, false);
    }
  }
  for (const auto& path : paths) {
    std::map<std::string, double> terms{{Unknown("E", path), -1.0}};
    for (const auto& r : regions) terms[Unknown(r, path)] += 1.0;
    attack.Equation(terms);
  }
}

// When England lists all its titles, no region has an unlisted one
// either (counts are never negative).
inline void AddTitleBounds(LinearRecovery& attack, const v1::ReturnSummary& england,
                           const std::vector<std::string>& regions) {
  int64_t listed = 0;
  for (const auto& t : england.leader_titles()) listed += t.count();
  if (assessment::IsSuppressed(england, "returns_with_title") ||
      assessment::IsSuppressed(england, "leader_titles") ||
      listed != england.returns_with_title()) {
    return;
  }
  for (const auto& r : regions) attack.Shown(Unknown(r, "leader_titles[]"));
}

// What a controlled summary of `who` shows, as equations. Returns the
// unknowns it shows as hidden (suppressed), and adds every title key it
// lists to `title_keys`.
inline std::set<std::string> AddShown(LinearRecovery& attack, const std::string& who,
                                      const v1::ReturnSummary& s,
                                      std::set<std::string>* title_keys = nullptr) {
  std::set<std::string> hidden;
  auto scalar = [&](const std::string& path) {
    if (assessment::IsSuppressed(s, path)) {
      hidden.insert(Unknown(who, path));
    } else {
      attack.Shown(Unknown(who, path));
    }
  };
  for (const char* path : {"returns", "trusts_responding", "returns_with_leader",
                           "leaders_at_8c_or_above", "returns_with_title"}) {
    scalar(path);
  }
  if (!assessment::IsSuppressed(s, "response_rate_percent") && s.trusts_in_register() > 0) {
    attack.Shown(Unknown(who, "trusts_responding"));
  }
  if (!assessment::IsSuppressed(s, "share_at_8c_or_above_percent")) {
    // leaders = share * with_leader: linear once the share is known.
    attack.Equation(
        {{Unknown(who, "leaders_at_8c_or_above"), 1.0},
         {Unknown(who, "returns_with_leader"), -s.share_at_8c_or_above_percent() / 100}});
  }
  auto list = [&](const std::string& name, const google::protobuf::RepeatedPtrField<v1::Count>& c) {
    for (const auto& x : c) {
      const std::string u = Unknown(who, absl::StrCat(name, "[", x.key(), "]"));
      if (x.suppressed()) {
        hidden.insert(u);
      } else {
        attack.Shown(u);
      }
    }
  };
  list("typology", s.typology());
  list("bands", s.bands());
  list("board_relationships", s.board_relationships());
  list("findings", s.findings());
  list("leader_titles", s.leader_titles());
  for (const auto& q : s.questions())
    list(absl::StrCat("questions[", q.question_id(), "]"), q.ratings());
  if (title_keys != nullptr) {
    for (const auto& t : s.leader_titles()) title_keys->insert(t.key());
  }
  // Counts are never negative: titles listed in full leave nothing for the
  // rest.
  int64_t listed = 0;
  for (const auto& t : s.leader_titles()) listed += t.count();
  if (!assessment::IsSuppressed(s, "returns_with_title") &&
      !assessment::IsSuppressed(s, "leader_titles") && listed == s.returns_with_title()) {
    attack.Shown(Unknown(who, "leader_titles[]"));
  }
  return hidden;
}

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_DISCLOSURE_ATTACK_H_
