#include "services/common/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/field_violations.h"

namespace ahpl {
namespace {

// A token is base64url of: the format version, the last key, and the
// HMAC-SHA256 of (version, filter length, filter, last key).
constexpr absl::string_view kVersion = "p2";
constexpr size_t kMacBytes = 32;
// Longer tokens are refused before decoding (keys are short).
constexpr size_t kMaxTokenChars = 1024;

}  // namespace

absl::StatusOr<PageTokenCodec> PageTokenCodec::Create(std::string key) {
  if (key.size() < kMinKeyBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the page-token key has ", key.size(), " bytes; at least ", kMinKeyBytes, " are needed"));
  }
  return PageTokenCodec(std::move(key));
}

std::string PageTokenCodec::Mac(absl::string_view filter, absl::string_view last_key) const {
  std::string message(kVersion);
  const uint64_t n = filter.size();
  for (int shift = 56; shift >= 0; shift -= 8) message.push_back(static_cast<char>(n >> shift));
  absl::StrAppend(&message, filter, last_key);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

std::string PageTokenCodec::Encode(absl::string_view filter, absl::string_view last_key) const {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, last_key, Mac(filter, last_key)));
}

absl::Status InvalidPageToken(absl::string_view field) {
  return InvalidField(std::string(field),
                      "not a page token issued by this service for this request (a token is "
                      "bound to the filter it came with); start from the first page");
}

absl::StatusOr<std::string> PageTokenCodec::Decode(absl::string_view token,
                                                   absl::string_view filter,
                                                   absl::string_view field) const {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > kMaxTokenChars || !absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() <= kVersion.size() + kMacBytes || !absl::StartsWith(raw, kVersion)) {
    return InvalidPageToken(field);
  }
  // Base64 has several spellings of one byte string (trailing bits,
  // padding); only the one Encode writes is accepted.
  if (absl::WebSafeBase64Escape(raw) != token) return InvalidPageToken(field);
  const absl::string_view body(raw);
  const absl::string_view last_key =
      body.substr(kVersion.size(), body.size() - kVersion.size() - kMacBytes);
  const absl::string_view mac = body.substr(body.size() - kMacBytes);
  const std::string expected = Mac(filter, last_key);
  if (expected.size() != kMacBytes || CRYPTO_memcmp(expected.data(), mac.data(), kMacBytes) != 0) {
    return InvalidPageToken(field);
  }
  return std::string(last_key);
}

absl::StatusOr<int64_t> PageTokenCodec::DecodeNumeric(absl::string_view token,
                                                      absl::string_view filter,
                                                      absl::string_view field) const {
  auto key = Decode(token, filter, field);
  if (!key.ok()) return key.status();
  if (key->empty()) return 0;
  int64_t after = 0;
  // Digits only: no sign, no spaces.
  for (char c : *key) {
    if (c < '0' || c > '9') return InvalidPageToken(field);
  }
  if (!absl::SimpleAtoi(*key, &after) || after < 0) return InvalidPageToken(field);
  return after;
}

int ClampPageSize(int requested, int fallback, int maximum) {
  if (requested <= 0) return fallback;
  return requested > maximum ? maximum : requested;
}

}  // namespace ahpl
