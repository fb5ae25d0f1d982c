// Opaque page tokens for keyset pagination: a token names the last key a
// page ended on and the filter it was issued for, so it cannot be reused
// with another filter.
#ifndef AHPL_SERVICES_COMMON_PAGE_TOKEN_H_
#define AHPL_SERVICES_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl {

// Encodes a token for the page after `last_key` under `filter`.
std::string EncodePageToken(absl::string_view filter, absl::string_view last_key);

// Decodes `token` issued for `filter` into the last key; an empty token gives
// an empty key. A token that is malformed or was issued for another filter is
// INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter,
                                            absl::string_view field = "page_token");

// As DecodePageToken, for a token whose key is a number (a sequence, id or
// version): 0 for an empty token.
absl::StatusOr<int64_t> DecodeNumericPageToken(absl::string_view token, absl::string_view filter,
                                               absl::string_view field = "page_token");

// INVALID_ARGUMENT naming `field`: not a page token issued by this service.
absl::Status InvalidPageToken(absl::string_view field = "page_token");

// Clamps a requested page size: 0 or less gives `fallback`, more than
// `maximum` gives `maximum`.
int ClampPageSize(int requested, int fallback, int maximum);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PAGE_TOKEN_H_
