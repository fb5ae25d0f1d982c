#include "core/csv.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace ahpl {
namespace {

bool StartsFormula(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?, all of it.
bool IsPlainNumber(absl::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const bool whole = digits();
  bool fraction = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (!whole && !fraction) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

size_t LeadingQuotes(absl::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[n] == '\'') ++n;
  return n;
}

}  // namespace

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

std::string NeutraliseCsvText(absl::string_view value) {
  const size_t quotes = LeadingQuotes(value);
  if (quotes < value.size() && StartsFormula(value[quotes]) && !IsPlainNumber(value)) {
    return absl::StrCat("'", value);
  }
  return std::string(value);
}

std::string RestoreCsvText(absl::string_view field) {
  const size_t quotes = LeadingQuotes(field);
  if (quotes > 0 && quotes < field.size() && StartsFormula(field[quotes])) {
    return std::string(field.substr(1));
  }
  return std::string(field);
}

std::string CsvCell(absl::string_view value) {
  std::string text = NeutraliseCsvText(value);
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvLine(const std::vector<std::string>& cells) {
  if (cells.size() == 1 && cells[0].empty()) return "\"\"\n";
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvCell(cells[i]);
  }
  return line + "\n";
}

}  // namespace ahpl
