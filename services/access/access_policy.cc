#include "services/access/access_policy.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

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
  // Classification reads nothing stored: every role that works with
  // returns may ask for it, as may other services.
  const std::vector<v1::Role> classify = {kClassifier, kTrust, kRegion, kNational};
  const std::string cat = "/ahpl.v1.CatalogueService/";
  const std::string ret = "/ahpl.v1.AssessmentService/";
  const std::string cls = "/ahpl.v1.ClassificationService/";
  const std::string acc = "/ahpl.v1.AccessService/";
  return {
      {cat + "GetEdition", any},
      {cat + "ListEditions", any},
      {cat + "ListQuestions", any},
      {cat + "ListProfessions", any},
      {cat + "ListRegions", any},
      {cat + "ListTrusts", any},
      {cat + "GetTrust", any},
      {cat + "PublishEdition", {kAdmin}},

      {ret + "CreateReturn", {kTrust}},
      {ret + "UpdateReturn", {kTrust}},
      {ret + "SubmitReturn", {kTrust}},
      {ret + "AmendReturn", {kTrust}},
      {ret + "WithdrawReturn", {kTrust}},
      {ret + "GetReturn", readers},
      {ret + "ListReturnVersions", readers},
      {ret + "ListReturns", readers},
      // A trust imports its own returns; the national team imports the
      // returns it collected (docs/decisions.md).
      {ret + "ImportReturns", {kTrust, kNational}},
      {ret + "ExportReturns", readers},
      {ret + "SummarizeReturns", {kRegion, kNational}},
      {ret + "BenchmarkReturn", readers},

      {cls + "ClassifyArrangement", classify},
      {cls + "ClassifyArrangements", classify},
      {cls + "EvaluateReturn", classify},
      {cls + "GetRuleset", classify},

      {acc + "CreateToken", {kAdmin}},
      {acc + "ListTokens", {kAdmin}},
      {acc + "RevokeToken", {kAdmin}},
      {acc + "ListAuditEvents", {kAdmin}},
      {acc + "GetCaller", any},
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

std::string RoleWord(v1::Role role) {
  absl::string_view name = v1::Role_Name(role);
  absl::ConsumePrefix(&name, "ROLE_");
  return absl::AsciiStrToLower(name);
}

absl::Status CheckRole(v1::Role role, absl::string_view method) {
  const MethodPolicy* policy = PolicyFor(method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(method, " is not open to any token"));
  }
  if (policy->Allows(role)) return absl::OkStatus();
  std::vector<std::string> words;
  for (v1::Role r : policy->roles) words.push_back(RoleWord(r));
  return absl::PermissionDeniedError(absl::StrCat("this ", RoleWord(role), " token may not call ",
                                                  method, " (roles allowed: ",
                                                  absl::StrJoin(words, ", "), ")"));
}

}  // namespace ahpl::access
