// The access policy: for every RPC of every ahpl service, the roles that may
// call it. Scope (which trust or region a token reaches) is applied by the
// handlers to the data they read and write, with Principal::CoversTrust.
#ifndef AHPL_SERVICES_ACCESS_ACCESS_POLICY_H_
#define AHPL_SERVICES_ACCESS_ACCESS_POLICY_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/access.pb.h"

namespace ahpl::access {

// The roles allowed to call one method.
struct MethodPolicy {
  std::string method;  // "/ahpl.v1.Service/Method"
  std::vector<v1::Role> roles;

  bool Allows(v1::Role role) const;
};

// The whole policy, one entry per method.
const std::vector<MethodPolicy>& AccessPolicy();

// The entry for `method`, or null when the policy does not name it.
const MethodPolicy* PolicyFor(absl::string_view method);

// OK when `role` may call `method`; PERMISSION_DENIED otherwise, including
// for a method the policy does not name (closed by default).
absl::Status CheckRole(v1::Role role, absl::string_view method);

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_ACCESS_POLICY_H_
