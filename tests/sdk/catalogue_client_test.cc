// The SDK's CatalogueClient against a real server.
#include "ahpl/sdk/catalogue_client.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "services/server/hosted_services.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl::sdk {
namespace {

class CatalogueClientTest : public ::testing::Test {
 protected:
  CatalogueClientTest() {
    client_ = std::make_unique<CatalogueClient>(server_.ClientOptionsAs(v1::ROLE_NATIONAL));
  }
  testing::TestServer server_{"catalogue"};
  std::unique_ptr<CatalogueClient> client_;
};

TEST_F(CatalogueClientTest, ReadsTheLatestEdition) {
  auto edition = client_->GetEdition();
  ASSERT_TRUE(edition.ok()) << edition.status();
  EXPECT_EQ(edition->id(), "2018-06");
  auto questions = client_->ListQuestions("", "challenges");
  ASSERT_TRUE(questions.ok());
  EXPECT_EQ(questions->questions_size(), 3);
}

TEST_F(CatalogueClientTest, ListsEveryTrustAcrossPages) {
  ClientOptions small_pages = server_.ClientOptionsAs(v1::ROLE_TRUST, "RF4");
  small_pages.page_size = 25;  // 202 trusts: nine pages
  CatalogueClient paged(small_pages);
  auto paged_trusts = paged.ListTrusts();
  ASSERT_TRUE(paged_trusts.ok()) << paged_trusts.status();
  std::set<std::string> codes;
  for (const auto& t : *paged_trusts) codes.insert(t.ods_code());
  EXPECT_EQ(codes.size(), 202u) << "no trust twice, none missing";
  auto trusts = client_->ListTrusts();
  ASSERT_TRUE(trusts.ok()) << trusts.status();
  EXPECT_EQ(trusts->size(), 202u);
  auto london = client_->ListTrusts("Y56");
  ASSERT_TRUE(london.ok());
  EXPECT_EQ(london->size(), 31u);
  int visited = 0;
  ASSERT_TRUE(client_->ForEachTrust("", [&](const v1::Trust&) { return ++visited < 10; }).ok());
  EXPECT_EQ(visited, 10);
}

TEST_F(CatalogueClientTest, KeepsTheServersFieldViolations) {
  v1::Edition bad;
  bad.set_id("x y");
  auto published = CatalogueClient(server_.ClientOptionsAs(v1::ROLE_ADMIN)).PublishEdition(bad);
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.status().code(), absl::StatusCode::kInvalidArgument);
  const auto fields = testing::ViolatedFields(published.status());
  EXPECT_EQ(fields.count("edition.id"), 1u);
  EXPECT_EQ(fields.count("edition.questions"), 1u);
}

TEST_F(CatalogueClientTest, NotFoundIsNotRetried) {
  auto trust = client_->GetTrust("ZZZZ");
  EXPECT_EQ(trust.status().code(), absl::StatusCode::kNotFound);
}

TEST(CatalogueClientRetryTest, RetriesUntilTheServerComesUp) {
  // Nothing listens yet: the first attempts fail UNAVAILABLE, and a server
  // started meanwhile on the same port answers a later attempt.
  testing::TestDatabase db;
  const int port = testing::FreePort();

  ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  options.token = testing::MakeToken(db.url(), v1::ROLE_NATIONAL);
  options.deadline = absl::Seconds(1);
  options.max_attempts = 8;
  options.initial_backoff = absl::Milliseconds(300);
  options.max_backoff = absl::Milliseconds(600);
  CatalogueClient client(options);

  std::unique_ptr<ServiceHost> host;
  std::thread starter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    HostOptions host_options = DefaultHostOptions(db.url());
    host_options.listen_address = options.target;
    host_options.pool_size = 2;
    auto started = ServiceHost::Start(std::move(host_options), *SelectServices("catalogue"));
    ASSERT_TRUE(started.ok()) << started.status();
    host = std::move(*started);
  });
  auto regions = client.ListRegions();
  starter.join();
  ASSERT_TRUE(regions.ok()) << regions.status();
  EXPECT_EQ(regions->size(), 7u);
}

TEST(CatalogueClientDeadlineTest, ACallThatOutlivesItsDeadlineIsDeadlineExceeded) {
  // A deadline no call can meet; DEADLINE_EXCEEDED is not retried.
  testing::TestServer server("catalogue", 1);
  ClientOptions options = server.ClientOptionsAs(v1::ROLE_NATIONAL);
  options.deadline = absl::Microseconds(1);
  options.max_attempts = 3;
  CatalogueClient client(options);
  const auto trusts = client.ListTrusts();
  ASSERT_FALSE(trusts.ok());
  EXPECT_EQ(trusts.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(CatalogueClientRetryTest, RidesOutAServerRestart) {
  testing::TestDatabase db;
  const int port = testing::FreePort();
  auto start = [&]() {
    HostOptions host_options = DefaultHostOptions(db.url());
    host_options.listen_address = "127.0.0.1:" + std::to_string(port);
    host_options.pool_size = 2;
    host_options.shutdown_grace = absl::Milliseconds(100);
    auto host = ServiceHost::Start(std::move(host_options), *SelectServices("catalogue"));
    EXPECT_TRUE(host.ok()) << host.status();
    return host.ok() ? std::move(*host) : nullptr;
  };
  ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port);
  options.token = testing::MakeToken(db.url(), v1::ROLE_CLASSIFIER);
  options.deadline = absl::Seconds(1);
  options.max_attempts = 10;
  options.initial_backoff = absl::Milliseconds(200);
  options.max_backoff = absl::Milliseconds(400);
  CatalogueClient client(options);

  auto first = start();
  ASSERT_TRUE(client.GetTrust("RF4").ok());
  first->Shutdown();  // the server goes away...
  first.reset();
  std::unique_ptr<ServiceHost> second;
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    second = start();  // ...and comes back on the same address
  });
  auto trust = client.GetTrust("RF4");  // issued while it is down
  restarter.join();
  ASSERT_TRUE(trust.ok()) << trust.status();
  EXPECT_EQ(trust->region_code(), "Y56");
}

TEST(CatalogueClientRetryTest, GivesUpWithUnavailableAfterTheLastAttempt) {
  ClientOptions options;
  options.target = "127.0.0.1:1";
  options.max_attempts = 2;
  options.initial_backoff = absl::Milliseconds(10);
  options.deadline = absl::Seconds(1);
  CatalogueClient client(options);
  EXPECT_EQ(client.ListRegions().status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ahpl::sdk
