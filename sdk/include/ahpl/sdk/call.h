// Runs one RPC with per-attempt deadlines and, for calls safe to repeat,
// bounded retries with exponential backoff and jitter. Server statuses come
// back as absl::Status with any google.rpc.BadRequest kept as a payload.
#ifndef AHPL_SDK_CALL_H_
#define AHPL_SDK_CALL_H_

#include <functional>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ahpl/sdk/client_options.h"

namespace ahpl::sdk {

enum class Retry { kNever, kSafe };

// Calls `attempt` with a fresh context each time until it succeeds, fails
// with a status not worth retrying, or the attempts run out.
absl::Status Call(const ClientOptions& options, Retry retry,
                  const std::function<grpc::Status(grpc::ClientContext&)>& attempt);

// Calls the unary stub method `method` with `request` as Call does; the
// response on success.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallUnary(const ClientOptions& options, Retry retry, Stub* stub,
                                   grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                const Request&, Response*),
                                   const Request& request) {
  Response response;
  absl::Status status = Call(options, retry, [&](grpc::ClientContext& context) {
    return (stub->*method)(&context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_CALL_H_
