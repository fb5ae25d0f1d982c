// How an ahpl SDK client reaches a server and how patient it is.
#ifndef AHPL_SDK_CLIENT_OPTIONS_H_
#define AHPL_SDK_CLIENT_OPTIONS_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ahpl::sdk {

struct ClientOptions {
  // host:port of an ahpl-server.
  std::string target = "127.0.0.1:50051";
  // Channel credentials, e.g. TlsCredentials(ca_file). When null, a
  // loopback target (127.0.0.0/8, [::1], localhost, unix:) is reached in
  // plaintext and any other with TLS trusting the system's CAs (gRPC's
  // roots: $GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, else the system's bundle).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // When credentials are null, plaintext beyond loopback too. The token then
  // travels unencrypted: for trusted networks and tests only.
  bool insecure = false;
  // Bearer token sent with every call ("ahpl_..."); see `ahpl admin token`.
  std::string token;
  // Deadline of each attempt of a call.
  absl::Duration deadline = absl::Seconds(10);
  // Attempts of a call that is safe to retry (reads, and writes carrying a
  // request id), on UNAVAILABLE and "server busy".
  int max_attempts = 4;
  // Backoff before the second attempt; doubles each time up to
  // max_backoff, half of it fixed and half random. Channels also retry
  // connecting within max_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  // Items asked for per page when the client walks a paginated list.
  int page_size = 500;
};

// The channel `options` describe; every call on it carries the token. It is
// encrypted unless the target is on loopback or `insecure` is set (see
// ClientOptions::credentials).
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// TLS credentials trusting the CA in `ca_file` (PEM); with `cert_file` and
// `key_file`, also presenting that client certificate (mutual TLS).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const std::string& ca_file, const std::string& cert_file = "",
    const std::string& key_file = "");

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_CLIENT_OPTIONS_H_
