#include "core/tls_files.h"

#include "absl/strings/str_cat.h"
#include "core/files.h"

namespace ahpl {

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return absl::InvalidArgumentError(text.status().message());
  if (text->find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not PEM"));
  }
  return text;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientTlsCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs both its certificate file and its key file");
  }
  grpc::SslCredentialsOptions ssl;
  if (!ca_file.empty()) {
    auto ca = ReadPemFile(ca_file);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!cert_file.empty()) {
    auto cert = ReadPemFile(cert_file);
    if (!cert.ok()) return cert.status();
    auto key = ReadPemFile(key_file);
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace ahpl
