// Runs a unary callback-API handler's work for an authorized caller, on the
// worker pool when it blocks, and finishes the call with the mapped status,
// so handlers stay thin. Every request is checked against the edge limits
// (core/request_limits.h) after authorization and before the work.
#ifndef AHPL_SERVICES_COMMON_UNARY_H_
#define AHPL_SERVICES_COMMON_UNARY_H_

#include <functional>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "core/grpc_status.h"
#include "core/request_limits.h"
#include "google/protobuf/message.h"
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

// One unary call as the handler helpers see it. A typed callback method
// passes its context (the conversion is implicit); a raw method (see
// raw_unary.h) adds how to write the typed response into the call's
// ByteBuffer before an OK finish, and the problem its request bytes had,
// if any, which is answered once the caller is authorized.
class UnaryCall {
 public:
  UnaryCall(grpc::CallbackServerContext* context)  // NOLINT(google-explicit-constructor)
      : context_(context) {}
  UnaryCall(grpc::CallbackServerContext* context, std::function<bool()> write_response,
            absl::Status request_problem)
      : context_(context),
        write_response_(std::move(write_response)),
        request_problem_(std::move(request_problem)) {}

  grpc::CallbackServerContext* context() const { return context_; }
  // OK, or why the request could not be read.
  const absl::Status& request_problem() const { return request_problem_; }

  // Finishes the call through `reactor` (its context's DefaultReactor).
  void Finish(grpc::ServerUnaryReactor* reactor, grpc::Status status) const {
    if (status.ok() && write_response_ && !write_response_()) {
      status = grpc::Status(grpc::StatusCode::INTERNAL, "response could not be serialized");
    }
    reactor->Finish(std::move(status));
  }

 private:
  grpc::CallbackServerContext* context_;
  std::function<bool()> write_response_;
  absl::Status request_problem_;
};

// Finishes the call at once with `status`.
inline grpc::ServerUnaryReactor* FinishUnary(const UnaryCall& call, const absl::Status& status) {
  auto* reactor = call.context()->DefaultReactor();
  call.Finish(reactor, ToGrpcStatus(status));
  return reactor;
}

// Queues `work` on `workers` and finishes the call with its status;
// RESOURCE_EXHAUSTED when the queue is full, CANCELLED when the client gave
// up before the work started.
inline grpc::ServerUnaryReactor* RunUnary(const UnaryCall& call, WorkerPool& workers,
                                          std::function<absl::Status()> work) {
  auto* reactor = call.context()->DefaultReactor();
  const bool queued = workers.TrySubmit([reactor, call, work = std::move(work)] {
    if (call.context()->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
      return;
    }
    call.Finish(reactor, ToGrpcStatus(work()));
  });
  if (!queued) {
    reactor->Finish(ServerBusy());
  }
  return reactor;
}

// The work of a handler for an authorized caller.
using CallerWork = std::function<absl::Status(const Principal&)>;

// What every request passes between authorization and the work: it was
// read, and it is within the edge limits.
inline absl::Status CheckRequest(const UnaryCall& call, const google::protobuf::Message& request) {
  if (!call.request_problem().ok()) return call.request_problem();
  return CheckRequestLimits(request);
}

// Authorizes the caller of `method`, checks `request` (CheckRequest) and
// runs `work` on `workers` (for work that reads or writes the database).
// Authorization comes first, so an unauthorized caller learns nothing from
// validation errors.
inline grpc::ServerUnaryReactor* RunAuthorized(const UnaryCall& call,
                                               const google::protobuf::Message& request,
                                               Authorizer& authorizer, absl::string_view method,
                                               WorkerPool& workers, CallerWork work) {
  return RunUnary(call, workers,
                  [call, &request, &authorizer, method, work = std::move(work)]() -> absl::Status {
                    auto caller = authorizer.Authorize(*call.context(), method);
                    if (!caller.ok()) return caller.status();
                    const absl::Status checked = CheckRequest(call, request);
                    if (!checked.ok()) return checked;
                    return work(*caller);
                  });
}

// Like RunAuthorized for work that never blocks: when the caller's token is
// known in memory, `work` runs at once on this thread; otherwise the token
// is looked up, and `work` runs, on a worker.
inline grpc::ServerUnaryReactor* ServeAuthorized(const UnaryCall& call,
                                                 const google::protobuf::Message& request,
                                                 Authorizer& authorizer, absl::string_view method,
                                                 WorkerPool& workers, CallerWork work) {
  if (auto decided = authorizer.AuthorizeFromCache(*call.context(), method)) {
    if (!decided->ok()) return FinishUnary(call, decided->status());
    const absl::Status checked = CheckRequest(call, request);
    if (!checked.ok()) return FinishUnary(call, checked);
    return FinishUnary(call, work(**decided));
  }
  return RunAuthorized(call, request, authorizer, method, workers, std::move(work));
}

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_UNARY_H_
