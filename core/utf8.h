// UTF-8 checks in linear time, and text made safe to echo back to a caller:
// valid UTF-8 and bounded in length.
#ifndef AHPL_CORE_UTF8_H_
#define AHPL_CORE_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace ahpl {

// The length of the longest prefix of `text` that is valid UTF-8 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t ValidUtf8Prefix(absl::string_view text);

inline bool IsValidUtf8(absl::string_view text) { return ValidUtf8Prefix(text) == text.size(); }

// `text` as valid UTF-8 of at most `max_bytes` bytes: invalid bytes become
// '?', and a longer text is cut at a character boundary and ends with "…"
// (the ellipsis counts towards `max_bytes`; max_bytes >= 3).
std::string BoundedText(absl::string_view text, size_t max_bytes);

}  // namespace ahpl

#endif  // AHPL_CORE_UTF8_H_
