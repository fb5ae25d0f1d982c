#include "services/assessment/export_reactor.h"

#include <optional>
#include <utility>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/grpc_status.h"
#include "core/request_limits.h"
#include "services/assessment/return_requests.h"
#include "services/common/raw_message.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::assessment {
namespace {

// Returns per response.
constexpr int kExportChunk = 500;

}  // namespace

ExportReactor::ExportReactor(AssessmentStore& store, WorkerPool& workers,
                             grpc::CallbackServerContext* context, Authorizer& authorizer,
                             const grpc::ByteBuffer& request)
    : store_(store), workers_(workers) {
  // The bytes are copied (a ByteBuffer copy shares its slices) because the
  // request may be gone once this constructor returns.
  const bool queued = workers_.TrySubmit([this, context, &authorizer, bytes = request] {
    auto caller = authorizer.Authorize(*context, AHPL_RPC(AssessmentService, ExportReturns));
    if (!caller.ok()) {
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    v1::ExportReturnsRequest parsed;
    absl::Status readable = ParseByteBuffer(bytes, parsed);
    if (readable.ok()) readable = CheckRequestLimits(parsed);
    if (!readable.ok()) {
      Finish(ToGrpcStatus(readable));
      return;
    }
    auto query = QueryFromFilter(parsed.filter());
    if (!query.ok()) {
      Finish(ToGrpcStatus(query.status()));
      return;
    }
    std::optional<ReturnQuery> visible = ScopeQuery(*caller, std::move(*query));
    if (!visible.has_value()) {
      Finish(grpc::Status::OK);
      return;
    }
    query_ = std::move(*visible);
    NextPageNow();
  });
  if (!queued) Finish(ServerBusy());
}

void ExportReactor::OnWriteDone(bool ok) {
  if (!ok) {
    Finish(ClientGone());
    return;
  }
  NextPage();
}

void ExportReactor::NextPage() {
  if (!workers_.TrySubmit([this] { NextPageNow(); })) Finish(ServerBusy());
}

void ExportReactor::NextPageNow() {
  auto page = store_.List(query_, after_seq_, kExportChunk);
  if (!page.ok()) {
    Finish(ToGrpcStatus(page.status()));
    return;
  }
  if (page->empty()) {
    Finish(grpc::Status::OK);
    return;
  }
  after_seq_ = page->back().seq;
  response_.Clear();
  for (auto& r : *page) *response_.add_returns() = std::move(r.ret);
  if (!WriteByteBuffer(response_, response_bytes_)) {
    Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot serialize an export chunk"));
    return;
  }
  StartWrite(&response_bytes_);
}

}  // namespace ahpl::assessment
