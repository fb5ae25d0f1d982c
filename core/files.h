// Reading whole files: returns, rulesets, certificates, token files.
#ifndef AHPL_CORE_FILES_H_
#define AHPL_CORE_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace ahpl {

// The bytes of the file at `path`; NOT_FOUND "cannot read <path>" when it
// cannot be opened.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// A secret kept in a file (a token), without surrounding white space.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

}  // namespace ahpl

#endif  // AHPL_CORE_FILES_H_
