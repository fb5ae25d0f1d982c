#include "core/channel_security.h"

#include <gtest/gtest.h>

#include <string>

namespace ahpl {
namespace {

TEST(IsLoopbackAddressTest, Table) {
  const struct {
    std::string address;
    bool loopback;
  } cases[] = {
      // 127.0.0.0/8, ::1 and localhost, with and without a port.
      {"127.0.0.1:50051", true},
      {"127.0.0.1", true},
      {"127.1.2.3:8080", true},
      {"127.255.255.255:1", true},
      {"localhost:1", true},
      {"localhost", true},
      {"[::1]:50051", true},
      {"[::1]", true},
      {"::1", true},
      {"[0:0:0:0:0:0:0:1]:50051", true},
      // gRPC's target forms.
      {"dns:///localhost:50051", true},
      {"dns:127.0.0.1:50051", true},
      {"ipv4:127.0.0.1:50051", true},
      {"ipv4:127.0.0.1:1,127.0.0.2:2", true},
      {"ipv6:[::1]:50051", true},
      {"127.0.0.1:1,127.0.0.2:2", true},  // a list, as the SDK takes several servers
      {"localhost:1,[::1]:2", true},
      {"unix:/run/ahpl.sock", true},
      {"unix:///run/ahpl.sock", true},
      {"unix-abstract:ahpl", true},
      // Everything else.
      {"0.0.0.0:50051", false},
      {"[::]:50051", false},
      {"10.1.2.3:50051", false},
      {"192.0.2.2:50051", false},
      {"128.0.0.1:50051", false},
      {"126.0.0.1:50051", false},
      {"[fd00::2]:50051", false},
      {"[::ffff:10.0.0.1]:50051", false},
      {"example.org:443", false},
      {"127.example.org:443", false},   // a name, not an address of 127.0.0.0/8
      {"127.0.0.1.nip.io:443", false},  // likewise
      {"localhost.example.org:443", false},
      {"mylocalhost:1", false},
      {"[::1:50051", false},
      {"[::1]x:50051", false},
      {"dns://8.8.8.8/localhost:50051", false},  // that server answers for localhost
      {"dns:///example.org:443", false},
      {"ipv4:127.0.0.1:1,10.0.0.1:2", false},
      {"ipv4:", false},
      {"127.0.0.1:1,10.0.0.1:2", false},  // one address of the list is not
      {"localhost:1,example.org:2", false},
      {"127.0.0.1:1,", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsLoopbackAddress(c.address), c.loopback) << c.address;
  }
}

const char* Name(ChannelSecurity security) {
  switch (security) {
    case ChannelSecurity::kGivenCredentials:
      return "given credentials";
    case ChannelSecurity::kPlaintextLoopback:
      return "plaintext (loopback)";
    case ChannelSecurity::kPlaintextInsecure:
      return "plaintext (insecure)";
    case ChannelSecurity::kTlsSystemRoots:
      return "TLS with the system's CAs";
  }
  return "?";
}

TEST(ChooseChannelSecurityTest, Table) {
  const struct {
    std::string target;
    bool credentials_given;
    bool insecure;
    ChannelSecurity expected;
  } cases[] = {
      {"127.0.0.1:50051", false, false, ChannelSecurity::kPlaintextLoopback},
      {"127.0.0.1:50051", false, true, ChannelSecurity::kPlaintextLoopback},
      {"127.0.0.1:50051", true, false, ChannelSecurity::kGivenCredentials},
      {"127.0.0.1:50051", true, true, ChannelSecurity::kGivenCredentials},
      {"localhost:50051", false, false, ChannelSecurity::kPlaintextLoopback},
      {"[::1]:50051", false, false, ChannelSecurity::kPlaintextLoopback},
      {"unix:/run/ahpl.sock", false, false, ChannelSecurity::kPlaintextLoopback},
      {"ahpl.example.org:443", false, false, ChannelSecurity::kTlsSystemRoots},
      {"ahpl.example.org:443", false, true, ChannelSecurity::kPlaintextInsecure},
      {"ahpl.example.org:443", true, false, ChannelSecurity::kGivenCredentials},
      {"ahpl.example.org:443", true, true, ChannelSecurity::kGivenCredentials},
      {"10.1.2.3:50051", false, false, ChannelSecurity::kTlsSystemRoots},
      {"10.1.2.3:50051", false, true, ChannelSecurity::kPlaintextInsecure},
      {"0.0.0.0:50051", false, false, ChannelSecurity::kTlsSystemRoots},
      {"127.example.org:50051", false, false, ChannelSecurity::kTlsSystemRoots},
  };
  for (const auto& c : cases) {
    const ChannelSecurity got = ChooseChannelSecurity(c.target, c.credentials_given, c.insecure);
    EXPECT_EQ(got, c.expected) << c.target << " credentials=" << c.credentials_given
                               << " insecure=" << c.insecure << ": got " << Name(got)
                               << ", expected " << Name(c.expected);
  }
}

}  // namespace
}  // namespace ahpl
