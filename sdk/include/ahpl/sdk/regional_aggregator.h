// Aggregates returns across deployments: asks every endpoint (for example
// one deployment per region) for its summary at once and merges them
// exactly, region by region and into a national total.
#ifndef AHPL_SDK_REGIONAL_AGGREGATOR_H_
#define AHPL_SDK_REGIONAL_AGGREGATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/assessment.pb.h"

namespace ahpl::sdk {

// Regions and the national total, merged from every endpoint.
struct Aggregate {
  std::vector<v1::ReturnSummary> regions;  // in region code order
  v1::ReturnSummary national;
};

// What changed between two cycles, per region and nationally.
struct CycleComparison {
  std::vector<v1::ReturnSummary> regions;  // differences, later minus earlier
  v1::ReturnSummary national;
};

class RegionalAggregator {
 public:
  // `base` supplies deadlines and retries; each endpoint is a host:port.
  RegionalAggregator(ClientOptions base, std::vector<std::string> endpoints);

  // Summaries of `cycle` from every endpoint, merged. The endpoints must
  // hold disjoint returns. Regional counts are suppressed below
  // `suppress_below` after merging (1: none); the national total never is.
  absl::StatusOr<Aggregate> Summarize(const std::string& cycle, int suppress_below = 5);

  // Compares two cycles, unsuppressed.
  absl::StatusOr<CycleComparison> Compare(const std::string& earlier, const std::string& later);

 private:
  ClientOptions base_;
  std::vector<std::string> endpoints_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_REGIONAL_AGGREGATOR_H_
