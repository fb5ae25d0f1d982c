// Protobuf messages as the JSON ahpl reads and writes everywhere: proto
// field names (as in return files, editions and CSV headers), not
// lowerCamelCase.
#ifndef AHPL_CORE_JSON_H_
#define AHPL_CORE_JSON_H_

#include <string>

#include <google/protobuf/message.h>

namespace ahpl {

enum class JsonLayout {
  kCompact,  // one line, no trailing newline
  kPretty,   // indented, ending in a newline
};

// `message` as JSON; with `with_defaults`, fields at their default values
// are printed too (as in a fill-in template).
std::string ToJson(const google::protobuf::Message& message,
                   JsonLayout layout = JsonLayout::kCompact, bool with_defaults = false);

}  // namespace ahpl

#endif  // AHPL_CORE_JSON_H_
