// The edge limits on what one request (or one stream message) may hold:
// how many entries each repeated field, and how many bytes each string, at
// any depth. Checked before any work that grows with the request, so a
// request of a million entries costs the server one look at a size.
// The limits are documented in docs/api.md ("Request limits").
#ifndef AHPL_CORE_REQUEST_LIMITS_H_
#define AHPL_CORE_REQUEST_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace ahpl {

// Limits for fields not named in the table of exceptions.
inline constexpr size_t kMaxStringBytes = 4096;
inline constexpr size_t kMaxRepeatedEntries = 1000;
// The most items one ImportReturns message may carry (the SDK's chunks
// stay within it).
inline constexpr size_t kMaxImportItemsPerMessage = 1000;
// The largest message the server receives (grpc.max_receive_message_length,
// answered RESOURCE_EXHAUSTED by gRPC above it): it bounds the memory one
// message can take before any check runs. A full chunk of 500 returns with
// long evidence stays well within it.
inline constexpr int kMaxReceiveMessageBytes = 8 << 20;

// The most bytes `field` (a string or bytes field) may hold, or entries
// (a repeated field) may have.
size_t MaxStringBytes(const google::protobuf::FieldDescriptor& field);
size_t MaxRepeatedEntries(const google::protobuf::FieldDescriptor& field);

// OK when every field of `message` is within its limits; otherwise
// INVALID_ARGUMENT naming each field over its limit (paths joined to
// `prefix`). An over-long repeated field is refused without looking at its
// entries; the work is at most linear in the message's size.
absl::Status CheckRequestLimits(const google::protobuf::Message& message,
                                absl::string_view prefix = "");

}  // namespace ahpl

#endif  // AHPL_CORE_REQUEST_LIMITS_H_
