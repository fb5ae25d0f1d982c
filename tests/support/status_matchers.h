// Assertions on gRPC statuses and their google.rpc.BadRequest details.
#ifndef AHPL_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define AHPL_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <set>
#include <string>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ahpl::testing {

// The field paths named by the status's BadRequest details (empty if none).
std::set<std::string> ViolatedFields(const grpc::Status& status);
std::set<std::string> ViolatedFields(const absl::Status& status);

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_STATUS_MATCHERS_H_
