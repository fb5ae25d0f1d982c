// Tokens over gRPC: creation rules, listing, revocation reaching every
// server, and the bootstrap command on the server host.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "ahpl/sdk/access_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "services/server/hosted_services.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::ViolatedFields;

class TokensTest : public ::testing::Test {
 protected:
  sdk::AccessClient Admin() { return sdk::AccessClient(server_.ClientOptionsAs(v1::ROLE_ADMIN)); }

  // The status a catalogue read gets with `secret` on `server`.
  static absl::StatusCode ReadWith(const std::string& address, const std::string& secret) {
    sdk::ClientOptions options;
    options.target = address;
    options.token = secret;
    options.max_attempts = 1;
    return sdk::CatalogueClient(options).ListRegions().status().code();
  }

  ahpl::testing::TestServer server_{"all"};
};

TEST_F(TokensTest, CreatedTokenWorksAndItsSecretIsStoredOnlyAsAHash) {
  auto created = Admin().CreateToken(v1::ROLE_TRUST, "RF4", "RF4 AHP lead", absl::Hours(24));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->token().role(), v1::ROLE_TRUST);
  EXPECT_EQ(created->token().scope(), "RF4");
  EXPECT_TRUE(created->token().has_expire_time());
  EXPECT_EQ(created->token().created_by().rfind("tokens/", 0), 0u);

  sdk::ClientOptions options;
  options.target = server_.address();
  options.token = created->secret();
  auto caller = sdk::AccessClient(options).GetCaller();
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->name(), created->token().name());

  pqxx::connection conn(server_.database().url());
  pqxx::read_transaction tx(conn);
  const auto found = tx.exec_params(
      "SELECT count(*) FROM access_tokens WHERE token_hash = sha256($1::text::bytea)",
      created->secret());
  EXPECT_EQ(found[0][0].as<int>(), 1);
  const auto plain = tx.exec_params(
      "SELECT count(*) FROM access_tokens WHERE position($1::text::bytea IN token_hash) > 0 "
      "OR description LIKE '%' || $1 || '%'",
      created->secret());
  EXPECT_EQ(plain[0][0].as<int>(), 0) << "the secret itself is stored nowhere";
}

TEST_F(TokensTest, CreationNamesEveryBadField) {
  v1::CreateTokenRequest request;
  auto stub = v1::AccessService::NewStub(server_.ChannelAs(v1::ROLE_ADMIN));
  auto create = [&](const v1::CreateTokenRequest& r) {
    grpc::ClientContext context;
    ahpl::testing::SetDeadline(context);
    v1::CreateTokenResponse response;
    return stub->CreateToken(&context, r, &response);
  };
  request.set_role(v1::ROLE_TRUST);
  request.set_scope("ZZZZ");
  request.set_description(std::string(201, 'x'));
  request.mutable_time_to_live()->set_seconds(-5);
  auto status = create(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"scope", "description", "time_to_live"}));

  request.Clear();
  request.set_role(v1::ROLE_NATIONAL);
  request.set_scope("Y56");
  request.set_description(std::string("nul\0inside", 10));
  EXPECT_EQ(ViolatedFields(create(request)), (std::set<std::string>{"scope", "description"}));

  request.Clear();
  request.set_role(v1::ROLE_REGION);
  request.set_scope("Y99");
  EXPECT_EQ(ViolatedFields(create(request)), (std::set<std::string>{"scope", "description"}));

  request.Clear();
  request.set_role(v1::ROLE_TRUST);
  request.set_scope(std::string(1 << 20, 'R'));
  request.set_description("long scope");
  EXPECT_EQ(ViolatedFields(create(request)), (std::set<std::string>{"scope"}));

  // Over the edge limits: refused before validation, naming that field alone.
  request.Clear();
  request.set_description(std::string(1 << 20, 'a'));
  EXPECT_EQ(ViolatedFields(create(request)), (std::set<std::string>{"description"}));

  pqxx::connection conn(server_.database().url());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM access_tokens WHERE description <> 'test token'")[0][0]
                .as<int>(),
            0)
      << "no token was made";
}

