#include "tests/support/status_matchers.h"

#include "core/field_violations.h"
#include "core/grpc_status.h"

namespace ahpl::testing {

std::set<std::string> ViolatedFields(const absl::Status& status) {
  std::set<std::string> fields;
  if (auto br = BadRequestOf(status)) {
    for (const auto& v : br->field_violations()) fields.insert(v.field());
  }
  return fields;
}

std::set<std::string> ViolatedFields(const grpc::Status& status) {
  return ViolatedFields(FromGrpcStatus(status));
}

}  // namespace ahpl::testing
