// Serves one ImportReturns stream: the caller's chunks go through an
// ImportPipeline on the worker pool, and each chunk's answer goes back in
// stream order. The method is registered raw: the reactor parses each
// message itself, so a message that cannot be read ends the stream with
// INVALID_ARGUMENT naming it, after every message before it is answered,
// instead of looking like the client's half-close.
#ifndef AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_
#define AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/v1/assessment.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/import_pipeline.h"
#include "services/assessment/return_writer.h"
#include "services/common/access.h"
#include "services/common/metrics.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

class ImportReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // Authorizes the caller on a worker (it may look the token up), then
  // reads.
  // `metrics`, when given, counts the items accepted and rejected.
  ImportReactor(AssessmentStore& store, ReturnWriter& writer, WorkerPool& workers,
                grpc::CallbackServerContext* context, Authorizer& authorizer,
                ServerMetrics* metrics);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  // The reading side. A chunk is read, then prepared, and only then is the
  // next one read.
  enum class Intake {
    kAuthorizing,  // the caller is being authorized on a worker
    kIdle,         // between chunks: reads when there is room
    kReading,      // a read is outstanding
    kPreparing,    // the chunk read is being prepared on a worker
    kEnded,        // no more chunks will be read
  };

  // One chunk stored (or written) while the next is prepared.
  static constexpr size_t kMaxChunksHeld = 2;

  // Every event locks mu_, applies itself to the state (a ...Locked
  // method), then calls AdvanceAndUnlock: it starts what may start now,
  // releases mu_ and, if the call is over, finishes it.
  void AdvanceAndUnlock() ABSL_UNLOCK_FUNCTION(mu_);
  // Starts the next store, write and read that may start; the status to
  // finish with once the call is over.
  std::optional<grpc::Status> AdvanceLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartStoreLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records the call's first failure.
  void FailLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Chunks read and not yet written, counting one being read.
  size_t ChunksHeldLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The events' effects on the state.
  void AuthorizedLocked(absl::StatusOr<Principal> caller) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReadDoneLocked(bool ok) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PreparedLocked(absl::StatusOr<ImportPipeline::PreparedChunk> prepared)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StoredLocked(absl::StatusOr<v1::ImportReturnsResponse> response)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Worker tasks.
  void Authorize(grpc::CallbackServerContext* context, Authorizer& authorizer);
  // Reads message `ordinal` of the stream, then prepares it.
  void Prepare(const grpc::ByteBuffer& bytes, int64_t ordinal);
  void Store(ImportPipeline::PreparedChunk chunk);

  AssessmentStore& store_;
  ReturnWriter& writer_;
  WorkerPool& workers_;
  ServerMetrics* const metrics_;
  // Set once the caller is authorized, before the first read. The reactor
  // runs at most one Prepare and one Store of it at a time.
  std::optional<ImportPipeline> pipeline_;

  // Guards what follows. In flight at any time: at most one read
  // (kReading), one write (writing_) and two worker tasks (kAuthorizing or
  // kPreparing, and storing_).
  // Invariant: at most kMaxChunksHeld chunks are held, from the one being
  // read to the one being written; a read starts only below that.
  // Once failure_ is set nothing new starts. The call finishes, once, when
  // no worker task and no write is in flight: with failure_ when set, else
  // when intake_ is kEnded and prepared_ and outbox_ are empty, with
  // unreadable_ when set, else OK. A read
  // still outstanding at a failure ends with ok = false after Finish.
  absl::Mutex mu_;
  Intake intake_ ABSL_GUARDED_BY(mu_) = Intake::kAuthorizing;
  // The chunk being read, and how many were read before it.
  grpc::ByteBuffer request_ ABSL_GUARDED_BY(mu_);
  int64_t messages_read_ ABSL_GUARDED_BY(mu_) = 0;
  // Set when a message could not be read: the call finishes with it once
  // the messages before it are stored and answered.
  std::optional<grpc::Status> unreadable_ ABSL_GUARDED_BY(mu_);
  // Prepared chunks waiting to be stored.
  std::deque<std::shared_ptr<ImportPipeline::PreparedChunk>> prepared_ ABSL_GUARDED_BY(mu_);
  bool storing_ ABSL_GUARDED_BY(mu_) = false;
  // Stored chunks' answers; the front is written first.
  std::deque<v1::ImportReturnsResponse> outbox_ ABSL_GUARDED_BY(mu_);
  // outbox_.front() is being written, serialized here.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ByteBuffer write_bytes_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> failure_ ABSL_GUARDED_BY(mu_);
  // Finish was decided (and runs outside mu_).
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_
