#include "ahpl/sdk/call.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include <grpcpp/support/client_interceptor.h>

#include "core/channel_security.h"
#include "core/grpc_status.h"
#include "core/tls_files.h"
#include "sdk/src/channel_target.h"

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

// Adds "authorization: Bearer <token>" to every call of a channel.
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string& header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization", header_);
    }
    methods->Proceed();
  }

 private:
  const std::string& header_;
};

class BearerInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(const std::string& token) : header_("Bearer " + token) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(header_);
  }

 private:
  const std::string header_;
};

// The caller's credentials; else plaintext to loopback (or anywhere when
// insecure); else TLS trusting gRPC's default roots, which on Debian are
// $GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, else /etc/ssl/certs/ca-certificates.crt,
// else /usr/share/grpc/roots.pem (docs/access.md#transport).
std::shared_ptr<grpc::ChannelCredentials> CredentialsFor(const ClientOptions& options) {
  switch (ChooseChannelSecurity(options.target, options.credentials != nullptr, options.insecure)) {
    case ChannelSecurity::kGivenCredentials:
      return options.credentials;
    case ChannelSecurity::kPlaintextLoopback:
    case ChannelSecurity::kPlaintextInsecure:
      return grpc::InsecureChannelCredentials();
    case ChannelSecurity::kTlsSystemRoots:
      break;
  }
  return grpc::SslCredentials(grpc::SslCredentialsOptions());
}

// Round robin over every address the target names, whatever a DNS server
// might publish as the service's config. Retries stay with the SDK (Call),
// which knows which calls are safe to repeat: a call that fails UNAVAILABLE
// because its server went away is tried again, and round robin sends it to
// a server that is still connected.
constexpr char kServiceConfig[] = R"({"loadBalancingConfig": [{"round_robin": {}}]})";

}  // namespace

absl::Status CheckTarget(const std::string& target) { return CheckChannelTarget(target); }

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  auto credentials = CredentialsFor(options);
  const ChannelTarget target = ToChannelTarget(options.target, options.tls_server_name);
  // After a failed connection gRPC waits before trying again (1 s and more
  // by default) and fails calls fast meanwhile; keep that wait within the
  // client's own backoff so that a retry can reach a restarted server. The
  // minimum (GRPC_ARG_MIN_RECONNECT_BACKOFF_MS) stays gRPC's 20 s: it is
  // also how long one connection attempt may take (TCP, TLS and the first
  // HTTP/2 frame), which a slow link or a proxy needs.
  grpc::ChannelArguments args;
  const int max_ms = static_cast<int>(absl::ToInt64Milliseconds(options.max_backoff));
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, std::max(max_ms, 100));
  args.SetServiceConfigJSON(kServiceConfig);
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  if (!target.authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, target.authority);
  if (options.token.empty()) return grpc::CreateCustomChannel(target.uri, credentials, args);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<BearerInterceptorFactory>(options.token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(target.uri, credentials, args,
                                                                 std::move(interceptors));
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  return ClientTlsCredentials(ca_file, cert_file, key_file);
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
    // Equal jitter: half the current backoff, plus a random part up to the
    // other half, so waits grow while retries from many clients spread out.
    const int64_t half = absl::ToInt64Microseconds(backoff) / 2;
    std::uniform_int_distribution<int64_t> jitter(0, half);
    std::this_thread::sleep_for(std::chrono::microseconds(half + jitter(rng)));
    backoff = std::min(backoff * 2, options.max_backoff);
  }
  return FromGrpcStatus(status);
}

}  // namespace ahpl::sdk
