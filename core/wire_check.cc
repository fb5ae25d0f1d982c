#include "core/wire_check.h"

#include <climits>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/utf8.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/message.h"
#include "google/protobuf/wire_format_lite.h"

namespace ahpl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

class WireWalker {
 public:
  WireWalker(absl::string_view bytes, int max_depth)
      : input_(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size())),
        size_(static_cast<int>(bytes.size())),
        max_depth_(max_depth) {
    // The walk keeps its own depth; the stream's limit stays out of the way.
    input_.SetRecursionLimit(max_depth + 1);
  }

  // Walks one message of `type` up to the current limit; `path` names it.
  std::optional<WireProblem> Message(const Descriptor& type, const std::string& path, int depth) {
    if (depth > max_depth_) {
      return WireProblem{path, absl::StrCat("messages nested deeper than ", max_depth_)};
    }
    // Occurrences so far of each repeated field seen, for indexes; only
    // fields present are kept, so the cost follows the bytes.
    std::map<int, int> occurrences;
    while (true) {
      const int before = input_.CurrentPosition();
      const uint32_t tag = input_.ReadTag();
      if (tag == 0) {
        // The end of this message (its limit, or the end of the bytes)
        // with nothing read; else a zero or cut-off tag.
        const int room = input_.BytesUntilLimit();
        const bool at_end = room == 0 || (room < 0 && before == size_);
        if (at_end && input_.CurrentPosition() == before) return std::nullopt;
        return Malformed(path);
      }
      const int number = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
      const auto wire_type = WireFormatLite::GetTagWireType(tag);
      if (wire_type == WireFormatLite::WIRETYPE_END_GROUP) return Malformed(path);
      const FieldDescriptor* field = type.FindFieldByNumber(number);
      const bool delimited = wire_type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
      const bool walked = field != nullptr && delimited &&
                          (field->type() == FieldDescriptor::TYPE_STRING ||
                           field->type() == FieldDescriptor::TYPE_MESSAGE);
      if (!walked) {
        if (!WireFormatLite::SkipField(&input_, tag)) return Malformed(path);
        continue;
      }
      std::string field_path = JoinPath(path, field->name());
      if (field->is_repeated()) field_path = IndexPath(field_path, occurrences[number]++);
      uint32_t length = 0;
      if (!input_.ReadVarint32(&length) || length > static_cast<uint32_t>(INT32_MAX)) {
        return Malformed(field_path);
      }
      // -1: no enclosing limit (the top level), where reading past the end
      // fails by itself.
      const int room = input_.BytesUntilLimit();
      if (room >= 0 && static_cast<int>(length) > room) return Malformed(field_path);
      if (field->type() == FieldDescriptor::TYPE_STRING) {
        std::string text;
        if (!input_.ReadString(&text, static_cast<int>(length))) return Malformed(field_path);
        const size_t valid = ValidUtf8Prefix(text);
        if (valid != text.size()) {
          return WireProblem{field_path,
                             absl::StrCat("not valid UTF-8 (byte ", valid, " of the value)")};
        }
        continue;
      }
      const auto limit = input_.PushLimit(static_cast<int>(length));
      if (auto problem = Message(*field->message_type(), field_path, depth + 1)) return problem;
      input_.PopLimit(limit);
    }
  }

 private:
  WireProblem Malformed(const std::string& path) {
    return WireProblem{path, absl::StrCat("malformed protobuf wire data at byte ",
                                          input_.CurrentPosition(), " of the message")};
  }

  CodedInputStream input_;
  const int size_;
  const int max_depth_;
};

}  // namespace

std::optional<WireProblem> FindWireProblem(const Descriptor& type, absl::string_view bytes,
                                           int max_depth) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return WireProblem{"", "message larger than 2 GiB"};
  }
  WireWalker walker(bytes, max_depth);
  return walker.Message(type, "", 0);
}

absl::Status ParseOrDiagnose(absl::string_view bytes, google::protobuf::Message& message,
                             absl::string_view prefix) {
  if (bytes.size() <= static_cast<size_t>(INT32_MAX) &&
      message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  message.Clear();
  std::optional<WireProblem> problem = FindWireProblem(*message.GetDescriptor(), bytes);
  if (!problem.has_value()) {
    problem = WireProblem{"", "does not parse as " + message.GetDescriptor()->full_name()};
  }
  std::string field = JoinPath(prefix, problem->field);
  if (field.empty()) field = "request";
  return InvalidField(std::move(field), problem->description);
}

}  // namespace ahpl
