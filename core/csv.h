// Reads RFC 4180 CSV text (quoted fields, doubled quotes, CRLF or LF line
// ends) into rows that remember the line they started on.
#ifndef AHPL_CORE_CSV_H_
#define AHPL_CORE_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl {

struct CsvRow {
  int line = 0;  // 1-based line the row starts on
  std::vector<std::string> fields;
};

// Parses `text`; blank lines are skipped. An unterminated quote or a stray
// character after a closing quote is INVALID_ARGUMENT naming the line.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

}  // namespace ahpl

#endif  // AHPL_CORE_CSV_H_
