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
  // Where the ahpl-server is: one address ("host:port"; a DNS name that
  // resolves to several addresses reaches all of them), several addresses
  // of replicas of one deployment separated by commas
  // ("10.0.0.1:50051,10.0.0.2:50051"; host names in a list are resolved
  // once, when the channel is made), or a gRPC target
  // ("dns:///ahpl.example.org:50051", "ipv4:...", "ipv6:...", "unix:...").
  // Calls are spread over every address that answers (gRPC's round-robin
  // load balancing); a call safe to retry that fails because its server
  // went away is retried on another. See CheckTarget.
  std::string target = "127.0.0.1:50051";
  // With TLS, the name every server's certificate must carry. gRPC checks
  // one name for all the servers of a channel; empty: the target's host,
  // and for a list its first address's host. Plaintext is chosen for a list
  // only when every address in it is on loopback.
  std::string tls_server_name;
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

// Whether `target` is one MakeChannel can dial (see ClientOptions::target):
// INVALID_ARGUMENT saying what is wrong with a list (an address without a
// port, IPv4 and IPv6 addresses mixed, an empty entry) or an empty target.
// Other targets are left to gRPC, whose calls fail UNAVAILABLE when they
// cannot be reached.
absl::Status CheckTarget(const std::string& target);

// The channel `options` describe; every call on it carries the token. It is
// encrypted unless every address of the target is on loopback or `insecure`
// is set (see ClientOptions::credentials), and spreads calls over the
// target's addresses round robin.
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// TLS credentials trusting the CA in `ca_file` (PEM); with `cert_file` and
// `key_file`, also presenting that client certificate (mutual TLS).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const std::string& ca_file, const std::string& cert_file = "",
    const std::string& key_file = "");

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_CLIENT_OPTIONS_H_
