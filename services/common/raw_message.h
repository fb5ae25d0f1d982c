// Reads and writes protobuf messages carried as grpc::ByteBuffer by raw
// callback methods. gRPC 1.51 answers a typed method's unparseable request
// with a bare UNIMPLEMENTED, and ends a typed stream's reads as if the
// client had half-closed; raw methods parse the bytes themselves and can say
// which field was at fault (core/wire_check.h).
#ifndef AHPL_SERVICES_COMMON_RAW_MESSAGE_H_
#define AHPL_SERVICES_COMMON_RAW_MESSAGE_H_

#include <cstdint>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace ahpl {

// Parses `bytes` into `message`; INVALID_ARGUMENT naming the field at fault
// (its path joined to `prefix`) when they do not parse.
absl::Status ParseByteBuffer(const grpc::ByteBuffer& bytes, google::protobuf::Message& message,
                             absl::string_view prefix = "");

// Reads message `ordinal` (from 0) of a client stream into `message`:
// parses it and checks it against the edge limits (core/request_limits.h).
// When it cannot be taken: INVALID_ARGUMENT whose message names the stream
// message by its ordinal, and whose BadRequest names the fields at fault
// (paths within the message; each description starts "stream message N").
absl::Status ReadStreamMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message& message,
                               int64_t ordinal);

// Serializes `message` into `bytes`; false when it cannot be.
bool WriteByteBuffer(const google::protobuf::Message& message, grpc::ByteBuffer& bytes);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_RAW_MESSAGE_H_
