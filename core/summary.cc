#include "core/summary.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"

namespace ahpl::assessment {
namespace {

using Counts = google::protobuf::RepeatedPtrField<v1::Count>;

void MergeCounts(Counts& into, const Counts& from) {
  for (const auto& c : from) AddCount(into, c.key(), c.count());
}

void SortCounts(Counts& counts) {
  std::sort(counts.begin(), counts.end(),
            [](const v1::Count& a, const v1::Count& b) { return a.key() < b.key(); });
}

double Percent(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

bool Hidden(const v1::ReturnSummary& s, const std::string& path) {
  return std::find(s.suppressed_cells().begin(), s.suppressed_cells().end(), path) !=
         s.suppressed_cells().end();
}

void Diff(Counts& out, const Counts& a, const Counts& b, const std::string& path,
          v1::ReturnSummary& d) {
  std::map<std::string, std::pair<const v1::Count*, const v1::Count*>> keys;
  for (const auto& c : a) keys[c.key()].first = &c;
  for (const auto& c : b) keys[c.key()].second = &c;
  for (const auto& [key, pair] : keys) {
    v1::Count* c = out.Add();
    c->set_key(key);
    const bool suppressed =
        (pair.first && pair.first->suppressed()) || (pair.second && pair.second->suppressed());
    c->set_suppressed(suppressed);
    if (suppressed) {
      d.add_suppressed_cells(absl::StrCat(path, "[", key, "]"));
    } else {
      c->set_count((pair.second ? pair.second->count() : 0) -
                   (pair.first ? pair.first->count() : 0));
    }
  }
}

}  // namespace

void AddCount(Counts& counts, const std::string& key, int64_t count) {
  for (auto& c : counts) {
    if (c.key() == key) {
      c.set_count(c.count() + count);
      return;
    }
  }
  v1::Count* c = counts.Add();
  c->set_key(key);
  c->set_count(count);
}

v1::QuestionRatings& QuestionRatingsOf(v1::ReturnSummary& summary, const std::string& question_id) {
  for (auto& existing : *summary.mutable_questions()) {
    if (existing.question_id() == question_id) return existing;
  }
  v1::QuestionRatings& added = *summary.add_questions();
  added.set_question_id(question_id);
  return added;
}

void MergeInto(v1::ReturnSummary& into, const v1::ReturnSummary& from) {
  if (into.cycle().empty()) into.set_cycle(from.cycle());
  into.set_trusts_in_register(into.trusts_in_register() + from.trusts_in_register());
  into.set_returns(into.returns() + from.returns());
  into.set_trusts_responding(into.trusts_responding() + from.trusts_responding());
  into.set_leaders_at_8c_or_above(into.leaders_at_8c_or_above() + from.leaders_at_8c_or_above());
  into.set_returns_with_leader(into.returns_with_leader() + from.returns_with_leader());
  into.set_returns_with_title(into.returns_with_title() + from.returns_with_title());
  MergeCounts(*into.mutable_typology(), from.typology());
  MergeCounts(*into.mutable_bands(), from.bands());
  MergeCounts(*into.mutable_board_relationships(), from.board_relationships());
  MergeCounts(*into.mutable_findings(), from.findings());
  MergeCounts(*into.mutable_leader_titles(), from.leader_titles());
  for (const auto& q : from.questions()) {
    MergeCounts(*QuestionRatingsOf(into, q.question_id()).mutable_ratings(), q.ratings());
  }
  Finalize(into);
}

void Finalize(v1::ReturnSummary& s) {
  SortCounts(*s.mutable_typology());
  SortCounts(*s.mutable_bands());
  SortCounts(*s.mutable_board_relationships());
  SortCounts(*s.mutable_findings());
  SortCounts(*s.mutable_leader_titles());
  std::sort(s.mutable_questions()->begin(), s.mutable_questions()->end(),
            [](const v1::QuestionRatings& a, const v1::QuestionRatings& b) {
              return a.question_id() < b.question_id();
            });
  for (auto& q : *s.mutable_questions()) SortCounts(*q.mutable_ratings());
  s.set_response_rate_percent(Percent(s.trusts_responding(), s.trusts_in_register()));
  s.set_share_at_8c_or_above_percent(Percent(s.leaders_at_8c_or_above(), s.returns_with_leader()));
  int64_t distinct = 0;
  for (const auto& t : s.leader_titles()) distinct += (t.count() > 0 || t.suppressed()) ? 1 : 0;
  s.set_distinct_leader_titles(distinct);
}

v1::ReturnSummary Difference(const v1::ReturnSummary& a, const v1::ReturnSummary& b) {
  v1::ReturnSummary d;
  d.set_region_code(b.region_code());
  d.set_cycle(absl::StrCat(a.cycle(), "..", b.cycle()));
  d.set_suppress_below(std::max(a.suppress_below(), b.suppress_below()));
  d.set_trusts_in_register(b.trusts_in_register() - a.trusts_in_register());
  auto scalar = [&](const std::string& path, auto get, auto set) {
    if (Hidden(a, path) || Hidden(b, path)) {
      d.add_suppressed_cells(path);
    } else {
      (d.*set)((b.*get)() - (a.*get)());
    }
  };
  scalar("returns", &v1::ReturnSummary::returns, &v1::ReturnSummary::set_returns);
  scalar("trusts_responding", &v1::ReturnSummary::trusts_responding,
         &v1::ReturnSummary::set_trusts_responding);
  scalar("response_rate_percent", &v1::ReturnSummary::response_rate_percent,
         &v1::ReturnSummary::set_response_rate_percent);
  scalar("leaders_at_8c_or_above", &v1::ReturnSummary::leaders_at_8c_or_above,
         &v1::ReturnSummary::set_leaders_at_8c_or_above);
  scalar("returns_with_leader", &v1::ReturnSummary::returns_with_leader,
         &v1::ReturnSummary::set_returns_with_leader);
  scalar("share_at_8c_or_above_percent", &v1::ReturnSummary::share_at_8c_or_above_percent,
         &v1::ReturnSummary::set_share_at_8c_or_above_percent);
  scalar("distinct_leader_titles", &v1::ReturnSummary::distinct_leader_titles,
         &v1::ReturnSummary::set_distinct_leader_titles);
  scalar("returns_with_title", &v1::ReturnSummary::returns_with_title,
         &v1::ReturnSummary::set_returns_with_title);
  Diff(*d.mutable_typology(), a.typology(), b.typology(), "typology", d);
  Diff(*d.mutable_bands(), a.bands(), b.bands(), "bands", d);
  Diff(*d.mutable_board_relationships(), a.board_relationships(), b.board_relationships(),
       "board_relationships", d);
  Diff(*d.mutable_findings(), a.findings(), b.findings(), "findings", d);
  std::map<std::string, std::pair<const v1::QuestionRatings*, const v1::QuestionRatings*>> qs;
  for (const auto& q : a.questions()) qs[q.question_id()].first = &q;
  for (const auto& q : b.questions()) qs[q.question_id()].second = &q;
  static const Counts kNone;
  for (const auto& [id, pair] : qs) {
    v1::QuestionRatings* q = d.add_questions();
    q->set_question_id(id);
    Diff(*q->mutable_ratings(), pair.first ? pair.first->ratings() : kNone,
         pair.second ? pair.second->ratings() : kNone, absl::StrCat("questions[", id, "]"), d);
  }
  return d;
}

}  // namespace ahpl::assessment
