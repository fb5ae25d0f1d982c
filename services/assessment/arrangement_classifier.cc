#include "services/assessment/arrangement_classifier.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "services/classification/classification_service.h"
#include "services/classification/classifier.h"

namespace ahpl::assessment {

v1::StoredClassification ToStored(const v1::Classification& c,
                                  const google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  v1::StoredClassification stored;
  stored.set_typology(c.typology());
  stored.set_ruleset_version(c.ruleset_version());
  stored.set_band_fit(c.band_fit());
  for (const auto& f : findings) stored.add_finding_codes(f.code());
  return stored;
}

absl::StatusOr<std::unique_ptr<LocalClassifier>> LocalClassifier::Load(
    std::string ruleset_file, catalogue::CatalogueStore& editions) {
  std::unique_ptr<LocalClassifier> c(new LocalClassifier(std::move(ruleset_file), editions));
  RETURN_IF_ERROR(c->Reload());
  return c;
}

absl::Status LocalClassifier::Reload() {
  ASSIGN_OR_RETURN(auto rules, classification::LoadRuleset(ruleset_file_, editions_));
  absl::MutexLock lock(&mu_);
  rules_ = std::move(rules);
  return absl::OkStatus();
}

absl::StatusOr<v1::StoredClassification> LocalClassifier::Classify(
    const v1::LeadershipArrangement& arrangement) {
  std::shared_ptr<const classification::CompiledRuleset> rules;
  {
    absl::MutexLock lock(&mu_);
    rules = rules_;
  }
  ASSIGN_OR_RETURN(auto result,
                   classification::Classify(*rules, arrangement, v1::CLASSIFICATION_VIEW_BASIC));
  return ToStored(result.classification, result.findings);
}

namespace {

sdk::ClientOptions RemoteOptions(const std::string& target, std::string token,
                                 std::shared_ptr<grpc::ChannelCredentials> credentials) {
  sdk::ClientOptions options;
  options.target = target;
  options.token = std::move(token);
  options.credentials = std::move(credentials);
  options.deadline = absl::Seconds(5);
  options.max_attempts = 3;
  return options;
}

}  // namespace

RemoteClassifier::RemoteClassifier(const std::string& target, std::string token,
                                   std::shared_ptr<grpc::ChannelCredentials> credentials)
    : client_(RemoteOptions(target, std::move(token), std::move(credentials))) {}

absl::StatusOr<v1::StoredClassification> RemoteClassifier::Classify(
    const v1::LeadershipArrangement& arrangement) {
  // What is stored needs the outcome only.
  auto response = client_.Classify(arrangement, v1::CLASSIFICATION_VIEW_BASIC);
  if (response.ok()) return ToStored(response->classification(), response->findings());
  return absl::Status(absl::IsInvalidArgument(response.status()) ? absl::StatusCode::kInternal
                                                                 : absl::StatusCode::kUnavailable,
                      absl::StrCat("classifying the arrangement: ", response.status().message()));
}

}  // namespace ahpl::assessment
