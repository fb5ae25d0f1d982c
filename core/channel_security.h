// Which addresses are on loopback, and how a client reaches a target:
// encrypted unless the target is on this machine or plaintext is asked for.
// Shared by the servers (where they listen, whom they call) and the SDK.
#ifndef AHPL_CORE_CHANNEL_SECURITY_H_
#define AHPL_CORE_CHANNEL_SECURITY_H_

#include "absl/strings/string_view.h"

namespace ahpl {

// Whether `address` stays on this machine: a host of 127.0.0.0/8 or ::1
// written as an IP literal, or the name localhost, with or without a port
// ("127.0.0.1:50051", "[::1]:50051", "localhost:1"); gRPC's dns:, ipv4: and
// ipv6: target forms of those, and a comma-separated list of addresses
// (every address of a list); a unix: or
// unix-abstract: socket. Any other name, even one that resolves to
// loopback, and a dns: target naming its own DNS server, are not.
bool IsLoopbackAddress(absl::string_view address);

// How a client channel is secured.
enum class ChannelSecurity {
  kGivenCredentials,   // the caller's own credentials (TLS trusting its CA, mutual TLS)
  kPlaintextLoopback,  // plaintext: the target is on loopback
  kPlaintextInsecure,  // plaintext beyond loopback, explicitly allowed: tokens travel in the clear
  kTlsSystemRoots,     // TLS trusting the system's CAs
};

// The rule every client follows: credentials the caller gives are used as
// they are; otherwise plaintext to a loopback target, or to any target when
// `insecure`; otherwise TLS trusting the system's CAs.
ChannelSecurity ChooseChannelSecurity(absl::string_view target, bool credentials_given,
                                      bool insecure);

}  // namespace ahpl

#endif  // AHPL_CORE_CHANNEL_SECURITY_H_
