// Aggregates returns across deployments: asks every endpoint (for example
// one deployment per region) for its summary at once and merges them,
// region by region and into a national total, under disclosure control
// (docs/disclosure.md): a cell hidden by any endpoint stays hidden. Merges
// their lists of trusts that have not returned the same way. Refuses to
// count anything twice: one deployment reached under two endpoints, or
// returns of one trust in one cycle held by two deployments.
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

// One deployment to aggregate: where it is, and the token it takes.
struct Endpoint {
  // As ClientOptions::target: an address, the deployment's replicas
  // comma-separated, or a gRPC target such as dns:///NAME:PORT.
  std::string target;
  // The bearer token this deployment knows; empty: the base options' token.
  std::string token;
};

class RegionalAggregator {
 public:
  // `base` supplies deadlines, retries, TLS and the token of every endpoint
  // that has none of its own; each endpoint is one deployment.
  RegionalAggregator(ClientOptions base, std::vector<Endpoint> endpoints);
  // Every endpoint (a target each) with the base options' token.
  RegionalAggregator(ClientOptions base, const std::vector<std::string>& targets);

  // Summaries of `cycle` from every endpoint, merged. Every figure, national
  // ones included, is under the servers' disclosure control;
  // `suppress_below` can raise the threshold (never lower it). Counted as
  // `basis` says (unspecified: per return); the merge is provisional when
  // any endpoint's answer is. With several endpoints, CheckDisjoint first.
  absl::StatusOr<Aggregate> Summarize(const std::string& cycle, int suppress_below = 0,
                                      v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);

  // Compares two cycles, each under its own disclosure control: a
  // difference is hidden whenever either cycle's figure is.
  absl::StatusOr<CycleComparison> Compare(const std::string& earlier, const std::string& later,
                                          v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);

  // Whether the endpoints hold disjoint data for `cycle`, as merging needs:
  // FAILED_PRECONDITION, in one line, when two endpoints are one deployment
  // (the same GetDeployment id: one deployment reached under two addresses),
  // naming both; or when returns of one trust that `basis` counts (each
  // trust's counting return per trust, every submitted return per return)
  // are held by more than one endpoint, naming the first trusts found with
  // their endpoints. The endpoints' own errors come back naming the
  // endpoint. Costs one GetDeployment and one list of the cycle's counted
  // returns (as far as the token sees) per endpoint; nothing with one
  // endpoint.
  absl::Status CheckDisjoint(const std::string& cycle,
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
  // The options that reach endpoint `i`.
  ClientOptions OptionsFor(size_t i) const;

  ClientOptions base_;
  std::vector<Endpoint> endpoints_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_REGIONAL_AGGREGATOR_H_
