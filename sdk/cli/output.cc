#include "sdk/cli/output.h"

#include <algorithm>
#include <iostream>

#include "core/collection_rules.h"
#include "core/csv.h"
#include "core/field_violations.h"
#include "core/json.h"

namespace ahpl::cli {
namespace {

// Width on a terminal: UTF-8 code points, not bytes (Table 1 has en dashes).
size_t DisplayWidth(const std::string& s) {
  size_t width = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace

void Table::PrintAligned(std::ostream& out) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(header_);
  for (const auto& r : rows_) measure(r);
  auto print = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) out << std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << "\n";
  };
  print(header_);
  for (const auto& r : rows_) print(r);
}

void Table::PrintCsv(std::ostream& out) const {
  out << CsvLine(header_);
  for (const auto& r : rows_) out << CsvLine(r);
}

void Table::Print(Format format, std::ostream& out) const {
  if (format == Format::kCsv) {
    PrintCsv(out);
  } else {
    PrintAligned(out);
  }
}

void PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  out << ToJson(message, JsonLayout::kPretty);
}

int ReportError(const absl::Status& status) {
  std::cerr << "ahpl: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << "\n";
  if (auto bad_request = BadRequestOf(status)) {
    for (const auto& v : bad_request->field_violations()) {
      std::cerr << "  " << v.field() << ": " << v.description() << "\n";
    }
  }
  if (auto precondition = PreconditionFailureOf(status)) {
    for (const auto& v : precondition->violations()) {
      std::cerr << "  " << v.subject() << ": " << v.description() << " (" << v.type() << ")\n";
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalidInput;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnavailable;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return kExitPermissionDenied;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return kExitConflict;
    default:
      return kExitFailure;
  }
}

}  // namespace ahpl::cli
