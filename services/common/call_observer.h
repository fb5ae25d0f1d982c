// Sees every call a server serves, whatever the service: counts it in
// ServerMetrics and writes one access-log line when it ends (time, method,
// status code, duration, the caller's token name and role, a request id,
// the peer). The token's secret is never seen here.
#ifndef AHPL_SERVICES_COMMON_CALL_OBSERVER_H_
#define AHPL_SERVICES_COMMON_CALL_OBSERVER_H_

#include <memory>

#include <grpcpp/support/server_interceptor.h>

#include "services/common/access.h"
#include "services/common/metrics.h"

namespace ahpl {

// The metadata key a call's request id travels under both ways: a client
// may send one (up to 64 of A-Z a-z 0-9 . _ : -); otherwise the server makes
// one. The answer's initial metadata carries it back, so that a user can
// quote it and an operator find the call's line.
inline constexpr char kRequestIdKey[] = "x-request-id";

struct CallObserverOptions {
  // Counts calls when set.
  ServerMetrics* metrics = nullptr;
  // Writes an access-log line per call.
  bool access_log = true;
};

// The interceptor factory a ServerBuilder takes (SetInterceptorCreators).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallObserverFactory(
    CallObserverOptions options);

// `inner`, made to pass the caller it finds to the call's access-log line
// and to count token checks (cache or database, and the answer).
std::unique_ptr<Authorizer> ObserveAuthorizer(std::unique_ptr<Authorizer> inner,
                                              CallObserverOptions options);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_CALL_OBSERVER_H_
