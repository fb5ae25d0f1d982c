// The one place where absl::Status becomes grpc::Status (and back, for
// clients), keeping google.rpc.BadRequest and PreconditionFailure details on the
// wire.
#ifndef AHPL_CORE_GRPC_STATUS_H_
#define AHPL_CORE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ahpl {

// Maps `status` to gRPC, packing any BadRequest payload into the
// grpc-status-details-bin trailer as a google.rpc.Status.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Maps a gRPC status back to absl::Status, restoring the BadRequest payload.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace ahpl

#endif  // AHPL_CORE_GRPC_STATUS_H_
