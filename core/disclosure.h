// Disclosure control for published return summaries: the one step every
// aggregate output (RPC answers, the SDK aggregator, the CLI's table, CSV and
// HTML) passes through. It hides small counts (primary suppression) and then
// enough further cells that no hidden cell can be worked out from what is
// shown (complementary suppression, checked by exact linear algebra), over a
// whole cycle's table at once. Pure: no gRPC, no SQL. Policy:
// docs/disclosure.md.
#ifndef AHPL_CORE_DISCLOSURE_H_
#define AHPL_CORE_DISCLOSURE_H_

#include <string>
#include <vector>

#include "ahpl/v1/assessment.pb.h"

namespace ahpl::assessment {

// The server's threshold unless configured: counts from 1 to 4 are hidden.
inline constexpr int kDefaultSuppressBelow = 5;
// No configuration or request can go below this: a count of 1 is always
// hidden.
inline constexpr int kMinSuppressBelow = 2;

// The threshold a request is answered with: the server's, raised (never
// lowered) by what the request asks for.
int EffectiveThreshold(int server_below, int requested_below);

// A whole cycle: every region and England.
struct DisclosedTable {
  std::vector<v1::ReturnSummary> regions;
  v1::ReturnSummary england;
};

// Controls `table` in place for threshold `below` (raised to
// kMinSuppressBelow). England must be the sum of the regions. Cells already
// suppressed (count 0 with suppressed, or a path in suppressed_cells) stay
// hidden, so controlling again (with the same or a higher threshold) only
// hides more, never shows what was hidden (the fuzz target checks it; it may
// hide more even at the same threshold, see docs/disclosure.md). Deterministic: the
// pattern depends only on the table and `below`.
void ControlDisclosure(DisclosedTable& table, int below);

// Totals exact regional counts of one cycle into England and controls the
// whole table with the server's threshold, then (if higher) the requested
// one, so that every answer's pattern contains the server-threshold pattern.
DisclosedTable DiscloseCycle(std::vector<v1::ReturnSummary> regions, const std::string& cycle,
                             int server_below, int requested_below = 0);

// Adds controlled `from` into controlled `into` (summaries of disjoint
// returns, e.g. from two servers): a cell hidden on either side is hidden in
// the sum; a leader title is kept only when both sides show it (or one side
// has no titles at all).
void MergeControlled(v1::ReturnSummary& into, const v1::ReturnSummary& from);

// True when `path` (e.g. "returns", "bands[BAND_8C]") is in the summary's
// suppressed_cells.
bool IsSuppressed(const v1::ReturnSummary& summary, const std::string& path);

}  // namespace ahpl::assessment

#endif  // AHPL_CORE_DISCLOSURE_H_
