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

void SuppressCounts(Counts& counts, int below, const std::string& path,
                    v1::ReturnSummary& summary) {
  for (auto& c : counts) {
    if (c.count() > 0 && c.count() < below) {
      c.set_count(0);
      c.set_suppressed(true);
      summary.add_suppressed_cells(absl::StrCat(path, "[", c.key(), "]"));
    }
  }
}

double Percent(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

void Diff(Counts& out, const Counts& a, const Counts& b) {
  std::map<std::string, std::pair<const v1::Count*, const v1::Count*>> keys;
  for (const auto& c : a) keys[c.key()].first = &c;
  for (const auto& c : b) keys[c.key()].second = &c;
  for (const auto& [key, pair] : keys) {
    v1::Count* d = out.Add();
    d->set_key(key);
    const bool suppressed =
        (pair.first && pair.first->suppressed()) || (pair.second && pair.second->suppressed());
    d->set_suppressed(suppressed);
    if (!suppressed) {
      d->set_count((pair.second ? pair.second->count() : 0) -
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
    v1::QuestionRatings* target = nullptr;
    for (auto& existing : *into.mutable_questions()) {
      if (existing.question_id() == q.question_id()) target = &existing;
    }
    if (target == nullptr) {
      target = into.add_questions();
      target->set_question_id(q.question_id());
    }
    MergeCounts(*target->mutable_ratings(), q.ratings());
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

void Suppress(v1::ReturnSummary& s, int below) {
  if (below <= 1) return;
  SuppressCounts(*s.mutable_typology(), below, "typology", s);
  SuppressCounts(*s.mutable_bands(), below, "bands", s);
  SuppressCounts(*s.mutable_board_relationships(), below, "board_relationships", s);
  SuppressCounts(*s.mutable_findings(), below, "findings", s);
  SuppressCounts(*s.mutable_leader_titles(), below, "leader_titles", s);
  for (auto& q : *s.mutable_questions()) {
    SuppressCounts(*q.mutable_ratings(), below, absl::StrCat("questions[", q.question_id(), "]"),
                   s);
  }
}

RegionalSummaries TotalAndSuppress(std::vector<v1::ReturnSummary> regions, const std::string& cycle,
                                   int suppress_below) {
  RegionalSummaries out;
  out.total.set_cycle(cycle);
  for (v1::ReturnSummary& region : regions) {
    MergeInto(out.total, region);
    Finalize(region);
    Suppress(region, suppress_below);
  }
  Finalize(out.total);
  out.regions = std::move(regions);
  return out;
}

v1::ReturnSummary Difference(const v1::ReturnSummary& a, const v1::ReturnSummary& b) {
  v1::ReturnSummary d;
  d.set_region_code(b.region_code());
  d.set_cycle(absl::StrCat(a.cycle(), "..", b.cycle()));
  d.set_trusts_in_register(b.trusts_in_register() - a.trusts_in_register());
  d.set_returns(b.returns() - a.returns());
  d.set_trusts_responding(b.trusts_responding() - a.trusts_responding());
  d.set_response_rate_percent(b.response_rate_percent() - a.response_rate_percent());
  d.set_leaders_at_8c_or_above(b.leaders_at_8c_or_above() - a.leaders_at_8c_or_above());
  d.set_returns_with_leader(b.returns_with_leader() - a.returns_with_leader());
  d.set_share_at_8c_or_above_percent(b.share_at_8c_or_above_percent() -
                                     a.share_at_8c_or_above_percent());
  d.set_distinct_leader_titles(b.distinct_leader_titles() - a.distinct_leader_titles());
  d.set_returns_with_title(b.returns_with_title() - a.returns_with_title());
  Diff(*d.mutable_typology(), a.typology(), b.typology());
  Diff(*d.mutable_bands(), a.bands(), b.bands());
  Diff(*d.mutable_board_relationships(), a.board_relationships(), b.board_relationships());
  Diff(*d.mutable_findings(), a.findings(), b.findings());
  return d;
}

}  // namespace ahpl::assessment
