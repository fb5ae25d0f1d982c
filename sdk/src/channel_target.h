// How the SDK turns ClientOptions::target into what one gRPC channel dials:
// one address or a gRPC target as given, or a comma-separated list of
// addresses (replicas of one deployment) as one ipv4: or ipv6: target, so
// that round-robin load balancing spreads calls over all of them.
#ifndef AHPL_SDK_SRC_CHANNEL_TARGET_H_
#define AHPL_SDK_SRC_CHANNEL_TARGET_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ahpl::sdk {

// What a channel is made with.
struct ChannelTarget {
  // The gRPC target: "host:port", "dns:///name:port", "ipv4:a:p,b:p", ...
  std::string uri;
  // The :authority of its calls, which is also the name TLS checks the
  // servers' certificates against; empty: gRPC's own (the target's host).
  std::string authority;
};

// Whether the SDK can dial `target` (ClientOptions::target): one address, a
// gRPC target with a scheme (dns:, ipv4:, ipv6:, unix:, unix-abstract:), or
// a list of "host:port" separated by commas, IPv6 addresses in brackets and
// not mixed with IPv4 ones. INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status CheckChannelTarget(absl::string_view target);

// The channel target for `target`, which passed CheckChannelTarget. The
// host names of a list are resolved here, once, to the addresses of one
// family (IPv6 when the list's IP addresses are IPv6, else IPv4); a name
// that does not resolve is left out, and when none of a list's names does
// and it has no IP address, the first name is left for gRPC to resolve
// (and report). TLS checks one name for every server of a channel:
// `tls_server_name` when given, else for a list its first address's host.
ChannelTarget ToChannelTarget(const std::string& target, const std::string& tls_server_name);

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_SRC_CHANNEL_TARGET_H_
