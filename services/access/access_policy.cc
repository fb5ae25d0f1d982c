#include "services/access/access_policy.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "ahpl/v1/access.grpc.pb.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "ahpl/v1/catalogue.grpc.pb.h"
#include "ahpl/v1/classification.grpc.pb.h"
#include "core/roles.h"
#include "services/common/rpc_name.h"

namespace ahpl::access {
namespace {

constexpr v1::Role kTrust = v1::ROLE_TRUST;
constexpr v1::Role kRegion = v1::ROLE_REGION;
constexpr v1::Role kNational = v1::ROLE_NATIONAL;
constexpr v1::Role kClassifier = v1::ROLE_CLASSIFIER;
constexpr v1::Role kAdmin = v1::ROLE_ADMIN;

std::vector<MethodPolicy> BuildPolicy() {
  const std::vector<v1::Role> any = {kTrust, kRegion, kNational, kClassifier, kAdmin};
  const std::vector<v1::Role> readers = {kTrust, kRegion, kNational};
  const std::vector<v1::Role> seasons = {kTrust, kRegion, kNational, kAdmin};
  // Classification reads nothing stored: every role that works with
  // returns may ask for it, as may other services.
  const std::vector<v1::Role> classify = {kClassifier, kTrust, kRegion, kNational};
  return {
      {AHPL_RPC(CatalogueService, GetEdition), any},
      {AHPL_RPC(CatalogueService, ListEditions), any},
      {AHPL_RPC(CatalogueService, ListQuestions), any},
      {AHPL_RPC(CatalogueService, ListProfessions), any},
      {AHPL_RPC(CatalogueService, ListRegions), any},
      {AHPL_RPC(CatalogueService, ListTrusts), any},
      {AHPL_RPC(CatalogueService, GetTrust), any},
      {AHPL_RPC(CatalogueService, PublishEdition), {kAdmin}},

      {AHPL_RPC(AssessmentService, CreateReturn), {kTrust}},
      {AHPL_RPC(AssessmentService, UpdateReturn), {kTrust}},
      {AHPL_RPC(AssessmentService, SubmitReturn), {kTrust}},
      {AHPL_RPC(AssessmentService, AmendReturn), {kTrust}},
      {AHPL_RPC(AssessmentService, WithdrawReturn), {kTrust}},
      {AHPL_RPC(AssessmentService, GetReturn), readers},
      {AHPL_RPC(AssessmentService, ListReturnVersions), readers},
      {AHPL_RPC(AssessmentService, ListReturns), readers},
      // A trust imports its own returns; the national team imports the
      // returns it collected (docs/decisions.md).
      {AHPL_RPC(AssessmentService, ImportReturns), {kTrust, kNational}},
      {AHPL_RPC(AssessmentService, ExportReturns), readers},
      {AHPL_RPC(AssessmentService, SummarizeReturns), {kRegion, kNational}},
      {AHPL_RPC(AssessmentService, BenchmarkReturn), readers},
      {AHPL_RPC(AssessmentService, AttestReturn), {kTrust}},
      // Collections: everyone who works with returns reads them; the
      // national team runs the season; only an admin reopens a closed one.
      {AHPL_RPC(AssessmentService, GetCollection), seasons},
      {AHPL_RPC(AssessmentService, ListCollections), seasons},
      {AHPL_RPC(AssessmentService, CreateCollection), {kNational, kAdmin}},
      {AHPL_RPC(AssessmentService, UpdateCollection), {kNational, kAdmin}},
      {AHPL_RPC(AssessmentService, CloseCollection), {kNational, kAdmin}},
      {AHPL_RPC(AssessmentService, AllowLateReturn), {kNational, kAdmin}},
      {AHPL_RPC(AssessmentService, ReopenCollection), {kAdmin}},
      {AHPL_RPC(AssessmentService, ListNonResponders), readers},
      // Which deployment a server belongs to names nothing stored: anyone
      // aggregating across deployments (or a service) may ask.
      {AHPL_RPC(AssessmentService, GetDeployment), any},

      {AHPL_RPC(ClassificationService, ClassifyArrangement), classify},
      {AHPL_RPC(ClassificationService, ClassifyArrangements), classify},
      {AHPL_RPC(ClassificationService, EvaluateReturn), classify},
      {AHPL_RPC(ClassificationService, GetRuleset), classify},

      {AHPL_RPC(AccessService, CreateToken), {kAdmin}},
      {AHPL_RPC(AccessService, ListTokens), {kAdmin}},
      {AHPL_RPC(AccessService, RevokeToken), {kAdmin}},
      {AHPL_RPC(AccessService, ListAuditEvents), {kAdmin}},
      {AHPL_RPC(AccessService, GetCaller), any},
  };
}

}  // namespace

bool MethodPolicy::Allows(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<MethodPolicy>& AccessPolicy() {
  static const auto* policy = new std::vector<MethodPolicy>(BuildPolicy());
  return *policy;
}

const MethodPolicy* PolicyFor(absl::string_view method) {
  static const auto* by_method = [] {
    auto* index = new absl::flat_hash_map<std::string, const MethodPolicy*>();
    for (const auto& p : AccessPolicy()) (*index)[p.method] = &p;
    return index;
  }();
  auto it = by_method->find(method);
  return it == by_method->end() ? nullptr : it->second;
}

absl::Status CheckRole(v1::Role role, absl::string_view method) {
  const MethodPolicy* policy = PolicyFor(method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " is not open to any token"));
  }
  if (policy->Allows(role)) return absl::OkStatus();
  std::vector<std::string> words;
  for (v1::Role r : policy->roles) words.push_back(RoleWord(r));
  return absl::PermissionDeniedError(
      absl::StrCat("this ", RoleWord(role), " token may not call ", method,
                   " (roles allowed: ", absl::StrJoin(words, ", "), ")"));
}

}  // namespace ahpl::access
