// Protobuf messages as the JSON ahpl reads and writes everywhere: proto
// field names (as in return files, editions and CSV headers), not
// lowerCamelCase. And the depth limit every JSON ahpl reads from a person's
// file is held to.
#ifndef AHPL_CORE_JSON_H_
#define AHPL_CORE_JSON_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ahpl {

enum class JsonLayout {
  kCompact,  // one line, no trailing newline
  kPretty,   // indented, ending in a newline
};

// `message` as JSON; with `with_defaults`, fields at their default values
// are printed too (as in a fill-in template).
std::string ToJson(const google::protobuf::Message& message,
                   JsonLayout layout = JsonLayout::kCompact, bool with_defaults = false);

// The deepest nesting of arrays and objects accepted in a JSON input file
// (docs/api.md). A return or an edition is 4 levels deep; the parsers that
// read them (protobuf's JSON parser, the command line's JsonPathLines)
// recurse once per level, so unbounded nesting would overflow the stack.
inline constexpr int kMaxJsonDepth = 64;

// OK when no array or object in `json` is nested deeper than `max_depth`,
// else INVALID_ARGUMENT "line L, column C: JSON nested deeper than N levels"
// at the bracket that goes too deep. One linear pass that counts brackets
// outside double-quoted strings and never recurses, so it is safe on any
// input; it checks nothing else (malformed JSON is the parser's to report).
absl::Status CheckJsonDepth(absl::string_view json, int max_depth = kMaxJsonDepth);

}  // namespace ahpl

#endif  // AHPL_CORE_JSON_H_
