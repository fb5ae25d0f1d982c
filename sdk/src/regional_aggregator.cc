#include "ahpl/sdk/regional_aggregator.h"

#include <future>
#include <map>

#include "absl/strings/str_cat.h"
#include "ahpl/sdk/assessment_client.h"
#include "core/summary.h"

namespace ahpl::sdk {

RegionalAggregator::RegionalAggregator(ClientOptions base, std::vector<std::string> endpoints)
    : base_(std::move(base)), endpoints_(std::move(endpoints)) {}

absl::StatusOr<Aggregate> RegionalAggregator::Summarize(const std::string& cycle,
                                                        int suppress_below) {
  if (endpoints_.empty()) return absl::InvalidArgumentError("no endpoints to aggregate");
  std::vector<std::future<absl::StatusOr<v1::SummarizeReturnsResponse>>> calls;
  for (const auto& endpoint : endpoints_) {
    calls.push_back(std::async(std::launch::async, [this, endpoint, cycle] {
      ClientOptions options = base_;
      options.target = endpoint;
      AssessmentClient client(options);
      // Unsuppressed, so that merging stays exact; suppression comes after.
      return client.Summarize(cycle, "", 1);
    }));
  }
  std::map<std::string, v1::ReturnSummary> regions;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto response = calls[i].get();
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat(endpoints_[i], ": ", response.status().message()));
    }
    for (const auto& region : response->regions()) {
      auto& merged = regions[region.region_code()];
      if (merged.region_code().empty()) {
        merged = region;
      } else {
        // The register's trusts are counted by every endpoint; returns only
        // where they are stored.
        const int64_t register_size = merged.trusts_in_register();
        assessment::MergeInto(merged, region);
        merged.set_trusts_in_register(register_size);
        assessment::Finalize(merged);
      }
    }
  }
  std::vector<v1::ReturnSummary> merged;
  for (auto& [code, summary] : regions) merged.push_back(std::move(summary));
  auto summaries = assessment::TotalAndSuppress(std::move(merged), cycle, suppress_below);
  Aggregate out;
  out.regions = std::move(summaries.regions);
  out.national = std::move(summaries.total);
  return out;
}

absl::StatusOr<CycleComparison> RegionalAggregator::Compare(const std::string& earlier,
                                                            const std::string& later) {
  auto a = Summarize(earlier, 1);
  if (!a.ok()) return a.status();
  auto b = Summarize(later, 1);
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
