#include "services/assessment/arrangement_classifier.h"

#include <chrono>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "services/classification/classification_service.h"
#include "services/classification/classifier.h"
#include "services/common/grpc_status.h"
#include "services/common/status_macros.h"

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
  std::lock_guard<std::mutex> lock(mu_);
  rules_ = std::move(rules);
  return absl::OkStatus();
}

absl::StatusOr<v1::StoredClassification> LocalClassifier::Classify(
    const v1::LeadershipArrangement& arrangement) {
  std::shared_ptr<const classification::CompiledRuleset> rules;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rules = rules_;
  }
  ASSIGN_OR_RETURN(auto result, classification::Classify(*rules, arrangement,
                                                         v1::CLASSIFICATION_VIEW_BASIC));
  return ToStored(result.classification, result.findings);
}

RemoteClassifier::RemoteClassifier(const std::string& target, std::string token,
                                   std::shared_ptr<grpc::ChannelCredentials> credentials)
    : stub_(v1::ClassificationService::NewStub(grpc::CreateChannel(target, credentials))),
      authorization_("Bearer " + token) {}

absl::StatusOr<v1::StoredClassification> RemoteClassifier::Classify(
    const v1::LeadershipArrangement& arrangement) {
  v1::ClassifyArrangementRequest request;
  *request.mutable_arrangement() = arrangement;
  // What is stored needs the outcome only.
  request.set_view(v1::CLASSIFICATION_VIEW_BASIC);
  grpc::Status status;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    context.AddMetadata("authorization", authorization_);
    v1::ClassifyArrangementResponse response;
    status = stub_->ClassifyArrangement(&context, request, &response);
    if (status.ok()) return ToStored(response.classification(), response.findings());
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
  const absl::Status failed = FromGrpcStatus(status);
  return absl::Status(absl::IsInvalidArgument(failed) ? absl::StatusCode::kInternal
                                                      : absl::StatusCode::kUnavailable,
                      absl::StrCat("classifying the arrangement: ", failed.message()));
}

}  // namespace ahpl::assessment
