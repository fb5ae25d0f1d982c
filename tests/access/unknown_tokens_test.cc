// Made-up bearer tokens against a real server: each address gets only a
// few database lookups that find nothing, a secret found unknown is
// answered from memory, and a token created after its secret was refused
// works once its creation is announced.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/access/token_authenticator.h"
#include "services/access/token_secret.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using access::TokenAuthenticator;
using ahpl::testing::SetDeadline;

// A catalogue call with `secret` as the bearer token: its status code.
// GetEdition of a cached edition is answered on gRPC's thread when the
// token is known in memory; ListRegions always goes through a worker.
grpc::StatusCode CallWith(const std::string& address, const std::string& secret,
                          bool inline_path = false) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::CatalogueService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  context.AddMetadata("authorization", "Bearer " + secret);
  if (inline_path) {
    v1::GetEditionRequest request;
    request.set_edition_id("2018-06");
    v1::GetEditionResponse response;
    return stub->GetEdition(&context, request, &response).error_code();
  }
  v1::ListRegionsResponse response;
  return stub->ListRegions(&context, v1::ListRegionsRequest(), &response).error_code();
}

std::string NewSecret() {
  auto secret = access::NewTokenSecret();
  EXPECT_TRUE(secret.ok());
  return *secret;
}

TokenAuthenticator& AuthenticatorOf(ServiceHost& host) {
  return dynamic_cast<TokenAuthenticator&>(host.authorizer());
}

// Waits until the authenticator hears token changes (and so remembers).
void WaitUntilListening(const TokenAuthenticator& authenticator) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!authenticator.listening() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(authenticator.listening());
}

TEST(UnknownTokensTest, OneAddressGetsAtMostItsBudgetOfLookupsThatFindNothing) {
  ahpl::testing::TestDatabase db;
  HostOptions options = DefaultHostOptions(db.url());
  options.listen_address = "127.0.0.1:0";
  constexpr int kBurst = 5;
  options.authorizer = [](PgPool& pool, const std::string& url) -> std::unique_ptr<Authorizer> {
    access::AuthenticatorOptions limits;
    limits.failed_lookup_burst = kBurst;
    limits.failed_lookups_per_second = 0;  // no refill while the test runs
    return std::make_unique<TokenAuthenticator>(pool, url, limits);
  };
  auto host = ServiceHost::Start(std::move(options), *SelectServices("catalogue"));
  ASSERT_TRUE(host.ok()) << host.status();
  const std::string address = "127.0.0.1:" + std::to_string((*host)->port());
  TokenAuthenticator& authenticator = AuthenticatorOf(**host);
  WaitUntilListening(authenticator);

  // A valid token, known to the server before the flood.
  const std::string valid = ahpl::testing::MakeToken(db.url(), v1::ROLE_NATIONAL);
  ASSERT_EQ(CallWith(address, valid), grpc::StatusCode::OK);
  const uint64_t before = authenticator.database_lookups();

  // 200 made-up tokens from one address, from 8 threads at once.
  std::atomic<int> unauthenticated{0}, exhausted{0}, other{0};
  std::vector<std::thread> threads;
  std::vector<std::string> secrets;
  for (int i = 0; i < 200; ++i) secrets.push_back(NewSecret());
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 200; i += 8) {
        switch (CallWith(address, secrets[i], /*inline_path=*/i % 2 == 0)) {
          case grpc::StatusCode::UNAUTHENTICATED:
            ++unauthenticated;
            break;
          case grpc::StatusCode::RESOURCE_EXHAUSTED:
            ++exhausted;
            break;
          default:
            ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const uint64_t looked_up = authenticator.database_lookups() - before;
  EXPECT_LE(looked_up, static_cast<uint64_t>(kBurst)) << "lookups beyond the address's budget";
  EXPECT_EQ(unauthenticated.load(), static_cast<int>(looked_up));
  EXPECT_EQ(exhausted.load(), 200 - static_cast<int>(looked_up));
  EXPECT_EQ(other.load(), 0);

  // A secret found unknown is answered from memory, as before: no lookup,
  // whatever the budget.
  const uint64_t after_flood = authenticator.database_lookups();
  int refused_from_memory = 0;
  for (const std::string& secret : secrets) {
    if (CallWith(address, secret) == grpc::StatusCode::UNAUTHENTICATED) ++refused_from_memory;
  }
  EXPECT_EQ(refused_from_memory, static_cast<int>(looked_up));
  // The valid token still works from the same address.
  EXPECT_EQ(CallWith(address, valid), grpc::StatusCode::OK);
  EXPECT_EQ(CallWith(address, valid, /*inline_path=*/true), grpc::StatusCode::OK);
  EXPECT_EQ(authenticator.database_lookups(), after_flood) << "nothing more was looked up";
  (*host)->Shutdown();
}

TEST(UnknownTokensTest, TheDefaultBudgetHoldsAFloodToAFewLookups) {
  ahpl::testing::TestServer server("catalogue");
  TokenAuthenticator& authenticator = AuthenticatorOf(server.host());
  WaitUntilListening(authenticator);
  const std::string valid = server.Token(v1::ROLE_NATIONAL);
  ASSERT_EQ(CallWith(server.address(), valid), grpc::StatusCode::OK);
  const access::AuthenticatorOptions defaults;
  const uint64_t before = authenticator.database_lookups();
  const auto start = std::chrono::steady_clock::now();
  int exhausted = 0;
  for (int i = 0; i < 300; ++i) {
    if (CallWith(server.address(), NewSecret()) == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t looked_up = authenticator.database_lookups() - before;
  EXPECT_LE(static_cast<double>(looked_up),
            defaults.failed_lookup_burst + defaults.failed_lookups_per_second * seconds + 1);
  EXPECT_EQ(exhausted, 300 - static_cast<int>(looked_up));
  EXPECT_EQ(CallWith(server.address(), valid), grpc::StatusCode::OK)
      << "a token the server knows keeps working from that address";
}

TEST(UnknownTokensTest, ATokenCreatedAfterItsSecretWasRefusedWorks) {
  ahpl::testing::TestServer server("catalogue");
  TokenAuthenticator& authenticator = AuthenticatorOf(server.host());
  WaitUntilListening(authenticator);
  const std::string secret = NewSecret();
  ASSERT_EQ(CallWith(server.address(), secret), grpc::StatusCode::UNAUTHENTICATED);
  const uint64_t lookups = authenticator.database_lookups();
  ASSERT_EQ(CallWith(server.address(), secret), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(authenticator.database_lookups(), lookups) << "the refusal was remembered";

  // Made in the database by another process; the server hears of it
  // through PostgreSQL (NOTIFY), within milliseconds.
  server.InstallToken(secret, v1::ROLE_NATIONAL);
  grpc::StatusCode code = grpc::StatusCode::UNAUTHENTICATED;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    code = CallWith(server.address(), secret);
    if (code == grpc::StatusCode::OK) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(code, grpc::StatusCode::OK);
  EXPECT_EQ(CallWith(server.address(), secret, /*inline_path=*/true), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace ahpl
