// Return summaries as mergeable counts: building them from the database's
// aggregate rows, merging summaries of disjoint data exactly, and
// suppressing small counts in regional output. Pure: no gRPC, no SQL.
#ifndef AHPL_CORE_SUMMARY_H_
#define AHPL_CORE_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/catalogue.pb.h"

namespace ahpl::assessment {

// Default threshold: counts from 1 to 4 are suppressed in regional output.
inline constexpr int kDefaultSuppressBelow = 5;

// Adds `count` under `key` (merging with an existing entry).
void AddCount(google::protobuf::RepeatedPtrField<v1::Count>& counts, const std::string& key,
              int64_t count);

// Adds `from` into `into` exactly (both unsuppressed, same cycle); the
// result keeps `into`'s region code.
void MergeInto(v1::ReturnSummary& into, const v1::ReturnSummary& from);

// Sorts every list by key and recomputes the derived figures (rates,
// shares, distinct titles).
void Finalize(v1::ReturnSummary& summary);

// Replaces counts from 1 to `below - 1` with suppressed zeros and lists
// them in suppressed_cells. `below` <= 1 suppresses nothing.
void Suppress(v1::ReturnSummary& summary, int below);

// Regional summaries and their total: the shape of every summary answer.
struct RegionalSummaries {
  std::vector<v1::ReturnSummary> regions;
  v1::ReturnSummary total;
};

// Totals `regions` (exact counts of one cycle, disjoint) into a summary of
// the whole cycle, then finalizes each region and suppresses its counts
// below `suppress_below`; the total is finalized, not suppressed.
RegionalSummaries TotalAndSuppress(std::vector<v1::ReturnSummary> regions, const std::string& cycle,
                                   int suppress_below);

// The summary with every count replaced by a difference (b - a) per key, for
// comparing two cycles; suppressed cells stay suppressed.
v1::ReturnSummary Difference(const v1::ReturnSummary& a, const v1::ReturnSummary& b);

}  // namespace ahpl::assessment

#endif  // AHPL_CORE_SUMMARY_H_
