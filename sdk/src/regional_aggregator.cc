#include "ahpl/sdk/regional_aggregator.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <future>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ahpl/sdk/assessment_client.h"
#include "core/disclosure.h"
#include "core/summary.h"

namespace ahpl::sdk {

RegionalAggregator::RegionalAggregator(ClientOptions base, std::vector<std::string> endpoints)
    : base_(std::move(base)), endpoints_(std::move(endpoints)) {}

absl::StatusOr<Aggregate> RegionalAggregator::Summarize(const std::string& cycle,
                                                        int suppress_below,
                                                        v1::SummaryBasis basis) {
  if (endpoints_.empty()) return absl::InvalidArgumentError("no endpoints to aggregate");
  std::vector<std::future<absl::StatusOr<v1::SummarizeReturnsResponse>>> calls;
  for (const auto& endpoint : endpoints_) {
    calls.push_back(std::async(std::launch::async, [this, endpoint, cycle, suppress_below, basis] {
      ClientOptions options = base_;
      options.target = endpoint;
      AssessmentClient client(options);
      // Each server controls its own answer (it never gives exact small
      // counts); the request can only raise its threshold.
      return client.Summarize(cycle, "", suppress_below, basis);
    }));
  }
  std::map<std::string, v1::ReturnSummary> regions;
  assessment::DisclosedTable table;
  int below = suppress_below;
  bool provisional = false;
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
    provisional = provisional || response->total().provisional();
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
  // What was counted is what every endpoint was asked for; figures are final
  // only when every endpoint's are.
  for (auto& r : table.regions) {
    r.set_basis(table.england.basis());
    r.set_provisional(provisional);
  }
  table.england.set_provisional(provisional);
  Aggregate out;
  out.regions = std::move(table.regions);
  out.national = std::move(table.england);
  return out;
}

absl::StatusOr<CycleComparison> RegionalAggregator::Compare(const std::string& earlier,
                                                            const std::string& later,
                                                            v1::SummaryBasis basis) {
  // Each cycle is controlled on its own whole table; a difference is hidden
  // whenever either side's cell is.
  auto a = Summarize(earlier, 0, basis);
  if (!a.ok()) return a.status();
  auto b = Summarize(later, 0, basis);
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
  // A difference is as provisional as either of its cycles.
  const bool provisional = a->national.provisional() || b->national.provisional();
  out.national.set_basis(b->national.basis());
  out.national.set_provisional(provisional);
  for (auto& d : out.regions) {
    d.set_basis(b->national.basis());
    d.set_provisional(provisional);
  }
  return out;
}

absl::StatusOr<v1::ListNonRespondersResponse> RegionalAggregator::NonResponders(
    const std::string& cycle, const std::string& region_code) {
  if (endpoints_.empty()) return absl::InvalidArgumentError("no endpoints to ask");
  std::vector<std::future<absl::StatusOr<v1::ListNonRespondersResponse>>> calls;
  for (const auto& endpoint : endpoints_) {
    calls.push_back(std::async(std::launch::async, [this, endpoint, cycle, region_code] {
      ClientOptions options = base_;
      options.target = endpoint;
      AssessmentClient client(options);
      return client.ListNonResponders(CollectionName(cycle), region_code);
    }));
  }
  // ODS code -> the trust as the endpoint where it was last active lists it,
  // and how many endpoints list it.
  std::map<std::string, std::pair<v1::NonResponder, size_t>> trusts;
  v1::ListNonRespondersResponse out;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto response = calls[i].get();
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat(endpoints_[i], ": ", response.status().message()));
    }
    if (i == 0) {
      // Every endpoint holds the same register.
      out.set_trusts_in_scope(response->trusts_in_scope());
      out.set_state(response->state());
    } else if (response->state() < out.state()) {
      out.set_state(response->state());
    }
    for (auto& t : *response->mutable_trusts()) {
      auto& [kept, listed_by] = trusts[t.trust_ods_code()];
      if (listed_by == 0 ||
          google::protobuf::util::TimeUtil::TimestampToNanoseconds(t.last_activity_time()) >
              google::protobuf::util::TimeUtil::TimestampToNanoseconds(kept.last_activity_time())) {
        kept = std::move(t);
      }
      ++listed_by;
    }
  }
  std::vector<v1::NonResponder> listed;
  for (auto& [code, entry] : trusts) {
    if (entry.second == endpoints_.size()) listed.push_back(std::move(entry.first));
  }
  std::sort(listed.begin(), listed.end(), [](const v1::NonResponder& a, const v1::NonResponder& b) {
    return std::tie(a.region_code(), a.trust_ods_code()) <
           std::tie(b.region_code(), b.trust_ods_code());
  });
  for (auto& t : listed) *out.add_trusts() = std::move(t);
  out.set_trusts_returned(out.trusts_in_scope() - out.trusts_size());
  return out;
}

}  // namespace ahpl::sdk
