#include "ahpl/sdk/classification_client.h"

#include "ahpl/sdk/call.h"

namespace ahpl::sdk {

ClassificationClient::ClassificationClient(ClientOptions options)
    : ClassificationClient(options, MakeChannel(options)) {}

ClassificationClient::ClassificationClient(ClientOptions options,
                                           std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), stub_(v1::ClassificationService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::ClassifyArrangementResponse> ClassificationClient::Classify(
    const v1::LeadershipArrangement& arrangement, v1::ClassificationView view) {
  v1::ClassifyArrangementRequest request;
  *request.mutable_arrangement() = arrangement;
  request.set_view(view);
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::ClassificationService::Stub::ClassifyArrangement, request);
}

absl::StatusOr<v1::EvaluateReturnResponse> ClassificationClient::Evaluate(
    const v1::EvaluateReturnRequest& request) {
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::ClassificationService::Stub::EvaluateReturn, request);
}

absl::StatusOr<v1::Ruleset> ClassificationClient::GetRuleset() {
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::ClassificationService::Stub::GetRuleset, v1::GetRulesetRequest());
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_ruleset());
}

}  // namespace ahpl::sdk
