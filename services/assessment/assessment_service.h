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
#include "services/common/raw_unary.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

// Every unary method and ImportReturns are registered raw, so a request
// that does not parse is answered with the field at fault
// (services/common/raw_unary.h); ImportReturns and ExportReturns parse
// their stream messages themselves.
using AssessmentServiceBase = v1::AssessmentService::WithRawCallbackMethod_CreateReturn<
    v1::AssessmentService::WithRawCallbackMethod_UpdateReturn<
        v1::AssessmentService::WithRawCallbackMethod_SubmitReturn<
            v1::AssessmentService::WithRawCallbackMethod_AmendReturn<
                v1::AssessmentService::WithRawCallbackMethod_WithdrawReturn<
                    v1::AssessmentService::WithRawCallbackMethod_GetReturn<
                        v1::AssessmentService::WithRawCallbackMethod_ListReturnVersions<
                            v1::AssessmentService::WithRawCallbackMethod_ListReturns<
                                v1::AssessmentService::WithRawCallbackMethod_ImportReturns<
                                    v1::AssessmentService::WithRawCallbackMethod_SummarizeReturns<
                                        v1::AssessmentService::
                                            WithRawCallbackMethod_BenchmarkReturn<
                                                v1::AssessmentService::
                                                    WithRawCallbackMethod_ExportReturns<
                                                        v1::AssessmentService::Service>>>>>>>>>>>>;

class AssessmentService final : public AssessmentServiceBase {
 public:
  AssessmentService(AssessmentStore& store, ReturnWriter& writer, Authorizer& authorizer,
                    WorkerPool& workers, const PageTokenCodec& page_tokens, int suppress_below = 5);

  AHPL_RAW_UNARY_METHOD(CreateReturn, v1::CreateReturnRequest, v1::CreateReturnResponse);
  AHPL_RAW_UNARY_METHOD(UpdateReturn, v1::UpdateReturnRequest, v1::UpdateReturnResponse);
  AHPL_RAW_UNARY_METHOD(SubmitReturn, v1::SubmitReturnRequest, v1::SubmitReturnResponse);
  AHPL_RAW_UNARY_METHOD(AmendReturn, v1::AmendReturnRequest, v1::AmendReturnResponse);
  AHPL_RAW_UNARY_METHOD(WithdrawReturn, v1::WithdrawReturnRequest, v1::WithdrawReturnResponse);
  AHPL_RAW_UNARY_METHOD(GetReturn, v1::GetReturnRequest, v1::GetReturnResponse);
  AHPL_RAW_UNARY_METHOD(ListReturnVersions, v1::ListReturnVersionsRequest,
                        v1::ListReturnVersionsResponse);
  AHPL_RAW_UNARY_METHOD(ListReturns, v1::ListReturnsRequest, v1::ListReturnsResponse);
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* ImportReturns(
      grpc::CallbackServerContext* context) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* ExportReturns(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;
  AHPL_RAW_UNARY_METHOD(SummarizeReturns, v1::SummarizeReturnsRequest,
                        v1::SummarizeReturnsResponse);
  AHPL_RAW_UNARY_METHOD(BenchmarkReturn, v1::BenchmarkReturnRequest, v1::BenchmarkReturnResponse);

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
