#include "services/common/transport.h"

#include <algorithm>
#include <cstdint>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace ahpl {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    absl::string_view address, const TransportOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate file and a key file");
  }
  if (options.cert_file.empty()) {
    if (!options.client_ca_file.empty()) {
      return absl::InvalidArgumentError("a client CA needs TLS: give a certificate and key too");
    }
    if (!IsLoopbackAddress(address)) {
      if (!options.allow_insecure) {
        return absl::FailedPreconditionError(absl::StrCat(
            "refusing to listen on ", address,
            " without TLS: give --tls_cert and --tls_key, or --insecure to accept plaintext"));
      }
      LogWarning("listening on ", address, " WITHOUT TLS (--insecure): traffic is not encrypted");
    }
    return grpc::InsecureServerCredentials();
  }
  auto cert = ReadPemFile(options.cert_file);
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile(options.key_file);
  if (!key.ok()) return key.status();
  std::string client_ca;
  if (!options.client_ca_file.empty()) {
    auto ca = ReadPemFile(options.client_ca_file);
    if (!ca.ok()) return ca.status();
    client_ca = *ca;
  }
  if (options.reload_interval > absl::ZeroDuration()) {
    const auto seconds = static_cast<unsigned int>(
        std::max<int64_t>(1, absl::ToInt64Seconds(options.reload_interval)));
    auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        options.key_file, options.cert_file, options.client_ca_file, seconds);
    grpc::experimental::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    if (client_ca.empty()) {
      tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    } else {
      tls.watch_root_certs();
      tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    }
    return grpc::experimental::TlsServerCredentials(tls);
  }
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!client_ca.empty()) {
    ssl.pem_root_certs = client_ca;
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    absl::string_view target, const std::string& ca_file, const std::string& cert_file,
    const std::string& key_file, bool allow_insecure) {
  // The server's own certificate is presented when TLS is used; it does not
  // by itself ask for TLS (a loopback target may be plaintext).
  switch (ChooseChannelSecurity(target, /*credentials_given=*/!ca_file.empty(), allow_insecure)) {
    case ChannelSecurity::kPlaintextInsecure:
      LogWarning("calling ", target, " in plaintext (--insecure): the token travels unencrypted");
      [[fallthrough]];
    case ChannelSecurity::kPlaintextLoopback:
      return grpc::InsecureChannelCredentials();
    case ChannelSecurity::kGivenCredentials:
    case ChannelSecurity::kTlsSystemRoots:
      break;
  }
  return ClientTlsCredentials(ca_file, cert_file, key_file);
}

}  // namespace ahpl
