#include "ahpl/sdk/regional_aggregator.h"

#include <algorithm>
#include <future>
#include <map>

#include "absl/strings/str_cat.h"
#include "ahpl/sdk/assessment_client.h"
#include "core/disclosure.h"
#include "core/summary.h"

namespace ahpl::sdk {

RegionalAggregator::RegionalAggregator(ClientOptions base, std::vector<std::string> endpoints)
    : base_(std::move(base)), endpoints_(std::move(endpoints)) {}

absl::StatusOr<Aggregate> RegionalAggregator::Summarize(const std::string& cycle,
                                                        int suppress_below) {
  if (endpoints_.empty()) return absl::InvalidArgumentError("no endpoints to aggregate");
  std::vector<std::future<absl::StatusOr<v1::SummarizeReturnsResponse>>> calls;
  for (const auto& endpoint : endpoints_) {
    calls.push_back(std::async(std::launch::async, [this, endpoint, cycle, suppress_below] {
      ClientOptions options = base_;
      options.target = endpoint;
      AssessmentClient client(options);
      // Each server controls its own answer (it never gives exact small
      // counts); the request can only raise its threshold.
      return client.Summarize(cycle, "", suppress_below);
    }));
  }
  std::map<std::string, v1::ReturnSummary> regions;
  assessment::DisclosedTable table;
  int below = suppress_below;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto response = calls[i].get();
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat(endpoints_[i], ": ", response.status().message()));
    }
    for (const auto& region : response->regions()) {
      below = std::max(below, region.suppress_below());
      auto& merged = regions[region.region_code()];
      if (merged.region_code().empty()) {
        merged = region;
      } else {
        // The register's trusts are counted by every endpoint; returns only
        // where they are stored.
        const int64_t register_size = merged.trusts_in_register();
        assessment::MergeControlled(merged, region);
        merged.set_trusts_in_register(register_size);
      }
    }
    below = std::max(below, response->total().suppress_below());
    if (i == 0) {
      table.england = response->total();
    } else {
      const int64_t register_size = table.england.trusts_in_register();
      assessment::MergeControlled(table.england, response->total());
      table.england.set_trusts_in_register(register_size);
    }
  }
  for (auto& [code, summary] : regions) table.regions.push_back(std::move(summary));
  // One server's answer is already controlled (this changes nothing); the
  // merge of several is controlled again as one table.
  assessment::ControlDisclosure(table, below);
  Aggregate out;
  out.regions = std::move(table.regions);
  out.national = std::move(table.england);
  return out;
}

absl::StatusOr<CycleComparison> RegionalAggregator::Compare(const std::string& earlier,
                                                            const std::string& later) {
  // Each cycle is controlled on its own whole table; a difference is hidden
  // whenever either side's cell is.
  auto a = Summarize(earlier, 0);
  if (!a.ok()) return a.status();
  auto b = Summarize(later, 0);
  if (!b.ok()) return b.status();
  CycleComparison out;
  std::map<std::string, const v1::ReturnSummary*> before;
  for (const auto& r : a->regions) before[r.region_code()] = &r;
  for (const auto& r : b->regions) {
    v1::ReturnSummary empty;
    empty.set_cycle(earlier);
    auto it = before.find(r.region_code());
    out.regions.push_back(assessment::Difference(it == before.end() ? empty : *it->second, r));
  }
  out.national = assessment::Difference(a->national, b->national);
  return out;
}

}  // namespace ahpl::sdk
