#include "core/csv.h"

#include "absl/strings/str_cat.h"

namespace ahpl {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // just closed a quoted field
  bool row_has_content = false;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&] {
    end_field();
    if (row_has_content) rows.push_back(std::move(row));
    row = CsvRow();
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      end_row();
      ++line;
      row.line = line;
      continue;
    }
    if (c == ',') {
      end_field();
      row_has_content = true;
      continue;
    }
    if (after_quote) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": unexpected character after a closing quote"));
    }
    if (c == '"' && field.empty()) {
      in_quotes = true;
      row_has_content = true;
      continue;
    }
    field.push_back(c);
    row_has_content = true;
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": quoted field is not closed"));
  }
  if (row_has_content || !field.empty()) end_row();
  return rows;
}

}  // namespace ahpl
