// The codes every part of ahpl reads the same way: ODS codes of trusts,
// NHS England region codes, reporting cycles and request ids. Codes are
// matched case-insensitively: callers canonicalise what a person typed with
// CanonicalCode() and then check the canonical form.
#ifndef AHPL_CORE_CODES_H_
#define AHPL_CORE_CODES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ahpl {

// `code` in its canonical form: upper case, as the register holds it.
std::string CanonicalCode(absl::string_view code);

// Whether `code` is an ODS code in canonical form: 3 to 5 upper-case letters
// or digits.
bool IsOdsCode(absl::string_view code);

// Whether `code` is an NHS England region code in canonical form: "Y" and
// two digits (e.g. "Y56").
bool IsRegionCode(absl::string_view code);

// Whether `cycle` is a reporting year like "2018-19" (the second part the
// year after the first).
bool IsCycle(absl::string_view cycle);

// Whether `s` is a calendar date written YYYY-MM-DD.
bool IsIsoDate(absl::string_view s);

// Whether `request_id` is a usable idempotency key: 1 to 128 letters,
// digits, '.', '_', ':' or '-'.
bool IsRequestId(absl::string_view request_id);

// What the violation of each rule above says, for field violations.
inline constexpr char kOdsCodeRule[] = "not an ODS code (3 to 5 letters or digits)";
inline constexpr char kRegionCodeRule[] = "not a region code (e.g. \"Y56\")";
inline constexpr char kCycleRule[] = "must be a reporting year such as \"2018-19\"";

}  // namespace ahpl

#endif  // AHPL_CORE_CODES_H_
