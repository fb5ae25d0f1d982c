// Bearer token secrets: how they are made, recognised and hashed.
#ifndef AHPL_SERVICES_ACCESS_TOKEN_SECRET_H_
#define AHPL_SERVICES_ACCESS_TOKEN_SECRET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl::access {

// A new secret: "ahpl_" and 256 random bits in unpadded base64url (43
// characters), from the operating system's random source.
absl::StatusOr<std::string> NewTokenSecret();

// Whether `secret` has the shape NewTokenSecret gives.
bool IsWellFormedSecret(absl::string_view secret);

// The stored form of a secret: its SHA-256 digest (32 bytes). A fast hash
// is enough for 256-bit random secrets: there is no dictionary to try.
std::string HashTokenSecret(absl::string_view secret);

// The secret in an "authorization" header value ("Bearer <secret>", the
// scheme in any case); UNAUTHENTICATED saying what is wrong otherwise.
absl::StatusOr<std::string> SecretFromAuthorization(absl::string_view header);

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_TOKEN_SECRET_H_
