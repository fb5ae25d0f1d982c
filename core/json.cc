#include "core/json.h"

#include <google/protobuf/util/json_util.h>

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

}  // namespace ahpl
