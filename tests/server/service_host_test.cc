// The hosting process: health checking, reflection, concurrent start-up.
#include "services/common/service_host.h"

#include <gtest/gtest.h>

#include <thread>

#include <pqxx/pqxx>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using grpc::health::v1::HealthCheckResponse;

HealthCheckResponse::ServingStatus Health(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  testing::SetDeadline(context, 5);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const auto status = stub->Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

bool WaitForHealth(const std::shared_ptr<grpc::Channel>& channel,
                   HealthCheckResponse::ServingStatus want) {
  for (int i = 0; i < 100; ++i) {
    if (Health(channel, "") == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void AllowConnections(testing::TestDatabase& db, bool allow) {
  pqxx::connection conn(db.admin_url());
  pqxx::nontransaction tx(conn);
  tx.exec(std::string("ALTER DATABASE ") + tx.quote_name(db.name()) + " ALLOW_CONNECTIONS " +
          (allow ? "true" : "false"));
  if (!allow) {
    tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                   db.name());
  }
}

TEST(ServiceHostTest, ServingForTheServerAndEachService) {
  testing::TestServer server("catalogue");
  EXPECT_EQ(Health(server.channel(), ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(server.channel(), "ahpl.v1.CatalogueService"), HealthCheckResponse::SERVING);
}

TEST(ServiceHostTest, NotServingWhileTheDatabaseIsUnreachable) {
  testing::TestServer server("catalogue");
  ASSERT_TRUE(WaitForHealth(server.channel(), HealthCheckResponse::SERVING));
  AllowConnections(server.database(), false);
  EXPECT_TRUE(WaitForHealth(server.channel(), HealthCheckResponse::NOT_SERVING));
  EXPECT_FALSE(server.host().serving());
  AllowConnections(server.database(), true);
  EXPECT_TRUE(WaitForHealth(server.channel(), HealthCheckResponse::SERVING));
}

TEST(ServiceHostTest, ReflectionListsTheServices) {
  testing::TestServer server("catalogue");
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(server.channel());
  grpc::ClientContext context;
  testing::SetDeadline(context, 5);
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();
  std::set<std::string> names;
  for (const auto& s : response.list_services_response().service()) names.insert(s.name());
  EXPECT_EQ(names.count("ahpl.v1.CatalogueService"), 1u);
  EXPECT_EQ(names.count("grpc.health.v1.Health"), 1u);
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(ServiceHostTest, TwoServersStartingAtOnceOnOneDatabase) {
  testing::TestDatabase db;
  std::vector<absl::StatusOr<std::unique_ptr<ServiceHost>>> hosts;
  for (int i = 0; i < 2; ++i) hosts.emplace_back(absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      HostOptions options = DefaultHostOptions(db.url());
      options.listen_address = "127.0.0.1:0";
      options.pool_size = 2;
      hosts[i] = ServiceHost::Start(std::move(options), *SelectServices("all"));
    });
  }
  for (auto& t : threads) t.join();
  for (auto& h : hosts) ASSERT_TRUE(h.ok()) << h.status();
  pqxx::connection conn(db.url());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM editions")[0][0].as<int>(), 1);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM trusts")[0][0].as<int>(), 202);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_migrations")[0][0].as<int>(),
            static_cast<int>(SchemaMigrations().size()));
}

TEST(ServiceHostTest, UnreachableDatabaseFailsToStart) {
  HostOptions options =
      DefaultHostOptions("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  options.listen_address = "127.0.0.1:0";
  auto host = ServiceHost::Start(std::move(options), *SelectServices("all"));
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ahpl
