#include "services/access/token_secret.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "core/sha256.h"

namespace ahpl::access {
namespace {

constexpr absl::string_view kPrefix = "ahpl_";
constexpr size_t kRandomBytes = 32;
constexpr size_t kEncodedLength = 43;  // base64url of 32 bytes, unpadded

}  // namespace

absl::StatusOr<std::string> NewTokenSecret() {
  unsigned char bytes[kRandomBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random source failed; no token was made");
  }
  return std::string(kPrefix) + absl::WebSafeBase64Escape(absl::string_view(
                                    reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

bool IsWellFormedSecret(absl::string_view secret) {
  if (!absl::StartsWith(secret, kPrefix) || secret.size() != kPrefix.size() + kEncodedLength) {
    return false;
  }
  for (char c : secret.substr(kPrefix.size())) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string HashTokenSecret(absl::string_view secret) { return Sha256(secret); }

absl::StatusOr<std::string> SecretFromAuthorization(absl::string_view header) {
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "no access token: send \"authorization: Bearer <token>\" (ahpl: --token-file FILE or "
        "$AHPL_TOKEN_FILE)");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("the authorization header must be \"Bearer <token>\"");
  }
  absl::string_view secret = absl::StripAsciiWhitespace(header.substr(kScheme.size()));
  if (!IsWellFormedSecret(secret)) {
    return absl::UnauthenticatedError(
        "malformed access token: expected \"ahpl_\" and 43 characters");
  }
  return std::string(secret);
}

}  // namespace ahpl::access
