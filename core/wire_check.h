// Says what is wrong with serialized protobuf bytes that do not parse: the
// path of the first string field that is not valid UTF-8 (e.g.
// "items[2].assessment_return.answers[3].evidence"), or where the wire data
// is malformed. One pass over the bytes, guided by the message's
// descriptor, with a nesting limit; nothing is parsed into messages.
#ifndef AHPL_CORE_WIRE_CHECK_H_
#define AHPL_CORE_WIRE_CHECK_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace ahpl {

// Nested messages deeper than this are refused (protobuf's own parser
// refuses at 100).
inline constexpr int kMaxWireDepth = 64;

struct WireProblem {
  // The field's path from the message; empty when the problem is the
  // message's own framing.
  std::string field;
  std::string description;
};

// The first problem that would stop `bytes` parsing as a `type` message,
// or nothing when there is none that the walk can see.
std::optional<WireProblem> FindWireProblem(const google::protobuf::Descriptor& type,
                                           absl::string_view bytes, int max_depth = kMaxWireDepth);

// Parses `bytes` into `message`. When they do not parse: INVALID_ARGUMENT
// naming the field at fault (BadRequest), its path joined to `prefix`
// (e.g. "message[7]" for a stream's eighth message), or naming `prefix`
// itself when no field can be blamed.
absl::Status ParseOrDiagnose(absl::string_view bytes, google::protobuf::Message& message,
                             absl::string_view prefix = "");

}  // namespace ahpl

#endif  // AHPL_CORE_WIRE_CHECK_H_
