// Access roles in people's words: "trust", "region", "national",
// "classifier", "admin", for messages, tables and flags on both sides.
#ifndef AHPL_CORE_ROLES_H_
#define AHPL_CORE_ROLES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "ahpl/v1/access.pb.h"

namespace ahpl {

// The role's word, e.g. "trust" for ROLE_TRUST ("unspecified" for none).
std::string RoleWord(v1::Role role);

// The role a word names, in any letter case, with or without "ROLE_"
// ("trust", "Trust", "ROLE_TRUST"); nullopt for anything else, including
// "unspecified".
std::optional<v1::Role> RoleFromWord(absl::string_view word);

// The words of every role, for help texts and errors: "trust, region,
// national, classifier or admin".
std::string RoleWords();

}  // namespace ahpl

#endif  // AHPL_CORE_ROLES_H_
