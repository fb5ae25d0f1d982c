#include "core/utf8.h"

namespace ahpl {
namespace {

// The length of the valid UTF-8 sequence starting text[i], or 0.
size_t SequenceAt(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

size_t ValidUtf8Prefix(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceAt(text, i);
    if (length == 0) return i;
    i += length;
  }
  return i;
}

std::string BoundedText(absl::string_view text, size_t max_bytes) {
  static constexpr absl::string_view kEllipsis = "\xE2\x80\xA6";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  const size_t budget = max_bytes < kEllipsis.size() ? 0 : max_bytes - kEllipsis.size();
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = SequenceAt(text, i);
    const size_t taken = length == 0 ? 1 : length;
    const bool rest_fits = text.size() - i <= max_bytes - out.size();
    if (!rest_fits && out.size() + taken > budget) {
      out.append(kEllipsis.data(), kEllipsis.size());
      return out;
    }
    if (length == 0) {
      out.push_back('?');
    } else {
      out.append(text.data() + i, length);
    }
    i += taken;
  }
  return out;
}

}  // namespace ahpl
