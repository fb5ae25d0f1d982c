// An ahpl ServiceHost on a free loopback port over a fresh test database,
// reached through a real gRPC channel.
#ifndef AHPL_TESTS_SUPPORT_TEST_SERVER_H_
#define AHPL_TESTS_SUPPORT_TEST_SERVER_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "services/common/service_host.h"
#include "tests/support/test_database.h"

namespace ahpl::testing {

class TestServer {
 public:
  // Hosts `services` ("all" or a comma-separated list); aborts on failure.
  explicit TestServer(const std::string& services = "all", size_t pool_size = 4);
  ~TestServer();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& address() const { return address_; }
  TestDatabase& database() { return database_; }
  ServiceHost& host() { return *host_; }

 private:
  TestDatabase database_;
  std::unique_ptr<ServiceHost> host_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A loopback port nothing listens on at the moment of asking.
int FreePort();

// Deadline `seconds` from now, for a client context.
void SetDeadline(grpc::ClientContext& context, int seconds = 10);

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_TEST_SERVER_H_
