// Where each value of a JSON document starts, by field path, so problems
// reported by path ("answers[3].rating") can name their line.
#ifndef AHPL_SDK_CLI_JSON_PATHS_H_
#define AHPL_SDK_CLI_JSON_PATHS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl::cli {

// Paths use proto field names (lowerCamel keys are folded to snake_case)
// and [i] for array elements. Malformed JSON, or JSON nested deeper than
// kMaxJsonDepth (core/json.h; the scanner recurses once per level), is
// INVALID_ARGUMENT naming the line and column.
absl::StatusOr<std::map<std::string, int>> JsonPathLines(absl::string_view json);

// The line of `path`, or of its nearest ancestor that has one; 0 if none.
int LineOf(const std::map<std::string, int>& lines, std::string path);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_JSON_PATHS_H_
