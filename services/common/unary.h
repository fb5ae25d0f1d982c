// Runs a unary callback-API handler's work for an authorized caller, on the
// worker pool when it blocks, and finishes the call with the mapped status,
// so handlers stay thin.
#ifndef AHPL_SERVICES_COMMON_UNARY_H_
#define AHPL_SERVICES_COMMON_UNARY_H_

#include <functional>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "core/grpc_status.h"
#include "services/common/access.h"
#include "services/common/worker_pool.h"

namespace ahpl {

// The answer when the worker queue is full: RESOURCE_EXHAUSTED, which
// clients retry with backoff (the SDK does).
inline grpc::Status ServerBusy() {
  return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "server busy: too many requests waiting; retry with backoff");
}

// The answer to a stream whose client stopped reading or writing.
inline grpc::Status ClientGone() {
  return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
}

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
inline grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, WorkerPool& workers,
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
    reactor->Finish(ServerBusy());
  }
  return reactor;
}

// The work of a handler for an authorized caller.
using CallerWork = std::function<absl::Status(const Principal&)>;

// Authorizes the caller of `method` and runs `work` on `workers` (for work
// that reads or writes the database). Authorization comes first, so an
// unauthorized caller learns nothing from validation errors.
inline grpc::ServerUnaryReactor* RunAuthorized(grpc::CallbackServerContext* context,
                                               Authorizer& authorizer, absl::string_view method,
                                               WorkerPool& workers, CallerWork work) {
  return RunUnary(context, workers,
                  [context, &authorizer, method, work = std::move(work)]() -> absl::Status {
                    auto caller = authorizer.Authorize(*context, method);
                    if (!caller.ok()) return caller.status();
                    return work(*caller);
                  });
}

// Like RunAuthorized for work that never blocks: when the caller's token is
// known in memory, `work` runs at once on this thread; otherwise the token
// is looked up, and `work` runs, on a worker.
inline grpc::ServerUnaryReactor* ServeAuthorized(grpc::CallbackServerContext* context,
                                                 Authorizer& authorizer, absl::string_view method,
                                                 WorkerPool& workers, CallerWork work) {
  if (auto decided = authorizer.AuthorizeFromCache(*context, method)) {
    if (!decided->ok()) return FinishUnary(context, decided->status());
    return FinishUnary(context, work(**decided));
  }
  return RunAuthorized(context, authorizer, method, workers, std::move(work));
}

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_UNARY_H_