TEST_F(TokensTest, LifetimesArePositiveAndAtMost400Days) {
  auto stub = v1::AccessService::NewStub(server_.ChannelAs(v1::ROLE_ADMIN));
  auto create = [&](int64_t seconds, int32_t nanos, v1::CreateTokenResponse* response) {
    v1::CreateTokenRequest request;
    request.set_role(v1::ROLE_CLASSIFIER);
    request.set_description("lifetime " + std::to_string(seconds) + "s " + std::to_string(nanos));
    request.mutable_time_to_live()->set_seconds(seconds);
    request.mutable_time_to_live()->set_nanos(nanos);
    grpc::ClientContext context;
    ahpl::testing::SetDeadline(context);
    return stub->CreateToken(&context, request, response);
  };
  constexpr int64_t kDay = 86400;
  const std::vector<std::pair<int64_t, int32_t>> refused = {
      {10 * 365 * kDay, 0},  // ten years
      {401 * kDay, 0},       // a day over the limit
      {400 * kDay, 1},       // a nanosecond over
      {0, 0},                // zero, set
      {-5, 0},               // negative
      {-400 * kDay, 0},
      {0, -1},          // a negative nanosecond
      {1, -999999999},  // signs that disagree (not a Duration)
      {-1, 999999999},
      {1, 1000000000},  // nanos out of range
      {INT64_MAX, 0},
      {INT64_MIN, 0}};
  for (const auto& [seconds, nanos] : refused) {
    v1::CreateTokenResponse response;
    const auto status = create(seconds, nanos, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << seconds << "s " << nanos;
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"time_to_live"}))
        << seconds << "s " << nanos;
  }
  pqxx::connection conn(server_.database().url());
  {
    pqxx::read_transaction tx(conn);
    EXPECT_EQ(tx.exec("SELECT count(*) FROM access_tokens WHERE description LIKE 'lifetime%'")[0][0]
                  .as<int>(),
              0)
        << "no token was made";
  }

  for (const auto& [seconds, nanos] :
       std::vector<std::pair<int64_t, int32_t>>{{400 * kDay, 0}, {1, 0}, {0, 1}}) {
    v1::CreateTokenResponse response;
    const auto status = create(seconds, nanos, &response);
    ASSERT_TRUE(status.ok()) << seconds << "s " << nanos << ": " << status.error_message();
    EXPECT_TRUE(response.token().has_expire_time());
    const int64_t lived =
        response.token().expire_time().seconds() - response.token().create_time().seconds();
    EXPECT_NEAR(static_cast<double>(lived), static_cast<double>(seconds), 1.0);
  }
}

TEST_F(TokensTest, DescriptionsAreStoredVerbatimNeverExecuted) {
  const std::string text = "Robert'); DROP TABLE access_tokens; -- \"quoted\" \\ %";
  auto created = Admin().CreateToken(v1::ROLE_NATIONAL, "", text);
  ASSERT_TRUE(created.ok()) << created.status();
  auto listed = Admin().ListTokens(false);
  ASSERT_TRUE(listed.ok());
  bool found = false;
  for (const auto& t : *listed) found = found || t.description() == text;
  EXPECT_TRUE(found);
}

TEST_F(TokensTest, ListingPagesNewestFirstAndHidesInactiveTokens) {
  std::vector<std::string> names;
  for (int i = 0; i < 7; ++i) {
    auto created = Admin().CreateToken(v1::ROLE_CLASSIFIER, "", "service " + std::to_string(i));
    ASSERT_TRUE(created.ok());
    names.push_back(created->token().name());
  }
  ASSERT_TRUE(Admin().RevokeToken(names[3]).ok());
  sdk::ClientOptions small_pages = server_.ClientOptionsAs(v1::ROLE_ADMIN);
  small_pages.page_size = 2;
  auto active = sdk::AccessClient(small_pages).ListTokens(false);
  auto all = sdk::AccessClient(small_pages).ListTokens(true);
  ASSERT_TRUE(active.ok() && all.ok());
  EXPECT_EQ(all->size(), active->size() + 1);
  auto id = [](const v1::AccessToken& t) { return std::stoll(t.name().substr(7)); };
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_GT(id((*all)[i - 1]), id((*all)[i])) << "newest first, no token twice";
  }
  for (const auto& t : *all) {
    if (t.name() == names[3]) {
      EXPECT_TRUE(t.has_revoke_time());
    }
  }
  for (const auto& t : *active) EXPECT_NE(t.name(), names[3]);
}

