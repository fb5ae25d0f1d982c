#include "core/channel_security.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace ahpl {
namespace {

// `host` is "localhost" or an IP literal of 127.0.0.0/8 or ::1.
bool IsLoopbackHost(absl::string_view host) {
  if (host == "localhost") return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

// The host of "host:port", "[v6]:port", "host" or a bare IPv6 address; ""
// when malformed.
absl::string_view HostOf(absl::string_view address) {
  if (absl::ConsumePrefix(&address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos) return "";
    const absl::string_view rest = address.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
    return address.substr(0, close);
  }
  const size_t colon = address.find(':');
  if (colon == absl::string_view::npos) return address;
  if (address.find(':', colon + 1) != absl::string_view::npos) return address;  // bare IPv6
  return address.substr(0, colon);
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  if (absl::ConsumePrefix(&address, "ipv4:") || absl::ConsumePrefix(&address, "ipv6:")) {
    if (address.empty()) return false;
    for (absl::string_view one : absl::StrSplit(address, ',')) {
      if (!IsLoopbackHost(HostOf(one))) return false;
    }
    return true;
  }
  // A list of addresses, as the SDK takes them: every one must be.
  if (address.find(',') != absl::string_view::npos) {
    for (absl::string_view one : absl::StrSplit(address, ',')) {
      if (!IsLoopbackHost(HostOf(one))) return false;
    }
    return true;
  }
  // dns:host:port or dns:///host:port; dns://SERVER/host:port asks SERVER,
  // whose answer for any name may lead anywhere.
  if (absl::ConsumePrefix(&address, "dns:") && absl::ConsumePrefix(&address, "//") &&
      !absl::ConsumePrefix(&address, "/")) {
    return false;
  }
  return IsLoopbackHost(HostOf(address));
}

ChannelSecurity ChooseChannelSecurity(absl::string_view target, bool credentials_given,
                                      bool insecure) {
  if (credentials_given) return ChannelSecurity::kGivenCredentials;
  if (IsLoopbackAddress(target)) return ChannelSecurity::kPlaintextLoopback;
  return insecure ? ChannelSecurity::kPlaintextInsecure : ChannelSecurity::kTlsSystemRoots;
}

}  // namespace ahpl
