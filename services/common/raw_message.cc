#include "services/common/raw_message.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/request_limits.h"
#include "core/wire_check.h"

namespace ahpl {

absl::Status ParseByteBuffer(const grpc::ByteBuffer& bytes, google::protobuf::Message& message,
                             absl::string_view prefix) {
  std::vector<grpc::Slice> slices;
  std::string flat;
  if (bytes.Valid()) {
    const grpc::Status dumped = bytes.Dump(&slices);
    if (!dumped.ok()) return absl::InternalError("request bytes could not be read");
    flat.reserve(bytes.Length());
    for (const grpc::Slice& slice : slices) {
      flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return ParseOrDiagnose(flat, message, prefix);
}

absl::Status ReadStreamMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message& message,
                               int64_t ordinal) {
  absl::Status read = ParseByteBuffer(bytes, message);
  if (read.ok()) read = CheckRequestLimits(message);
  if (read.ok()) return read;
  const std::string where = absl::StrCat("stream message ", ordinal, " (counting from 0)");
  auto bad_request = BadRequestOf(read);
  if (!bad_request.has_value())
    return absl::Status(read.code(), absl::StrCat(where, ": ", read.message()));
  FieldViolations v;
  for (const auto& fv : bad_request->field_violations()) {
    v.Add(fv.field(), absl::StrCat(where, ": ", fv.description()));
  }
  return v.ToStatus(absl::StrCat(where, " cannot be read; the stream stops before it"));
}

bool WriteByteBuffer(const google::protobuf::Message& message, grpc::ByteBuffer& bytes) {
  std::string serialized;
  if (!message.SerializeToString(&serialized)) return false;
  grpc::Slice slice(serialized);
  grpc::ByteBuffer buffer(&slice, 1);
  bytes.Swap(&buffer);
  return true;
}

}  // namespace ahpl
