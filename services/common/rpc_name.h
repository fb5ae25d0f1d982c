// Full gRPC method names ("/ahpl.v1.Service/Method") taken from the
// generated code, so that the access policy and the handlers that name a
// method to authorize it cannot misspell one: AHPL_RPC(CatalogueService,
// GetEdition) does not compile unless the stub has that method, and its
// name comes from the service's descriptor.
#ifndef AHPL_SERVICES_COMMON_RPC_NAME_H_
#define AHPL_SERVICES_COMMON_RPC_NAME_H_

#include <string>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace ahpl {

// "/<service_full_name>/<method>" for a method the service's descriptor in
// the generated pool names; aborts when it does not (a build mismatch).
std::string FullMethodName(absl::string_view service_full_name, absl::string_view method);

}  // namespace ahpl

// The full name of v1::Service's RPC Method, as a const std::string&
// computed once per use site.
#define AHPL_RPC(Service, Method)                                                                  \
  ([]() -> const std::string& {                                                                    \
    static_assert(std::is_member_function_pointer_v<decltype(&::ahpl::v1::Service::Stub::Method)>, \
                  #Service " has no RPC " #Method);                                                \
    static const std::string* const name = new std::string(                                        \
        ::ahpl::FullMethodName(::ahpl::v1::Service::service_full_name(), #Method));                \
    return *name;                                                                                  \
  }())

#endif  // AHPL_SERVICES_COMMON_RPC_NAME_H_