TEST_F(TokensTest, RevocationTakesEffectOnTheNextCallOnEveryServer) {
  // A second server on the same database, as when services run apart.
  HostOptions options = DefaultHostOptions(server_.database().url());
  options.listen_address = "127.0.0.1:0";
  auto other = ServiceHost::Start(std::move(options), *SelectServices("catalogue"));
  ASSERT_TRUE(other.ok()) << other.status();
  const std::string other_address = "127.0.0.1:" + std::to_string((*other)->port());

  auto created = Admin().CreateToken(v1::ROLE_REGION, "Y56", "London team");
  ASSERT_TRUE(created.ok());
  // Both servers have seen (and cached) the token.
  ASSERT_EQ(ReadWith(server_.address(), created->secret()), absl::StatusCode::kOk);
  ASSERT_EQ(ReadWith(other_address, created->secret()), absl::StatusCode::kOk);

  ASSERT_TRUE(Admin().RevokeToken(created->token().name()).ok());
  EXPECT_EQ(ReadWith(server_.address(), created->secret()), absl::StatusCode::kUnauthenticated)
      << "the server that revoked it refuses the very next call";
  // The other server hears of it through PostgreSQL (LISTEN/NOTIFY), within
  // milliseconds; wait for it, up to a generous bound.
  absl::StatusCode code = absl::StatusCode::kOk;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    code = ReadWith(other_address, created->secret());
    if (code != absl::StatusCode::kOk) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(code, absl::StatusCode::kUnauthenticated);
  (*other)->Shutdown();
}

TEST_F(TokensTest, RevocationStillTakesEffectWhenTheNotificationChannelBreaks) {
  HostOptions options = DefaultHostOptions(server_.database().url());
  options.listen_address = "127.0.0.1:0";
  auto other = ServiceHost::Start(std::move(options), *SelectServices("catalogue"));
  ASSERT_TRUE(other.ok()) << other.status();
  const std::string other_address = "127.0.0.1:" + std::to_string((*other)->port());
  auto refused_within = [&](const std::string& secret) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      if (ReadWith(other_address, secret) == absl::StatusCode::kUnauthenticated) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };

  auto listeners = [&] {
    pqxx::connection conn(server_.database().url());
    pqxx::nontransaction tx(conn);
    return tx
        .exec(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN %'")[0][0]
        .as<int>();
  };
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      // Both servers listen again (they retry every second).
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (listeners() < 2 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ASSERT_GE(listeners(), 2) << "the servers did not listen again";
    }
    auto created = Admin().CreateToken(v1::ROLE_NATIONAL, "", "round " + std::to_string(round));
    ASSERT_TRUE(created.ok());
    ASSERT_EQ(ReadWith(other_address, created->secret()), absl::StatusCode::kOk);
    if (round == 0) {
      // Every server's LISTEN connection is cut: notifications sent now are
      // lost, so a server must stop trusting what it cached.
      pqxx::connection conn(server_.database().url());
      pqxx::nontransaction tx(conn);
      const auto cut = tx.exec(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE datname = current_database() AND query LIKE 'LISTEN %'");
      ASSERT_GE(cut.size(), 1u);
    }
    ASSERT_TRUE(Admin().RevokeToken(created->token().name()).ok());
    EXPECT_TRUE(refused_within(created->secret()))
        << (round == 0 ? "while the channel is broken" : "after it has reconnected");
  }
  (*other)->Shutdown();
}

TEST_F(TokensTest, RevokingTwiceChangesNothingAndUnknownTokensAreNotFound) {
  auto created = Admin().CreateToken(v1::ROLE_NATIONAL, "", "short-lived");
  ASSERT_TRUE(created.ok());
  auto first = Admin().RevokeToken(created->token().name());
  auto second = Admin().RevokeToken(created->token().name());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->revoke_time().seconds(), second->revoke_time().seconds());
  EXPECT_EQ(first->revoke_time().nanos(), second->revoke_time().nanos());
  EXPECT_EQ(Admin().RevokeToken("tokens/424242").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Admin().RevokeToken("token/1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BootstrapTest, TheServerMakesTheFirstAdminTokenOnItsHost) {
  ahpl::testing::TestServer server("all");
  const std::string command =
      std::string(AHPL_SERVER_BINARY) + " --database_url='" + server.database().url() +
      "' --create_token=admin --token_description='first admin' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::array<char, 256> buf{};
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  ASSERT_EQ(pclose(pipe), 0) << out;
  const std::string secret = out.substr(0, out.find('\n'));

  sdk::ClientOptions options;
  options.target = server.address();
  options.token = secret;
  auto caller = sdk::AccessClient(options).GetCaller();
  ASSERT_TRUE(caller.ok()) << caller.status() << " for [" << secret << "]";
  EXPECT_EQ(caller->role(), v1::ROLE_ADMIN);
  EXPECT_EQ(caller->created_by(), "bootstrap");
  EXPECT_EQ(caller->description(), "first admin");
  auto tokens = sdk::AccessClient(options).ListTokens(true);
  EXPECT_TRUE(tokens.ok()) << "the bootstrap token administers tokens";
}

}  // namespace
}  // namespace ahpl
