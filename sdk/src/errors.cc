#include "ahpl/sdk/errors.h"

#include "core/field_violations.h"

namespace ahpl::sdk {

std::vector<Violation> ViolationsOf(const absl::Status& status) {
  std::vector<Violation> out;
  if (auto bad_request = BadRequestOf(status)) {
    for (const auto& v : bad_request->field_violations())
      out.push_back({v.field(), v.description()});
  }
  return out;
}

}  // namespace ahpl::sdk
