// How the ahpl command line prints results: aligned tables for people,
// JSON (proto3 JSON mapping) and CSV for programs.
#ifndef AHPL_SDK_CLI_OUTPUT_H_
#define AHPL_SDK_CLI_OUTPUT_H_

#include <google/protobuf/message.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ahpl::cli {

enum class Format { kTable, kJson, kCsv };

// Rows with a header, printed as an aligned table or as CSV.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void PrintAligned(std::ostream& out) const;
  // CSV through core/csv.h's CsvLine: formulas neutralised (docs/api.md).
  void PrintCsv(std::ostream& out) const;
  // Table or CSV by `format`; JSON is the caller's (see PrintJson).
  void Print(Format format, std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Prints `message` as indented proto3 JSON.
void PrintJson(const google::protobuf::Message& message, std::ostream& out);

// Exit codes of the ahpl command line (docs/api.md lists them).
enum ExitCode {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitInvalidInput = 3,
  kExitNotFound = 4,
  kExitUnavailable = 5,
  kExitPermissionDenied = 6,
  kExitConflict = 7,
};

// Prints `status` to stderr (each field violation, and each failed
// precondition such as a collection's window, on a line of its own) and
// returns the matching exit code.
int ReportError(const absl::Status& status);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_OUTPUT_H_
