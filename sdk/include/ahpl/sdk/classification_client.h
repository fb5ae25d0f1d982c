// Typed access to the classification service.
#ifndef AHPL_SDK_CLASSIFICATION_CLIENT_H_
#define AHPL_SDK_CLASSIFICATION_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/classification.grpc.pb.h"

namespace ahpl::sdk {

class ClassificationClient {
 public:
  explicit ClassificationClient(ClientOptions options);
  ClassificationClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // Places one arrangement in Table 1, with its findings; the basic view
  // leaves out the texts (row wording, reasons) for callers that store the
  // outcome only.
  absl::StatusOr<v1::ClassifyArrangementResponse> Classify(
      const v1::LeadershipArrangement& arrangement,
      v1::ClassificationView view = v1::CLASSIFICATION_VIEW_FULL);
  // Evaluates a return's arrangement and answers.
  absl::StatusOr<v1::EvaluateReturnResponse> Evaluate(const v1::EvaluateReturnRequest& request);
  // The ruleset in force.
  absl::StatusOr<v1::Ruleset> GetRuleset();

 private:
  ClientOptions options_;
  std::unique_ptr<v1::ClassificationService::Stub> stub_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_CLASSIFICATION_CLIENT_H_
