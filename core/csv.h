// Reads RFC 4180 CSV text (quoted fields, doubled quotes, CRLF or LF line
// ends) into rows that remember the line they started on, and writes it:
// the one CSV writer of the command line (every table, the export, the
// aggregate's --csv file), which neutralises spreadsheet formulas.
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

// A spreadsheet opening a CSV file runs a cell that starts with =, +, -, @,
// a tab or a carriage return as a formula (CSV injection). `value` with a
// single quote put in front when it starts with one of those, after any
// quotes of its own, and is not a plain number such as -3 or +1.5e2
// (OWASP's advice; docs/decisions.md says why numbers are left alone).
// Quotes of its own count so that RestoreCsvText undoes exactly this.
std::string NeutraliseCsvText(absl::string_view value);

// The inverse, for a field read from a CSV file the command line may have
// written: one leading quote taken off when quotes are followed by one of
// those characters. Text that NeutraliseCsvText leaves alone is returned as
// it is, so RestoreCsvText(NeutraliseCsvText(v)) == v for every v.
std::string RestoreCsvText(absl::string_view field);

// One cell: NeutraliseCsvText, then quoted (with quotes doubled) when it
// holds a comma, a quote or a line break.
std::string CsvCell(absl::string_view value);

// A row of cells, comma-separated, ending in "\n". ParseCsv reads it back
// as the same fields after RestoreCsvText (a lone empty cell is written
// "" so that the row is not a blank line).
std::string CsvLine(const std::vector<std::string>& cells);

}  // namespace ahpl

#endif  // AHPL_CORE_CSV_H_
