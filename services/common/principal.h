// Who is calling, as recorded with every write.
#ifndef AHPL_SERVICES_COMMON_PRINCIPAL_H_
#define AHPL_SERVICES_COMMON_PRINCIPAL_H_

#include <string>

#include <grpcpp/grpcpp.h>

namespace ahpl {

// The caller's identity. Until callers authenticate (tokens), this is the
// peer's address without its port, marked "unauthenticated:".
inline std::string CallerPrincipal(const grpc::CallbackServerContext& context) {
  std::string peer = context.peer();
  const size_t colon = peer.rfind(':');
  const size_t scheme = peer.find(':');
  if (colon != std::string::npos && colon != scheme) peer = peer.substr(0, colon);
  return "unauthenticated:" + peer;
}

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PRINCIPAL_H_
