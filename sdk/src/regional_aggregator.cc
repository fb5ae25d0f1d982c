#include "ahpl/sdk/regional_aggregator.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ahpl/sdk/assessment_client.h"
#include "core/disclosure.h"
#include "core/summary.h"

namespace ahpl::sdk {

namespace {

// At most this many trusts are named when endpoints overlap: the refusal
// stays one line.
constexpr size_t kTrustsNamed = 8;

// `status` with the endpoint that gave it named first.
absl::Status FromEndpoint(const Endpoint& endpoint, const absl::Status& status,
                          absl::string_view doing = "") {
  return absl::Status(status.code(), absl::StrCat(endpoint.target, ": ", doing, status.message()));
}

}  // namespace

RegionalAggregator::RegionalAggregator(ClientOptions base, std::vector<Endpoint> endpoints)
    : base_(std::move(base)), endpoints_(std::move(endpoints)) {}

RegionalAggregator::RegionalAggregator(ClientOptions base, const std::vector<std::string>& targets)
    : base_(std::move(base)) {
  for (const auto& target : targets) endpoints_.push_back(Endpoint{target, ""});
}

ClientOptions RegionalAggregator::OptionsFor(size_t i) const {
  ClientOptions options = base_;
  options.target = endpoints_[i].target;
  if (!endpoints_[i].token.empty()) options.token = endpoints_[i].token;
  return options;
}

absl::Status RegionalAggregator::CheckDisjoint(const std::string& cycle, v1::SummaryBasis basis) {
  if (endpoints_.size() < 2) return absl::OkStatus();
  // One deployment reached twice: the same identity behind two endpoints.
  std::vector<std::future<absl::StatusOr<std::string>>> ids;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    ids.push_back(std::async(std::launch::async,
                             [this, i] { return AssessmentClient(OptionsFor(i)).DeploymentId(); }));
  }
  std::map<std::string, size_t> endpoint_of;
  absl::Status failed;
  std::string twice;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto id = ids[i].get();
    if (!id.ok()) {
      if (failed.ok())
        failed = FromEndpoint(endpoints_[i], id.status(), "asking which deployment it is: ");
      continue;
    }
    auto [first, inserted] = endpoint_of.emplace(*id, i);
    if (!inserted && twice.empty()) {
      twice = absl::StrCat(endpoints_[first->second].target, " and ", endpoints_[i].target,
                           " are one deployment (", *id,
                           "): its returns would be counted twice; name each deployment once");
    }
  }
  if (!failed.ok()) return failed;
  if (!twice.empty()) return absl::FailedPreconditionError(twice);

  // One trust's counted returns at two deployments.
  v1::ReturnFilter filter;
  filter.set_cycle(cycle);
  if (basis == v1::SUMMARY_BASIS_PER_TRUST) {
    filter.set_counting_only(true);
  } else {
    filter.set_status(v1::RETURN_STATUS_SUBMITTED);
  }
  std::vector<std::future<absl::StatusOr<std::set<std::string>>>> held;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    held.push_back(std::async(
        std::launch::async, [this, i, filter]() -> absl::StatusOr<std::set<std::string>> {
          std::set<std::string> trusts;
          absl::Status listed = AssessmentClient(OptionsFor(i))
                                    .ForEachReturn(filter, [&](const v1::AssessmentReturn& r) {
                                      trusts.insert(r.trust_ods_code());
                                      return true;
                                    });
          if (!listed.ok()) return listed;
          return trusts;
        }));
  }
  std::map<std::string, std::vector<size_t>> holders;  // ODS code -> endpoints
  for (size_t i = 0; i < held.size(); ++i) {
    auto trusts = held[i].get();
    if (!trusts.ok()) {
      if (failed.ok()) failed = FromEndpoint(endpoints_[i], trusts.status());
      continue;
    }
    for (const auto& code : *trusts) holders[code].push_back(i);
  }
  if (!failed.ok()) return failed;
  std::vector<std::string> named;
  size_t overlapping = 0;
  for (const auto& [code, at] : holders) {
    if (at.size() < 2) continue;
    if (++overlapping > kTrustsNamed) continue;
    std::vector<std::string> targets;
    for (size_t i : at) targets.push_back(endpoints_[i].target);
    named.push_back(absl::StrCat(code, " (", absl::StrJoin(targets, " and "), ")"));
  }
  if (overlapping == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cycle ", cycle, ": returns of ", overlapping,
      overlapping == 1 ? " trust are" : " trusts are",
      " held by more than one endpoint and would be counted twice: ", absl::StrJoin(named, ", "),
      overlapping > named.size() ? absl::StrCat(" and ", overlapping - named.size(), " more") : "",
      "; each trust's returns must be in one deployment"));
}

absl::StatusOr<Aggregate> RegionalAggregator::Summarize(const std::string& cycle,
                                                        int suppress_below,
                                                        v1::SummaryBasis basis) {
  if (endpoints_.empty()) return absl::InvalidArgumentError("no endpoints to aggregate");
  if (absl::Status disjoint = CheckDisjoint(cycle, basis); !disjoint.ok()) return disjoint;
  std::vector<std::future<absl::StatusOr<v1::SummarizeReturnsResponse>>> calls;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    calls.push_back(std::async(std::launch::async, [this, i, cycle, suppress_below, basis] {
      AssessmentClient client(OptionsFor(i));
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
    if (!response.ok()) return FromEndpoint(endpoints_[i], response.status());
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
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    calls.push_back(std::async(std::launch::async, [this, i, cycle, region_code] {
      return AssessmentClient(OptionsFor(i)).ListNonResponders(CollectionName(cycle), region_code);
    }));
  }
  // ODS code -> the trust as the endpoint where it was last active lists it,
  // and how many endpoints list it.
  std::map<std::string, std::pair<v1::NonResponder, size_t>> trusts;
  v1::ListNonRespondersResponse out;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto response = calls[i].get();
    if (!response.ok()) return FromEndpoint(endpoints_[i], response.status());
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
