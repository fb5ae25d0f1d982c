#include "services/common/rpc_name.h"

#include <cstdio>
#include <cstdlib>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"

namespace ahpl {

std::string FullMethodName(absl::string_view service_full_name, absl::string_view method) {
  const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      std::string(service_full_name));
  const auto* found = service == nullptr ? nullptr : service->FindMethodByName(std::string(method));
  if (found == nullptr) {
    std::fprintf(stderr, "ahpl: no RPC %s/%s in the generated descriptors\n",
                 std::string(service_full_name).c_str(), std::string(method).c_str());
    std::abort();
  }
  return absl::StrCat("/", service->full_name(), "/", found->name());
}

}  // namespace ahpl
