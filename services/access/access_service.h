// The AccessService gRPC handlers: tokens and the audit log, for admins.
#ifndef AHPL_SERVICES_ACCESS_ACCESS_SERVICE_H_
#define AHPL_SERVICES_ACCESS_ACCESS_SERVICE_H_

#include "ahpl/v1/access.grpc.pb.h"
#include "services/access/access_store.h"
#include "services/common/service_host.h"

namespace ahpl::access {

class AccessService final : public v1::AccessService::CallbackService {
 public:
  AccessService(AccessStore& store, Authorizer& authorizer, WorkerPool& workers,
                const PageTokenCodec& page_tokens);

  grpc::ServerUnaryReactor* CreateToken(grpc::CallbackServerContext* context,
                                        const v1::CreateTokenRequest* request,
                                        v1::CreateTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListTokens(grpc::CallbackServerContext* context,
                                       const v1::ListTokensRequest* request,
                                       v1::ListTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeToken(grpc::CallbackServerContext* context,
                                        const v1::RevokeTokenRequest* request,
                                        v1::RevokeTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* context,
                                            const v1::ListAuditEventsRequest* request,
                                            v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetCaller(grpc::CallbackServerContext* context,
                                      const v1::GetCallerRequest* request,
                                      v1::GetCallerResponse* response) override;

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
