// Aggregates returns across deployments: asks every endpoint (for example
// one deployment per region) for its summary at once and merges them,
// region by region and into a national total, under disclosure control
// (docs/disclosure.md): a cell hidden by any endpoint stays hidden. Merges
// their lists of trusts that have not returned the same way.
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
  // threshold (never lower it). Counted as `basis` says (unspecified: per
  // return); the merge is provisional when any endpoint's answer is.
  absl::StatusOr<Aggregate> Summarize(const std::string& cycle, int suppress_below = 0,
                                      v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);

  // Compares two cycles, each under its own disclosure control: a
  // difference is hidden whenever either cycle's figure is.
  absl::StatusOr<CycleComparison> Compare(const std::string& earlier, const std::string& later,
                                          v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);

  // The trusts without a counting return in `cycle`'s collection at any
  // endpoint (in `region_code`, or every region the token covers), by
  // region then ODS code. A trust listed by every endpoint has returned
  // nowhere; its progress and last activity are those of the endpoint where
  // it was last active. The state is the least advanced of the endpoints'
  // (figures are final only once every endpoint has closed).
  absl::StatusOr<v1::ListNonRespondersResponse> NonResponders(const std::string& cycle,
                                                              const std::string& region_code = "");

 private:
  ClientOptions base_;
  std::vector<std::string> endpoints_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_REGIONAL_AGGREGATOR_H_
