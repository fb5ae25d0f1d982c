// Serves one ImportReturns stream: the caller's chunks go through an
// ImportPipeline on the worker pool, and each chunk's answer goes back in
// stream order.
#ifndef AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_
#define AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "ahpl/v1/assessment.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/import_pipeline.h"
#include "services/assessment/return_writer.h"
#include "services/common/access.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

class ImportReactor final
    : public grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse> {
 public:
  // Authorizes the caller on a worker (it may look the token up), then
  // reads.
  ImportReactor(AssessmentStore& store, ReturnWriter& writer, WorkerPool& workers,
                grpc::CallbackServerContext* context, Authorizer& authorizer);

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

  // Applies `event` to the state under mu_, starts what may start now, and
  // after releasing mu_ finishes the call if it is over.
  template <typename Event>
  void Handle(Event event);
  // Starts the next store, write and read that may start; the status to
  // finish with once the call is over.
  std::optional<grpc::Status> AdvanceLocked();
  void StartStoreLocked();
  void StartWriteLocked();
  void StartReadLocked();
  // Records the call's first failure.
  void FailLocked(grpc::Status status);
  // Chunks read and not yet written, counting one being read.
  size_t ChunksHeldLocked() const;

  // Worker tasks.
  void Authorize(grpc::CallbackServerContext* context, Authorizer& authorizer);
  void Prepare(const v1::ImportReturnsRequest& chunk);
  void Store(ImportPipeline::PreparedChunk chunk);

  AssessmentStore& store_;
  ReturnWriter& writer_;
  WorkerPool& workers_;
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
  // OK when intake_ is kEnded and prepared_ and outbox_ are empty. A read
  // still outstanding at a failure ends with ok = false after Finish.
  std::mutex mu_;
  Intake intake_ = Intake::kAuthorizing;
  v1::ImportReturnsRequest request_;  // the chunk being read
  std::deque<std::shared_ptr<ImportPipeline::PreparedChunk>> prepared_;  // waiting to be stored
  bool storing_ = false;
  std::deque<v1::ImportReturnsResponse> outbox_;  // stored; the front is written first
  bool writing_ = false;                         // outbox_.front() is being written
  std::optional<grpc::Status> failure_;
  bool finished_ = false;  // Finish was decided (and runs outside mu_)
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_IMPORT_REACTOR_H_
