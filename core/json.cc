#include "core/json.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace ahpl {

std::string ToJson(const google::protobuf::Message& message, JsonLayout layout,
                   bool with_defaults) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = layout == JsonLayout::kPretty;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = with_defaults;
  std::string json;
  // Printing a valid message cannot fail (no Any of unknown type is used).
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (layout == JsonLayout::kCompact && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

absl::Status CheckJsonDepth(absl::string_view json, int max_depth) {
  int depth = 0;
  int line = 1;
  size_t line_start = 0;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      continue;
    }
    if (in_string) {
      // An escape hides the next character (a quote, say), but a line break
      // is still counted above.
      if (c == '\\' && i + 1 < json.size() && json[i + 1] != '\n') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", line, ", column ", i - line_start + 1,
                         ": JSON nested deeper than ", max_depth, " levels"));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return absl::OkStatus();
}

}  // namespace ahpl
