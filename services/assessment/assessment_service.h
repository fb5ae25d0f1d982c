// Serves the AssessmentService API: each handler turns its request into
// calls on the writer or the store, and their outcome into a gRPC status.
#ifndef AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
#define AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/disclosure.h"
#include "core/field_violations.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/collection_store.h"
#include "services/assessment/return_writer.h"
#include "services/common/access.h"
#include "services/common/metrics.h"
#include "services/common/page_token.h"
#include "services/common/raw_unary.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

// Every unary method and ImportReturns are registered raw, so a request
// that does not parse is answered with the field at fault
// (services/common/raw_unary.h); ImportReturns and ExportReturns parse
// their stream messages themselves.
using Assessment = v1::AssessmentService;
using AssessmentServiceBase = RawMethods<
    Assessment::Service, Assessment::WithRawCallbackMethod_CreateReturn,
    Assessment::WithRawCallbackMethod_UpdateReturn, Assessment::WithRawCallbackMethod_SubmitReturn,
    Assessment::WithRawCallbackMethod_AmendReturn, Assessment::WithRawCallbackMethod_WithdrawReturn,
    Assessment::WithRawCallbackMethod_GetReturn,
    Assessment::WithRawCallbackMethod_ListReturnVersions,
    Assessment::WithRawCallbackMethod_ListReturns, Assessment::WithRawCallbackMethod_ImportReturns,
    Assessment::WithRawCallbackMethod_SummarizeReturns,
    Assessment::WithRawCallbackMethod_BenchmarkReturn,
    Assessment::WithRawCallbackMethod_ExportReturns, Assessment::WithRawCallbackMethod_AttestReturn,
    Assessment::WithRawCallbackMethod_CreateCollection,
    Assessment::WithRawCallbackMethod_GetCollection,
    Assessment::WithRawCallbackMethod_ListCollections,
    Assessment::WithRawCallbackMethod_UpdateCollection,
    Assessment::WithRawCallbackMethod_CloseCollection,
    Assessment::WithRawCallbackMethod_ReopenCollection,
    Assessment::WithRawCallbackMethod_AllowLateReturn,
    Assessment::WithRawCallbackMethod_ListNonResponders,
    Assessment::WithRawCallbackMethod_GetDeployment>::type;

class AssessmentService final : public AssessmentServiceBase {
 public:
  // `store` and `collections` serve writes and a caller's reads of what it
  // wrote; `lagging_store` and `lagging_collections` serve the reads that
  // may lag behind them (a standby's, or the same pool's; see "Reads from a
  // standby" in docs/decisions.md). `metrics`, when given, counts import items.
  AssessmentService(AssessmentStore& store, CollectionStore& collections,
                    AssessmentStore& lagging_store, CollectionStore& lagging_collections,
                    ReturnWriter& writer, Authorizer& authorizer, WorkerPool& workers,
                    const PageTokenCodec& page_tokens, int suppress_below = 5,
                    ServerMetrics* metrics = nullptr);

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
  AHPL_RAW_UNARY_METHOD(AttestReturn, v1::AttestReturnRequest, v1::AttestReturnResponse);

  // Collections (collection_handlers.cc).
  AHPL_RAW_UNARY_METHOD(CreateCollection, v1::CreateCollectionRequest,
                        v1::CreateCollectionResponse);
  AHPL_RAW_UNARY_METHOD(GetCollection, v1::GetCollectionRequest, v1::GetCollectionResponse);
  AHPL_RAW_UNARY_METHOD(ListCollections, v1::ListCollectionsRequest, v1::ListCollectionsResponse);
  AHPL_RAW_UNARY_METHOD(UpdateCollection, v1::UpdateCollectionRequest,
                        v1::UpdateCollectionResponse);
  AHPL_RAW_UNARY_METHOD(CloseCollection, v1::CloseCollectionRequest, v1::CloseCollectionResponse);
  AHPL_RAW_UNARY_METHOD(ReopenCollection, v1::ReopenCollectionRequest,
                        v1::ReopenCollectionResponse);
  AHPL_RAW_UNARY_METHOD(AllowLateReturn, v1::AllowLateReturnRequest, v1::AllowLateReturnResponse);
  AHPL_RAW_UNARY_METHOD(ListNonResponders, v1::ListNonRespondersRequest,
                        v1::ListNonRespondersResponse);
  AHPL_RAW_UNARY_METHOD(GetDeployment, v1::GetDeploymentRequest, v1::GetDeploymentResponse);

 private:
  // The collection of `cycle` read from `from`; NOT_FOUND when there is
  // none.
  static absl::StatusOr<StoredCollection> CollectionOf(CollectionStore& from,
                                                       const std::string& cycle);
  // `stored` as `caller` sees it: state, and the late allowances of the
  // trusts it covers.
  absl::StatusOr<v1::Collection> VisibleCollection(const Principal& caller,
                                                   StoredCollection stored);
  // Changes collection `name` (its field `name_field`) as `decide` says,
  // once `violations` (the request's other problems), the name and `reason`
  // are valid; `out` gets the changed collection as `caller` sees it.
  absl::Status ChangeCollection(const Principal& caller, const std::string& name,
                                absl::string_view name_field, const std::string& reason,
                                FieldViolations violations, const CollectionStore::Decide& decide,
                                v1::Collection* out);
  // The cycle's whole table under disclosure control at the collection's
  // threshold, summaries labelled with `basis` and whether provisional; read
  // where reads may lag.
  absl::StatusOr<DisclosedTable> DisclosedSummaries(const std::string& cycle,
                                                    v1::SummaryBasis basis, int requested);

  // Return `id` at `version` (0: the latest), with its owner, when `caller`
  // may see it. NOT_FOUND otherwise, in the same words whether the return
  // does not exist, belongs to a trust outside the caller's scope (whatever
  // version is asked for) or lacks the version, after the same single
  // statement on each path: nothing tells a caller whether another trust's
  // return, or how many versions of it, exist.
  absl::StatusOr<OwnedVersion> ReadVisible(const Principal& caller, const std::string& id,
                                           int64_t version);

  AssessmentStore& store_;
  CollectionStore& collections_;
  AssessmentStore& lagging_store_;
  CollectionStore& lagging_collections_;
  ReturnWriter& writer_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
  const PageTokenCodec& page_tokens_;
  // The server's disclosure threshold (docs/disclosure.md).
  const int suppress_below_;
  // Counts import items; may be null.
  ServerMetrics* const metrics_;
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_ASSESSMENT_SERVICE_H_
