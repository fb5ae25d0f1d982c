// The AccessService gRPC handlers: tokens and the audit log, for admins.
#ifndef AHPL_SERVICES_ACCESS_ACCESS_SERVICE_H_
#define AHPL_SERVICES_ACCESS_ACCESS_SERVICE_H_

#include "ahpl/v1/access.grpc.pb.h"
#include "services/access/access_store.h"
#include "services/common/raw_unary.h"
#include "services/common/service_host.h"

namespace ahpl::access {

// Every method is registered raw, so a request that does not parse is
// answered with the field at fault (services/common/raw_unary.h).
using AccessServiceBase = v1::AccessService::WithRawCallbackMethod_CreateToken<
    v1::AccessService::WithRawCallbackMethod_ListTokens<
        v1::AccessService::WithRawCallbackMethod_RevokeToken<
            v1::AccessService::WithRawCallbackMethod_ListAuditEvents<
                v1::AccessService::WithRawCallbackMethod_GetCaller<v1::AccessService::Service>>>>>;

class AccessService final : public AccessServiceBase {
 public:
  AccessService(AccessStore& store, Authorizer& authorizer, WorkerPool& workers,
                const PageTokenCodec& page_tokens);

  AHPL_RAW_UNARY_METHOD(CreateToken, v1::CreateTokenRequest, v1::CreateTokenResponse);
  AHPL_RAW_UNARY_METHOD(ListTokens, v1::ListTokensRequest, v1::ListTokensResponse);
  AHPL_RAW_UNARY_METHOD(RevokeToken, v1::RevokeTokenRequest, v1::RevokeTokenResponse);
  AHPL_RAW_UNARY_METHOD(ListAuditEvents, v1::ListAuditEventsRequest, v1::ListAuditEventsResponse);
  AHPL_RAW_UNARY_METHOD(GetCaller, v1::GetCallerRequest, v1::GetCallerResponse);

 private:
  AccessStore& store_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
  const PageTokenCodec& page_tokens_;
};

// Validates a token request and creates the token as `actor`: shared by the
// RPC and the server's bootstrap command.
absl::StatusOr<v1::CreateTokenResponse> CreateToken(AccessStore& store,
                                                    const v1::CreateTokenRequest& request,
                                                    const Principal& actor);

// The token id in "tokens/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> TokenIdFromName(const std::string& name, absl::string_view field);

// How ServiceHost creates the access service.
ServiceFactory AccessServiceFactory();

// The authorizer servers use: tokens from the database, the access policy.
std::unique_ptr<Authorizer> MakeTokenAuthorizer(PgPool& pool, const std::string& database_url);

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_ACCESS_SERVICE_H_
