#include "services/assessment/hosted_assessment.h"

#include <memory>
#include <string>
#include <utility>

#include "core/status_macros.h"
#include "services/assessment/arrangement_classifier.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/collection_store.h"
#include "services/assessment/return_writer.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/log.h"
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
        collections_(context.pool),
        lagging_store_(context.read_pool),
        lagging_collections_(context.read_pool),
        writer_(store_, collections_, *catalogue_, *classifier_),
        service_(store_, collections_, lagging_store_, lagging_collections_, writer_,
                 context.authorizer, context.workers, context.page_tokens,
                 context.settings.assessment.suppress_below, &context.metrics) {}

  grpc::Service* grpc_service() override { return &service_; }
  absl::Status Reload() override { return classifier_->Reload(); }

 private:
  std::unique_ptr<catalogue::CatalogueStore> catalogue_;
  std::unique_ptr<ArrangementClassifier> classifier_;
  AssessmentStore store_;
  CollectionStore collections_;
  // The same over the pool for reads that may lag.
  AssessmentStore lagging_store_;
  CollectionStore lagging_collections_;
  ReturnWriter writer_;
  AssessmentService service_;
};

}  // namespace

ServiceFactory AssessmentServiceFactory() {
  return ServiceFactory{
      "assessment", v1::AssessmentService::service_full_name(),
      [](ServiceContext& context) -> absl::StatusOr<std::unique_ptr<HostedService>> {
        auto catalogue = std::make_unique<catalogue::CatalogueStore>(context.pool);
        std::unique_ptr<ArrangementClassifier> classifier;
        const RemoteClassificationSettings& remote = context.settings.assessment.classification;
        if (!remote.target.empty()) {
          ASSIGN_OR_RETURN(auto credentials,
                           ChannelCredentialsFor(remote.target, remote.ca_file, remote.cert_file,
                                                 remote.key_file, remote.insecure));
          LogInfo("assessment classifies submissions over gRPC at ", remote.target);
          classifier = std::make_unique<RemoteClassifier>(remote.target, remote.token,
                                                          std::move(credentials));
        } else {
          ASSIGN_OR_RETURN(
              classifier,
              LocalClassifier::Load(context.settings.classification.ruleset_file, *catalogue));
        }
        return std::make_unique<HostedAssessment>(context, std::move(classifier),
                                                  std::move(catalogue));
      }};
}

}  // namespace ahpl::assessment
