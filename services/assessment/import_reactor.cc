#include "services/assessment/import_reactor.h"

#include <utility>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/grpc_status.h"
#include "services/common/raw_message.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::assessment {

void ImportReactor::AdvanceAndUnlock() {
  const std::optional<grpc::Status> finish = AdvanceLocked();
  mu_.Unlock();
  // Finish may run OnDone, which deletes the reactor: nothing touches it
  // afterwards.
  if (finish.has_value()) Finish(*finish);
}

ImportReactor::ImportReactor(AssessmentStore& store, ReturnWriter& writer, WorkerPool& workers,
                             grpc::CallbackServerContext* context, Authorizer& authorizer,
                             ServerMetrics* metrics)
    : store_(store), writer_(writer), workers_(workers), metrics_(metrics) {
  mu_.Lock();
  if (!workers_.TrySubmit([this, context, &authorizer] { Authorize(context, authorizer); })) {
    intake_ = Intake::kEnded;
    FailLocked(ServerBusy());
  }
  AdvanceAndUnlock();
}

void ImportReactor::Authorize(grpc::CallbackServerContext* context, Authorizer& authorizer) {
  auto caller = authorizer.Authorize(*context, AHPL_RPC(AssessmentService, ImportReturns));
  mu_.Lock();
  AuthorizedLocked(std::move(caller));
  AdvanceAndUnlock();
}

void ImportReactor::AuthorizedLocked(absl::StatusOr<Principal> caller) {
  if (!caller.ok()) {
    intake_ = Intake::kEnded;
    FailLocked(ToGrpcStatus(caller.status()));
    return;
  }
  pipeline_.emplace(store_, writer_, std::move(*caller));
  intake_ = Intake::kIdle;
}

void ImportReactor::OnReadDone(bool ok) {
  mu_.Lock();
  ReadDoneLocked(ok);
  AdvanceAndUnlock();
}

void ImportReactor::ReadDoneLocked(bool ok) {
  if (!ok || failure_.has_value()) {
    intake_ = Intake::kEnded;
    return;
  }
  auto bytes = std::make_shared<grpc::ByteBuffer>();
  bytes->Swap(&request_);
  const int64_t ordinal = messages_read_++;
  intake_ = Intake::kPreparing;
  if (!workers_.TrySubmit([this, bytes, ordinal] { Prepare(*bytes, ordinal); })) {
    intake_ = Intake::kEnded;
    FailLocked(ServerBusy());
  }
}

void ImportReactor::Prepare(const grpc::ByteBuffer& bytes, int64_t ordinal) {
  v1::ImportReturnsRequest chunk;
  const absl::Status read = ReadStreamMessage(bytes, chunk, ordinal);
  if (!read.ok()) {
    mu_.Lock();
    intake_ = Intake::kEnded;
    unreadable_ = ToGrpcStatus(read);
    AdvanceAndUnlock();
    return;
  }
  // pipeline_ is set before the first read and not changed afterwards.
  auto prepared = pipeline_->Prepare(chunk);
  mu_.Lock();
  PreparedLocked(std::move(prepared));
  AdvanceAndUnlock();
}

void ImportReactor::PreparedLocked(absl::StatusOr<ImportPipeline::PreparedChunk> prepared) {
  intake_ = Intake::kIdle;
  if (!prepared.ok()) {
    FailLocked(ToGrpcStatus(prepared.status()));
    return;
  }
  if (failure_.has_value()) return;
  prepared_.push_back(std::make_shared<ImportPipeline::PreparedChunk>(std::move(*prepared)));
}

void ImportReactor::Store(ImportPipeline::PreparedChunk chunk) {
  auto response = pipeline_->Store(std::move(chunk));
  if (response.ok() && metrics_ != nullptr) {
    int64_t rejected = 0;
    for (const auto& result : response->results()) rejected += result.violations_size() > 0;
    metrics_->CountImportItems(response->results_size() - rejected, rejected);
  }
  mu_.Lock();
  StoredLocked(std::move(response));
  AdvanceAndUnlock();
}

void ImportReactor::StoredLocked(absl::StatusOr<v1::ImportReturnsResponse> response) {
  storing_ = false;
  if (!response.ok()) {
    FailLocked(ToGrpcStatus(response.status()));
    return;
  }
  if (failure_.has_value()) return;
  outbox_.push_back(std::move(*response));
}

void ImportReactor::OnWriteDone(bool ok) {
  mu_.Lock();
  writing_ = false;
  outbox_.pop_front();
  if (!ok) FailLocked(ClientGone());
  AdvanceAndUnlock();
}

std::optional<grpc::Status> ImportReactor::AdvanceLocked() {
  if (finished_) return std::nullopt;
  StartStoreLocked();
  StartWriteLocked();
  StartReadLocked();
  const bool worker_or_write_in_flight =
      intake_ == Intake::kAuthorizing || intake_ == Intake::kPreparing || storing_ || writing_;
  if (worker_or_write_in_flight) return std::nullopt;
  if (failure_.has_value()) {
    finished_ = true;
    return failure_;
  }
  if (intake_ == Intake::kEnded && prepared_.empty() && outbox_.empty()) {
    finished_ = true;
    return unreadable_.value_or(grpc::Status::OK);
  }
  return std::nullopt;
}

void ImportReactor::StartStoreLocked() {
  if (failure_.has_value() || storing_ || prepared_.empty()) return;
  std::shared_ptr<ImportPipeline::PreparedChunk> chunk = std::move(prepared_.front());
  prepared_.pop_front();
  storing_ = true;
  if (!workers_.TrySubmit([this, chunk] { Store(std::move(*chunk)); })) {
    storing_ = false;
    FailLocked(ServerBusy());
  }
}

void ImportReactor::StartWriteLocked() {
  if (failure_.has_value() || writing_ || outbox_.empty()) return;
  if (!WriteByteBuffer(outbox_.front(), write_bytes_)) {
    FailLocked(grpc::Status(grpc::StatusCode::INTERNAL, "import answer could not be serialized"));
    return;
  }
  writing_ = true;
  StartWrite(&write_bytes_);
}

void ImportReactor::StartReadLocked() {
  if (failure_.has_value() || intake_ != Intake::kIdle) return;
  if (ChunksHeldLocked() >= kMaxChunksHeld) return;
  intake_ = Intake::kReading;
  StartRead(&request_);
}

void ImportReactor::FailLocked(grpc::Status status) {
  if (!failure_.has_value()) failure_ = std::move(status);
}

size_t ImportReactor::ChunksHeldLocked() const {
  const bool intake_holds = intake_ == Intake::kReading || intake_ == Intake::kPreparing;
  return (intake_holds ? 1 : 0) + prepared_.size() + (storing_ ? 1 : 0) + outbox_.size();
}

}  // namespace ahpl::assessment
