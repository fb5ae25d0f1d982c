// Serves the AssessmentService API: each handler turns its request into
// calls on the writer or the store, and their outcome into a gRPC status.
#ifndef AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
#define AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/return_writer.h"
#include "services/common/access.h"
#include "services/common/page_token.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

class AssessmentService final : public v1::AssessmentService::CallbackService {
 public:
  AssessmentService(AssessmentStore& store, ReturnWriter& writer, Authorizer& authorizer,
                    WorkerPool& workers, const PageTokenCodec& page_tokens, int suppress_below = 5);

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
  // Return `id` at `version` (0: the latest), with its owner, when `caller`
  // may see it. NOT_FOUND otherwise, in the same words whether the return
  // does not exist, belongs to a trust outside the caller's scope (whatever
  // version is asked for) or lacks the version, after the same single
  // statement on each path: nothing tells a caller whether another trust's
  // return, or how many versions of it, exist.
  absl::StatusOr<OwnedVersion> ReadVisible(const Principal& caller, const std::string& id,
                                           int64_t version);

  AssessmentStore& store_;
  ReturnWriter& writer_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
  const PageTokenCodec& page_tokens_;
  // The server's disclosure threshold (docs/disclosure.md).
  const int suppress_below_;
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
