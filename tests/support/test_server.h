// An ahpl ServiceHost on a free loopback port over a fresh test database,
// reached through a real gRPC channel.
#ifndef AHPL_TESTS_SUPPORT_TEST_SERVER_H_
#define AHPL_TESTS_SUPPORT_TEST_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/access.pb.h"
#include "services/access/access_store.h"
#include "services/common/service_host.h"
#include "tests/support/test_database.h"

namespace ahpl::testing {

class TestServer {
 public:
  // Hosts `services` ("all" or a comma-separated list); aborts on failure.
  explicit TestServer(const std::string& services = "all", size_t pool_size = 4);
  // The same with the host options as `adjust` changes them, given the
  // test database (e.g. to read from its standby).
  TestServer(const std::string& services, size_t pool_size,
             const std::function<void(HostOptions&, const TestDatabase&)>& adjust);
  ~TestServer();

  // A channel whose calls carry a national token.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // A channel whose calls carry a token of `role` (scope: an ODS or region
  // code for trust and region tokens).
  std::shared_ptr<grpc::Channel> ChannelAs(v1::Role role, const std::string& scope = "")
      ABSL_LOCKS_EXCLUDED(mu_);
  // SDK options reaching this server with such a token.
  sdk::ClientOptions ClientOptionsAs(v1::Role role = v1::ROLE_NATIONAL,
                                     const std::string& scope = "") ABSL_LOCKS_EXCLUDED(mu_);
  // The secret of a token of `role` and `scope`, made once per server.
  std::string Token(v1::Role role, const std::string& scope = "") ABSL_LOCKS_EXCLUDED(mu_);
  // Stores `secret` as a token of `role` (once), for tests that reach
  // several servers with one token.
  void InstallToken(const std::string& secret, v1::Role role, const std::string& scope = "")
      ABSL_LOCKS_EXCLUDED(mu_);
  const std::string& address() const { return address_; }
  TestDatabase& database() { return database_; }
  ServiceHost& host() { return *host_; }

 private:
  TestDatabase database_;
  std::unique_ptr<ServiceHost> host_;
  std::string address_;
  // Stores a token of `secret`; aborts on failure.
  void StoreTokenLocked(const std::string& secret, v1::Role role, const std::string& scope)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<grpc::Channel> channel_;
  absl::Mutex mu_;
  std::map<std::pair<int, std::string>, std::string> tokens_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> installed_ ABSL_GUARDED_BY(mu_);
  // Where tokens are stored, straight in the server's database; made by the
  // first StoreTokenLocked.
  std::unique_ptr<PgPool> tokens_pool_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<access::AccessStore> tokens_store_ ABSL_GUARDED_BY(mu_);
};

// Makes a token of `role` and `scope` in the database at `database_url`;
// aborts on failure.
std::string MakeToken(const std::string& database_url, v1::Role role,
                      const std::string& scope = "");

// Cycles whose collections every test server opens at start (edition
// 2018-06, open since 2000, open-ended), so tests that are not about seasons
// write returns as before; tests of windows use other cycles.
inline constexpr const char* kOpenTestCycles[] = {"2017-18", "2018-19", "2019-20", "2020-21"};

// Creates the kOpenTestCycles collections in the migrated, seeded database
// at `database_url` (those missing); aborts on failure.
void OpenTestCollections(const std::string& database_url);

// A loopback port nothing listens on at the moment of asking.
int FreePort();

// An address of this machine beyond loopback, to reach a server on it the way
// a remote client would: the IPv4 address of an interface that is up, else a
// global IPv6 one (in brackets); "" when the machine has none.
std::string NonLoopbackAddress();

// Deadline `seconds` from now, for a client context.
void SetDeadline(grpc::ClientContext& context, int seconds = 10);

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_TEST_SERVER_H_
