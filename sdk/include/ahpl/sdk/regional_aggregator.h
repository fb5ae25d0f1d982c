// Aggregates returns across deployments: asks every endpoint (for example
// one deployment per region) for its summary at once and merges them,
// region by region and into a national total, under disclosure control
// (docs/disclosure.md): a cell hidden by any endpoint stays hidden.
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
  // hold disjoint returns. Every figure, national ones included, is under
  // the servers' disclosure control; `suppress_below` can raise the
  // threshold (never lower it).
  absl::StatusOr<Aggregate> Summarize(const std::string& cycle, int suppress_below = 0);

  // Compares two cycles, each under its own disclosure control: a
  // difference is hidden whenever either cycle's figure is.
  absl::StatusOr<CycleComparison> Compare(const std::string& earlier, const std::string& later);

 private:
  ClientOptions base_;
  std::vector<std::string> endpoints_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_REGIONAL_AGGREGATOR_H_
