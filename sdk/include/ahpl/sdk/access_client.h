// Typed access to the access service: tokens and the audit log.
#ifndef AHPL_SDK_ACCESS_CLIENT_H_
#define AHPL_SDK_ACCESS_CLIENT_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/access.grpc.pb.h"

namespace ahpl::sdk {

class AccessClient {
 public:
  explicit AccessClient(ClientOptions options);
  AccessClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // Creates a token (admin). Not retried: a retry would make a second token.
  // The response holds the secret, shown only this once.
  absl::StatusOr<v1::CreateTokenResponse> CreateToken(
      v1::Role role, const std::string& scope, const std::string& description,
      absl::Duration time_to_live = absl::ZeroDuration());
  // Every token, newest first (admin).
  absl::StatusOr<std::vector<v1::AccessToken>> ListTokens(bool include_inactive);
  // Revokes token `name` ("tokens/{id}") (admin).
  absl::StatusOr<v1::AccessToken> RevokeToken(const std::string& name);
  // Audit events matching `filter`, oldest first, page by page to `each`
  // (admin); `limit` > 0 stops after that many.
  absl::Status ListAuditEvents(const v1::AuditFilter& filter, int64_t limit,
                               const std::function<void(const v1::AuditEvent&)>& each);
  // The calling token.
  absl::StatusOr<v1::AccessToken> GetCaller();

 private:
  ClientOptions options_;
  std::unique_ptr<v1::AccessService::Stub> stub_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_ACCESS_CLIENT_H_
