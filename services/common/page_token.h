// Opaque page tokens for keyset pagination: a token names the last key a
// page ended on and is signed (HMAC-SHA256) over that key and the filter it
// was issued for, so it cannot be altered, forged or reused with another
// filter. Every server on one database signs with the same key (migration
// 0005, read at start by the host), so a token from one server works on
// another.
#ifndef AHPL_SERVICES_COMMON_PAGE_TOKEN_H_
#define AHPL_SERVICES_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl {

// Encodes and verifies page tokens with one secret key. Thread-safe (const).
class PageTokenCodec {
 public:
  // Keys shorter than this are refused by Create.
  static constexpr size_t kMinKeyBytes = 32;

  // A codec signing with `key` (at least kMinKeyBytes bytes).
  static absl::StatusOr<PageTokenCodec> Create(std::string key);

  // A token for the page after `last_key` under `filter`.
  std::string Encode(absl::string_view filter, absl::string_view last_key) const;

  // The last key of a token issued for `filter`; an empty token gives an
  // empty key (the first page). A token that does not verify (altered,
  // truncated, forged, issued for another filter or by a server with another
  // key) is INVALID_ARGUMENT naming `field`; the message never repeats the
  // token.
  absl::StatusOr<std::string> Decode(absl::string_view token, absl::string_view filter,
                                     absl::string_view field = "page_token") const;

  // As Decode, for a key that is a non-negative number (a sequence, id or
  // version): 0 for an empty token.
  absl::StatusOr<int64_t> DecodeNumeric(absl::string_view token, absl::string_view filter,
                                        absl::string_view field = "page_token") const;

 private:
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}
  std::string Mac(absl::string_view filter, absl::string_view last_key) const;

  std::string key_;
};

// INVALID_ARGUMENT naming `field`: not a page token issued by this service
// for this request.
absl::Status InvalidPageToken(absl::string_view field = "page_token");

// Clamps a requested page size: 0 or less gives `fallback`, more than
// `maximum` gives `maximum`.
int ClampPageSize(int requested, int fallback, int maximum);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PAGE_TOKEN_H_
