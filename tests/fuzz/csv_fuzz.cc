// Fuzzes core/csv.h: ParseCsv on any text, and the writer's round trip:
// every row ParseCsv reads, written again with CsvLine (formulas
// neutralised), reads back as the same fields after RestoreCsvText.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  // Neutralising is undone exactly, for any string.
  if (ahpl::RestoreCsvText(ahpl::NeutraliseCsvText(text)) != text) __builtin_trap();

  const auto rows = ahpl::ParseCsv(text);
  if (!rows.ok()) return 0;
  int last_line = 0;
  for (const auto& row : *rows) {
    if (row.line <= last_line || row.fields.empty()) __builtin_trap();
    last_line = row.line;
    const auto again = ahpl::ParseCsv(ahpl::CsvLine(row.fields));
    if (!again.ok() || again->size() != 1) __builtin_trap();
    const auto& fields = again->front().fields;
    if (fields.size() != row.fields.size()) __builtin_trap();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (ahpl::RestoreCsvText(fields[i]) != row.fields[i]) __builtin_trap();
    }
  }
  return 0;
}
