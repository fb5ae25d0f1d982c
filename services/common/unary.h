// Runs a unary callback-API handler's blocking work on the worker pool and
// finishes the call with the mapped status, so handlers stay thin.
#ifndef AHPL_SERVICES_COMMON_UNARY_H_
#define AHPL_SERVICES_COMMON_UNARY_H_

#include <functional>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "services/common/grpc_status.h"
#include "services/common/worker_pool.h"

namespace ahpl {

// Finishes the call at once with `status`.
inline grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                             const absl::Status& status) {
  auto* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Queues `work` on `workers` and finishes the call with its status;
// RESOURCE_EXHAUSTED when the queue is full, CANCELLED when the client gave
// up before the work started.
inline grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context,
                                          WorkerPool& workers,
                                          std::function<absl::Status()> work) {
  auto* reactor = context->DefaultReactor();
  const bool queued = workers.TrySubmit([reactor, context, work = std::move(work)] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
      return;
    }
    reactor->Finish(ToGrpcStatus(work()));
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many requests waiting; retry with backoff"));
  }
  return reactor;
}

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_UNARY_H_
