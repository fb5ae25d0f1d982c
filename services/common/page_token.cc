#include "services/common/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/field_violations.h"

namespace ahpl {
namespace {
constexpr absl::string_view kVersion = "p1";
constexpr char kSeparator = '\x1f';
}  // namespace

std::string EncodePageToken(absl::string_view filter, absl::string_view last_key) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, std::string(1, kSeparator), filter, std::string(1, kSeparator),
                   last_key));
}

absl::Status InvalidPageToken(absl::string_view field) {
  return InvalidField(std::string(field), "not a page token issued by this service");
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter,
                                            absl::string_view field) {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidPageToken(field);
  }
  const std::string prefix =
      absl::StrCat(kVersion, std::string(1, kSeparator), filter, std::string(1, kSeparator));
  if (raw.size() < kVersion.size() + 2 || !absl::StartsWith(raw, kVersion) ||
      raw[kVersion.size()] != kSeparator) {
    return InvalidPageToken(field);
  }
  if (!absl::StartsWith(raw, prefix)) {
    return InvalidField(std::string(field),
                        "page token was issued for a different filter; start from the first page");
  }
  std::string key = raw.substr(prefix.size());
  if (key.empty()) {
    return InvalidPageToken(field);
  }
  return key;
}

absl::StatusOr<int64_t> DecodeNumericPageToken(absl::string_view token, absl::string_view filter,
                                               absl::string_view field) {
  auto key = DecodePageToken(token, filter, field);
  if (!key.ok()) return key.status();
  int64_t after = 0;
  if (!key->empty() && !absl::SimpleAtoi(*key, &after)) return InvalidPageToken(field);
  return after;
}

int ClampPageSize(int requested, int fallback, int maximum) {
  if (requested <= 0) return fallback;
  return requested > maximum ? maximum : requested;
}

}  // namespace ahpl
