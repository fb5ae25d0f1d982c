// The AssessmentService gRPC handlers: each write is validated against its
// catalogue edition, replayed when its request id was seen, classified at
// submission, and stored as a new version.
#ifndef AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
#define AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_

#include <memory>
#include <mutex>
#include <map>
#include <set>
#include <string>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "services/assessment/arrangement_classifier.h"
#include "services/assessment/assessment_store.h"
#include "core/return_rules.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/service_host.h"

namespace ahpl::assessment {

// The write paths, shared by the unary handlers and the import stream.
class ReturnWriter {
 public:
  ReturnWriter(AssessmentStore& store, catalogue::CatalogueStore& catalogue,
               ArrangementClassifier& classifier)
      : store_(store), catalogue_(catalogue), classifier_(classifier) {}

  // A written return and whether it was a replay of an earlier request.
  struct Written {
    v1::AssessmentReturn ret;
    bool replayed = false;
  };

  // Validates `ret` (paths under `prefix`) and creates it as a draft, or
  // submitted when `submit`.
  absl::StatusOr<Written> Create(const std::string& request_id, const v1::AssessmentReturn& ret,
                                 bool submit, const Principal& caller, absl::string_view prefix);

  // The validated, classified version a new return would have (for batch
  // import); replays and request id reuse are the caller's to check.
  // PERMISSION_DENIED when `caller` may not write the return's trust.
  absl::StatusOr<VersionToWrite> PrepareNew(const std::string& request_id,
                                            const v1::AssessmentReturn& ret, bool submit,
                                            const Principal& caller, absl::string_view prefix);

  enum class Change { kUpdate, kSubmit, kAmend, kWithdraw };
  // Appends a version to the return `name` last seen at `etag`; NOT_FOUND
  // when `caller` may not see the return.
  absl::StatusOr<Written> Change(Change change, const std::string& request_id,
                                 const std::string& name, const std::string& etag,
                                 const v1::AssessmentReturn* content, const std::string& reason,
                                 const Principal& caller, const google::protobuf::Message& request);

  // The version `request_id` wrote, if its digest matches; INVALID_ARGUMENT
  // if the id was used for a different request or by another trust.
  absl::StatusOr<std::optional<v1::AssessmentReturn>> Replay(const std::string& request_id,
                                                             const std::string& digest,
                                                             const Principal& caller);

  // OK when `caller` may write returns of trust `ods_code`;
  // PERMISSION_DENIED otherwise.
  static absl::Status CheckWritable(const Principal& caller, const std::string& ods_code);

  // The region of trust `ods_code` (cached).
  absl::StatusOr<std::string> RegionOf(const std::string& ods_code);

  // Whether `ods_code` is in the register (known codes are cached).
  absl::StatusOr<bool> TrustKnown(const std::string& ods_code);

 private:
  absl::StatusOr<std::shared_ptr<const v1::Edition>> EditionOrNull(const std::string& edition_id);
  absl::StatusOr<VersionToWrite> Prepare(v1::AssessmentReturn content, Completeness completeness,
                                         absl::string_view prefix);

  AssessmentStore& store_;
  catalogue::CatalogueStore& catalogue_;
  ArrangementClassifier& classifier_;
  std::mutex mu_;
  std::set<std::string> known_trusts_;
  std::map<std::string, std::string> regions_;
};

class AssessmentService final : public v1::AssessmentService::CallbackService {
 public:
  AssessmentService(AssessmentStore& store, ReturnWriter& writer, Authorizer& authorizer,
                    WorkerPool& workers);

  grpc::ServerUnaryReactor* CreateReturn(grpc::CallbackServerContext* context,
                                         const v1::CreateReturnRequest* request,
                                         v1::CreateReturnResponse* response) override;
  grpc::ServerUnaryReactor* UpdateReturn(grpc::CallbackServerContext* context,
                                         const v1::UpdateReturnRequest* request,
                                         v1::UpdateReturnResponse* response) override;
  grpc::ServerUnaryReactor* SubmitReturn(grpc::CallbackServerContext* context,
                                         const v1::SubmitReturnRequest* request,
                                         v1::SubmitReturnResponse* response) override;
  grpc::ServerUnaryReactor* AmendReturn(grpc::CallbackServerContext* context,
                                        const v1::AmendReturnRequest* request,
                                        v1::AmendReturnResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawReturn(grpc::CallbackServerContext* context,
                                           const v1::WithdrawReturnRequest* request,
                                           v1::WithdrawReturnResponse* response) override;
  grpc::ServerUnaryReactor* GetReturn(grpc::CallbackServerContext* context,
                                      const v1::GetReturnRequest* request,
                                      v1::GetReturnResponse* response) override;
  grpc::ServerUnaryReactor* ListReturnVersions(grpc::CallbackServerContext* context,
                                               const v1::ListReturnVersionsRequest* request,
                                               v1::ListReturnVersionsResponse* response) override;
  grpc::ServerUnaryReactor* ListReturns(grpc::CallbackServerContext* context,
                                        const v1::ListReturnsRequest* request,
                                        v1::ListReturnsResponse* response) override;
  grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse>* ImportReturns(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<v1::ExportReturnsResponse>* ExportReturns(
      grpc::CallbackServerContext* context, const v1::ExportReturnsRequest* request) override;
  grpc::ServerUnaryReactor* SummarizeReturns(grpc::CallbackServerContext* context,
                                             const v1::SummarizeReturnsRequest* request,
                                             v1::SummarizeReturnsResponse* response) override;
  grpc::ServerUnaryReactor* BenchmarkReturn(grpc::CallbackServerContext* context,
                                            const v1::BenchmarkReturnRequest* request,
                                            v1::BenchmarkReturnResponse* response) override;

 private:
  // OK when `caller` may see `ret`; NOT_FOUND (as if it did not exist)
  // otherwise.
  absl::Status CheckVisible(const Principal& caller, const v1::AssessmentReturn& ret);

  AssessmentStore& store_;
  ReturnWriter& writer_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
};

// The return id in a resource name "returns/{id}"; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<std::string> ReturnIdFromName(const std::string& name, absl::string_view field);

// Validates a listing filter into a query (paths under "filter").
absl::StatusOr<ReturnQuery> QueryFromFilter(const v1::ReturnFilter& filter);

// How ServiceHost creates the assessment service. Setting
// "assessment.classification_target" (host:port) classifies over gRPC, with
// the classifier token in "assessment.classification_token", over TLS
// trusting "assessment.classification_ca" (presenting
// "assessment.classification_cert"/"_key" when set);
// otherwise in process with the ruleset ("classification.ruleset_file").
ServiceFactory AssessmentServiceFactory();

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
