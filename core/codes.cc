#include "core/codes.h"

#include "absl/time/civil_time.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace ahpl {

std::string CanonicalCode(absl::string_view code) { return absl::AsciiStrToUpper(code); }

bool IsOdsCode(absl::string_view code) {
  if (code.size() < 3 || code.size() > 5) return false;
  for (char c : code) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool IsRegionCode(absl::string_view code) {
  return code.size() == 3 && code[0] == 'Y' &&
         absl::ascii_isdigit(static_cast<unsigned char>(code[1])) &&
         absl::ascii_isdigit(static_cast<unsigned char>(code[2]));
}

bool IsCycle(absl::string_view cycle) {
  if (cycle.size() != 7 || cycle[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(cycle[i]))) return false;
  }
  int first = 0, second = 0;
  if (!absl::SimpleAtoi(cycle.substr(0, 4), &first) ||
      !absl::SimpleAtoi(cycle.substr(5), &second)) {
    return false;
  }
  return first >= 2000 && (first + 1) % 100 == second;
}

bool IsRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

bool IsIsoDate(absl::string_view s) {
  absl::CivilDay day;
  return s.size() == 10 && absl::ParseCivilTime(s, &day) && absl::FormatCivilTime(day) == s;
}

}  // namespace ahpl
