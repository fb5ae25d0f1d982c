#include "ahpl/sdk/classification_client.h"

#include "ahpl/sdk/call.h"

namespace ahpl::sdk {

ClassificationClient::ClassificationClient(ClientOptions options)
    : ClassificationClient(options, MakeChannel(options)) {}

ClassificationClient::ClassificationClient(ClientOptions options,
                                           std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), stub_(v1::ClassificationService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::ClassifyArrangementResponse> ClassificationClient::Classify(
    const v1::LeadershipArrangement& arrangement) {
  v1::ClassifyArrangementRequest request;
  *request.mutable_arrangement() = arrangement;
  v1::ClassifyArrangementResponse response;
  absl::Status status = Call(options_, Retry::kSafe, [&](grpc::ClientContext& context) {
    return stub_->ClassifyArrangement(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::EvaluateReturnResponse> ClassificationClient::Evaluate(
    const v1::EvaluateReturnRequest& request) {
  v1::EvaluateReturnResponse response;
  absl::Status status = Call(options_, Retry::kSafe, [&](grpc::ClientContext& context) {
    return stub_->EvaluateReturn(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::Ruleset> ClassificationClient::GetRuleset() {
  v1::GetRulesetResponse response;
  absl::Status status = Call(options_, Retry::kSafe, [&](grpc::ClientContext& context) {
    return stub_->GetRuleset(&context, v1::GetRulesetRequest(), &response);
  });
  if (!status.ok()) return status;
  return std::move(*response.mutable_ruleset());
}

}  // namespace ahpl::sdk
