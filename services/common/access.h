// Who is calling, and the one gate every RPC passes: authenticate the
// caller's bearer token and check its role against the access policy.
#ifndef AHPL_SERVICES_COMMON_ACCESS_H_
#define AHPL_SERVICES_COMMON_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/access.pb.h"

namespace ahpl {

// An authenticated caller (a token), or a system actor writing on its own
// account (token_id 0, e.g. "seed").
struct Principal {
  // "tokens/{id}", or the system actor's name.
  std::string name;
  int64_t token_id = 0;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // ODS code for a trust token, region code for a region token.
  std::string scope;

  // Whether this caller may see returns of trust `ods_code` in region
  // `region_code`.
  bool CoversTrust(absl::string_view ods_code, absl::string_view region_code) const {
    switch (role) {
      case v1::ROLE_NATIONAL:
        return true;
      case v1::ROLE_TRUST:
        return scope == ods_code;
      case v1::ROLE_REGION:
        return scope == region_code;
      default:
        return false;
    }
  }

  static Principal System(std::string name) {
    Principal p;
    p.name = std::move(name);
    return p;
  }
};

// Authenticates callers and enforces the access policy, for every hosted
// service.
class Authorizer {
 public:
  virtual ~Authorizer() = default;

  // The caller of `method` (full name, "/ahpl.v1.Service/Method"):
  // UNAUTHENTICATED without a valid bearer token, PERMISSION_DENIED when the
  // token's role may not call `method`. May read the database.
  virtual absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& context,
                                              absl::string_view method) = 0;

  // The same, from memory only: nullopt when the answer needs the database
  // (call Authorize on a worker then).
  virtual std::optional<absl::StatusOr<Principal>> AuthorizeFromCache(
      const grpc::ServerContextBase& context, absl::string_view method) = 0;

  // Forgets what is cached of token `token_id` (it was revoked).
  virtual void Forget(int64_t token_id) = 0;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_ACCESS_H_
