// TLS material from PEM files, and the client credentials made from it;
// shared by servers calling other servers and by the SDK.
#ifndef AHPL_CORE_TLS_FILES_H_
#define AHPL_CORE_TLS_FILES_H_

#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/status/statusor.h"

namespace ahpl {

// Reads a whole PEM file; INVALID_ARGUMENT naming the file when it cannot
// be read or is not PEM.
absl::StatusOr<std::string> ReadPemFile(const std::string& path);

// TLS credentials trusting the CA in `ca_file`; with `cert_file` and
// `key_file` (both or neither), also presenting that certificate (mutual
// TLS).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ClientTlsCredentials(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file);

}  // namespace ahpl

#endif  // AHPL_CORE_TLS_FILES_H_
