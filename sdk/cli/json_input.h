// Reading a protobuf message from the JSON of an input file (a return, an
// arrangement, an edition, a line of a .jsonl import): depth first, then
// syntax with lines, then the message. Apart from command_support.h so that
// the fuzz targets (tests/fuzz/) build it without the command line.
#ifndef AHPL_SDK_CLI_JSON_INPUT_H_
#define AHPL_SDK_CLI_JSON_INPUT_H_

#include <google/protobuf/util/json_util.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/json.h"
#include "sdk/cli/json_paths.h"

namespace ahpl::cli {

// Parses proto3 JSON read from `where` (a file name, or name:line). JSON
// nested deeper than kMaxJsonDepth is refused by a linear scan before any
// recursive parser sees it; a syntax error names its line and column. Every
// failure is INVALID_ARGUMENT "<where>: <what>", on one line.
template <typename Message>
absl::StatusOr<Message> ParseJson(const std::string& json, const std::string& where) {
  if (auto depth = CheckJsonDepth(json); !depth.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", depth.message()));
  }
  if (auto lines = JsonPathLines(json); !lines.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", lines.status().message()));
  }
  Message message;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &message);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", parsed.message().as_string()));
  }
  return message;
}

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_JSON_INPUT_H_
