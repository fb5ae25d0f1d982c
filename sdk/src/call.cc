#include "ahpl/sdk/call.h"

#include <algorithm>
#include <fstream>
#include <sstream>
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

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  auto read = [](const std::string& path) -> absl::StatusOr<std::string> {
    std::ifstream in(path);
    if (!in) return absl::InvalidArgumentError("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  grpc::SslCredentialsOptions ssl;
  auto ca = read(ca_file);
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *ca;
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("a client certificate needs both --cert and --key");
  }
  if (!cert_file.empty()) {
    auto cert = read(cert_file);
    if (!cert.ok()) return cert.status();
    auto key = read(key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  return grpc::SslCredentials(ssl);
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
