// SHA-256 digests, as ahpl fingerprints content (migrations, editions,
// request digests) and stores token secrets.
#ifndef AHPL_CORE_SHA256_H_
#define AHPL_CORE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ahpl {

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// The digest of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

}  // namespace ahpl

#endif  // AHPL_CORE_SHA256_H_
