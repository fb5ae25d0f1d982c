#include "ahpl/sdk/call.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "services/common/grpc_status.h"

namespace ahpl::sdk {
namespace {

bool Retryable(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  auto credentials = options.credentials ? options.credentials : grpc::InsecureChannelCredentials();
  return grpc::CreateChannel(options.target, credentials);
}

absl::Status Call(const ClientOptions& options, Retry retry,
                  const std::function<grpc::Status(grpc::ClientContext&)>& attempt) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  const int attempts = retry == Retry::kSafe ? std::max(1, options.max_attempts) : 1;
  absl::Duration backoff = options.initial_backoff;
  grpc::Status status;
  for (int i = 1; i <= attempts; ++i) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         absl::ToChronoNanoseconds(options.deadline));
    status = attempt(context);
    if (status.ok() || !Retryable(status) || i == attempts) break;
    // Full jitter: sleep a random time up to the current backoff.
    std::uniform_int_distribution<int64_t> jitter(0, absl::ToInt64Microseconds(backoff));
    std::this_thread::sleep_for(std::chrono::microseconds(jitter(rng)));
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  return FromGrpcStatus(status);
}

}  // namespace ahpl::sdk
