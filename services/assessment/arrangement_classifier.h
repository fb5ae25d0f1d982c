// How the assessment service classifies a return's arrangement at
// submission: in process with the same ruleset the classification service
// uses, or over gRPC when classification runs apart.
#ifndef AHPL_SERVICES_ASSESSMENT_ARRANGEMENT_CLASSIFIER_H_
#define AHPL_SERVICES_ASSESSMENT_ARRANGEMENT_CLASSIFIER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/sdk/classification_client.h"
#include "ahpl/v1/assessment.pb.h"
#include "services/catalogue/catalogue_store.h"
#include "services/classification/ruleset.h"

namespace ahpl::assessment {

class ArrangementClassifier {
 public:
  virtual ~ArrangementClassifier() = default;
  // The classification to store with a submitted return; `arrangement` is
  // already valid and complete.
  virtual absl::StatusOr<v1::StoredClassification> Classify(
      const v1::LeadershipArrangement& arrangement) = 0;
  // Re-reads the ruleset where there is one to re-read.
  virtual absl::Status Reload() { return absl::OkStatus(); }
};

// Classifies in process with a ruleset loaded like the classification
// service loads it (the shipped one, or `ruleset_file`).
class LocalClassifier final : public ArrangementClassifier {
 public:
  static absl::StatusOr<std::unique_ptr<LocalClassifier>> Load(std::string ruleset_file,
                                                               catalogue::CatalogueStore& editions);
  absl::StatusOr<v1::StoredClassification> Classify(
      const v1::LeadershipArrangement& arrangement) override;
  absl::Status Reload() override;

 private:
  LocalClassifier(std::string ruleset_file, catalogue::CatalogueStore& editions)
      : ruleset_file_(std::move(ruleset_file)), editions_(editions) {}
  std::string ruleset_file_;
  catalogue::CatalogueStore& editions_;
  absl::Mutex mu_;
  std::shared_ptr<const classification::CompiledRuleset> rules_ ABSL_GUARDED_BY(mu_);
};

// Calls a ClassificationService at `target` (host:port) with the bearer
// token `token` (a classifier token), through the SDK's client: its
// deadline per attempt and its retry policy.
class RemoteClassifier final : public ArrangementClassifier {
 public:
  RemoteClassifier(const std::string& target, std::string token,
                   std::shared_ptr<grpc::ChannelCredentials> credentials);
  absl::StatusOr<v1::StoredClassification> Classify(
      const v1::LeadershipArrangement& arrangement) override;

 private:
  sdk::ClassificationClient client_;
};

// What is stored from a classification.
v1::StoredClassification ToStored(const v1::Classification& classification,
                                  const google::protobuf::RepeatedPtrField<v1::Finding>& findings);

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_ARRANGEMENT_CLASSIFIER_H_
