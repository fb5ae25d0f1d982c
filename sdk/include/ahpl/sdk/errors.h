// Reading the field violations a server attached to an error.
#ifndef AHPL_SDK_ERRORS_H_
#define AHPL_SDK_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace ahpl::sdk {

struct Violation {
  std::string field;        // e.g. "assessment_return.answers[3].rating"
  std::string description;  // what is wrong with it
};

// The violations an INVALID_ARGUMENT status carries (google.rpc.BadRequest);
// empty for any other status.
std::vector<Violation> ViolationsOf(const absl::Status& status);

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_ERRORS_H_
