// The ClassificationService gRPC handlers. Classification is pure CPU work
// on an in-memory ruleset, so calls are answered on gRPC's own threads; only
// an evaluation against an edition not yet cached reads the database.
#ifndef AHPL_SERVICES_CLASSIFICATION_CLASSIFICATION_SERVICE_H_
#define AHPL_SERVICES_CLASSIFICATION_CLASSIFICATION_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/v1/classification.grpc.pb.h"
#include "services/catalogue/catalogue_store.h"
#include "services/classification/ruleset.h"
#include "services/common/raw_unary.h"
#include "services/common/service_host.h"

namespace ahpl::classification {

// Every method is registered raw, so a request or stream message that
// does not parse is answered with the field at fault
// (services/common/raw_unary.h).
using ClassificationServiceBase =
    v1::ClassificationService::WithRawCallbackMethod_ClassifyArrangement<
        v1::ClassificationService::WithRawCallbackMethod_ClassifyArrangements<
            v1::ClassificationService::WithRawCallbackMethod_EvaluateReturn<
                v1::ClassificationService::WithRawCallbackMethod_GetRuleset<
                    v1::ClassificationService::Service>>>>;

class ClassificationService final : public ClassificationServiceBase {
 public:
  ClassificationService(std::shared_ptr<const CompiledRuleset> rules,
                        catalogue::CatalogueStore& editions, Authorizer& authorizer,
                        WorkerPool& workers);

  // The ruleset calls use from now on; calls under way keep the one they
  // started with. Replaced rulesets are kept until the service goes, so a
  // call never takes a lock or a reference count to read the rules.
  void Replace(std::shared_ptr<const CompiledRuleset> rules) ABSL_LOCKS_EXCLUDED(mu_);
  const CompiledRuleset& rules() const { return *current_.load(std::memory_order_acquire); }

  AHPL_RAW_UNARY_METHOD(ClassifyArrangement, v1::ClassifyArrangementRequest,
                        v1::ClassifyArrangementResponse);
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ClassifyArrangements(
      grpc::CallbackServerContext* context) override;
  AHPL_RAW_UNARY_METHOD(EvaluateReturn, v1::EvaluateReturnRequest, v1::EvaluateReturnResponse);
  AHPL_RAW_UNARY_METHOD(GetRuleset, v1::GetRulesetRequest, v1::GetRulesetResponse);

 private:
  catalogue::CatalogueStore& editions_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<const CompiledRuleset>> loaded_ ABSL_GUARDED_BY(mu_);
  // Stored under mu_ (so it is always one of loaded_), read without it.
  std::atomic<const CompiledRuleset*> current_;
};

// Loads the ruleset (from `ruleset_file` when not empty, else the shipped
// one) and compiles it against its edition from `editions`.
absl::StatusOr<std::shared_ptr<const CompiledRuleset>> LoadRuleset(
    const std::string& ruleset_file, catalogue::CatalogueStore& editions);

// How ServiceHost creates the classification service:
// settings.classification.ruleset_file, when set, replaces the shipped
// ruleset; Reload() reads it again.
ServiceFactory ClassificationServiceFactory();

}  // namespace ahpl::classification

#endif  // AHPL_SERVICES_CLASSIFICATION_CLASSIFICATION_SERVICE_H_
