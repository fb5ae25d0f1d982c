#include "services/assessment/hosted_assessment.h"

#include <memory>
#include <string>
#include <utility>

#include "services/assessment/arrangement_classifier.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/return_writer.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/log.h"
#include "core/status_macros.h"
#include "services/common/transport.h"

namespace ahpl::assessment {
namespace {

// The assessment service with everything it owns.
class HostedAssessment final : public HostedService {
 public:
  HostedAssessment(ServiceContext& context, std::unique_ptr<ArrangementClassifier> classifier,
                   std::unique_ptr<catalogue::CatalogueStore> catalogue)
      : catalogue_(std::move(catalogue)),
        classifier_(std::move(classifier)),
        store_(context.pool),
        writer_(store_, *catalogue_, *classifier_),
        service_(store_, writer_, context.authorizer, context.workers) {}

  grpc::Service* grpc_service() override { return &service_; }
  absl::Status Reload() override { return classifier_->Reload(); }

 private:
  std::unique_ptr<catalogue::CatalogueStore> catalogue_;
  std::unique_ptr<ArrangementClassifier> classifier_;
  AssessmentStore store_;
  ReturnWriter writer_;
  AssessmentService service_;
};

std::string Setting(const ServiceContext& context, const std::string& name) {
  auto it = context.settings.find(name);
  return it == context.settings.end() ? "" : it->second;
}

}  // namespace

ServiceFactory AssessmentServiceFactory() {
  return ServiceFactory{
      "assessment", v1::AssessmentService::service_full_name(),
      [](ServiceContext& context) -> absl::StatusOr<std::unique_ptr<HostedService>> {
        auto catalogue = std::make_unique<catalogue::CatalogueStore>(context.pool);
        std::unique_ptr<ArrangementClassifier> classifier;
        const std::string target = Setting(context, "assessment.classification_target");
        if (!target.empty()) {
          ASSIGN_OR_RETURN(
              auto credentials,
              ChannelCredentialsFor(target, Setting(context, "assessment.classification_ca"),
                                    Setting(context, "assessment.classification_cert"),
                                    Setting(context, "assessment.classification_key"),
                                    Setting(context, "assessment.classification_insecure") == "true"));
          LogInfo("assessment classifies submissions over gRPC at ", target,
                  Setting(context, "assessment.classification_ca").empty() ? "" : " (TLS)");
          classifier = std::make_unique<RemoteClassifier>(
              target, Setting(context, "assessment.classification_token"), std::move(credentials));
        } else {
          ASSIGN_OR_RETURN(classifier, LocalClassifier::Load(
                                           Setting(context, "classification.ruleset_file"),
                                           *catalogue));
        }
        return std::make_unique<HostedAssessment>(context, std::move(classifier),
                                                  std::move(catalogue));
      }};
}

}  // namespace ahpl::assessment
