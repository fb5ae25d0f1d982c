#include "core/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "core/collection_rules.h"
#include "core/field_violations.h"
#include "core/utf8.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace ahpl {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  // The message is bounded here too, for errors built without
  // FieldViolations (they may quote the request).
  const std::string message = BoundedText(status.message(), kMaxStatusMessageBytes);
  auto bad_request = BadRequestOf(status);
  auto precondition = PreconditionFailureOf(status);
  if (!bad_request.has_value() && !precondition.has_value()) return grpc::Status(code, message);
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  if (bad_request.has_value()) details.add_details()->PackFrom(*bad_request);
  if (precondition.has_value()) details.add_details()->PackFrom(*precondition);
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  if (status.error_details().empty()) return result;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return result;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure precondition;
    if (any.UnpackTo(&bad_request)) {
      result.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
    } else if (any.UnpackTo(&precondition)) {
      result.SetPayload(kPreconditionFailureTypeUrl, absl::Cord(precondition.SerializeAsString()));
    }
  }
  return result;
}

}  // namespace ahpl
