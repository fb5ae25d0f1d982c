// How a server listens: TLS from certificate and key files, optionally
// requiring client certificates (mutual TLS), or plaintext, which is only
// allowed on a loopback address unless explicitly asked for.
#ifndef AHPL_SERVICES_COMMON_TRANSPORT_H_
#define AHPL_SERVICES_COMMON_TRANSPORT_H_

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/channel_security.h"
#include "core/tls_files.h"

namespace ahpl {

struct TransportOptions {
  std::string cert_file;        // PEM certificate chain; empty for plaintext
  std::string key_file;         // PEM private key
  std::string client_ca_file;   // PEM CA; when set, clients must present a certificate it signed
  bool allow_insecure = false;  // plaintext on a non-loopback address
  // How often the certificate, key and client CA files are read again: a
  // renewed certificate is served from the next handshake on, with no
  // restart (a new key and certificate that do not match are ignored until
  // they do). Zero reads them once, at start.
  absl::Duration reload_interval = absl::Seconds(60);
};

// The credentials to listen on `address` with. Plaintext on a non-loopback
// address without allow_insecure is FAILED_PRECONDITION; unreadable or
// missing files are INVALID_ARGUMENT naming the file.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    absl::string_view address, const TransportOptions& options);

// How a server calls another ahpl server, by the rule the SDK follows
// (ChooseChannelSecurity): TLS trusting `ca_file`, or the system's CAs when it
// is empty, presenting `cert_file` and `key_file` when given (mutual TLS);
// plaintext only to a loopback target without a CA, or when `allow_insecure` (bearer tokens then
// travel in the clear, which the server logs as a warning). (ReadPemFile and ClientTlsCredentials
// are in core/tls_files.h, IsLoopbackAddress in core/channel_security.h.)
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    absl::string_view target, const std::string& ca_file, const std::string& cert_file,
    const std::string& key_file, bool allow_insecure);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_TRANSPORT_H_
