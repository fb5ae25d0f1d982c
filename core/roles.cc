#include "core/roles.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ahpl {

std::string RoleWord(v1::Role role) {
  absl::string_view name = v1::Role_Name(role);
  if (name.empty()) return "unknown";
  absl::ConsumePrefix(&name, "ROLE_");
  return absl::AsciiStrToLower(name);
}

std::optional<v1::Role> RoleFromWord(absl::string_view word) {
  std::string upper = absl::AsciiStrToUpper(word);
  if (!absl::StartsWith(upper, "ROLE_")) upper = absl::StrCat("ROLE_", upper);
  v1::Role role = v1::ROLE_UNSPECIFIED;
  if (!v1::Role_Parse(upper, &role) || role == v1::ROLE_UNSPECIFIED) return std::nullopt;
  return role;
}

std::string RoleWords() {
  std::string words;
  const int last = v1::Role_descriptor()->value_count() - 1;
  for (int i = 1; i <= last; ++i) {
    const auto role = static_cast<v1::Role>(v1::Role_descriptor()->value(i)->number());
    absl::StrAppend(&words, i == 1 ? "" : (i == last ? " or " : ", "), RoleWord(role));
  }
  return words;
}

}  // namespace ahpl
