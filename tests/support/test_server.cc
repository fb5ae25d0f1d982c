#include "tests/support/test_server.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/access/access_store.h"
#include "services/access/token_secret.h"
#include "services/server/hosted_services.h"

namespace ahpl::testing {

TestServer::TestServer(const std::string& services, size_t pool_size)
    : TestServer(services, pool_size, {}) {}

TestServer::TestServer(const std::string& services, size_t pool_size,
                       const std::function<void(HostOptions&, const TestDatabase&)>& adjust) {
  HostOptions options = DefaultHostOptions(database_.url());
  options.listen_address = "127.0.0.1:0";
  options.pool_size = pool_size;
  options.shutdown_grace = absl::Seconds(2);
  options.health_interval = absl::Milliseconds(100);
  if (adjust) adjust(options, database_);
  auto selected = SelectServices(services);
  auto host = selected.ok() ? ServiceHost::Start(std::move(options), std::move(*selected))
                            : absl::StatusOr<std::unique_ptr<ServiceHost>>(selected.status());
  if (!host.ok()) {
    std::fprintf(stderr, "test server did not start: %s\n", host.status().ToString().c_str());
    std::abort();
  }
  host_ = std::move(*host);
  address_ = absl::StrCat("127.0.0.1:", host_->port());
  channel_ = ChannelAs(v1::ROLE_NATIONAL);
  OpenTestCollections(database_.url());
}

void OpenTestCollections(const std::string& database_url) {
  try {
    pqxx::connection conn(database_url);
    pqxx::work tx(conn);
    for (const char* cycle : kOpenTestCycles) {
      tx.exec_params(
          "INSERT INTO collections (cycle, edition_id, title, open_time) "
          "SELECT $1, edition_id, 'Test collection ' || $1, '2000-01-01T00:00:00Z' "
          "FROM editions WHERE edition_id = '2018-06' ON CONFLICT (cycle) DO NOTHING",
          std::string(cycle));
    }
    tx.commit();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot open the test collections: %s\n", e.what());
    std::abort();
  }
}

std::string MakeToken(const std::string& database_url, v1::Role role, const std::string& scope) {
  v1::CreateTokenRequest request;
  request.set_role(role);
  request.set_scope(scope);
  request.set_description("test token");
  auto created = BootstrapToken(database_url, request);
  if (!created.ok()) {
    std::fprintf(stderr, "cannot make a test token: %s\n", created.status().ToString().c_str());
    std::abort();
  }
  return created->secret();
}

void TestServer::StoreTokenLocked(const std::string& secret, v1::Role role,
                                  const std::string& scope) {
  absl::Status stored;
  if (tokens_store_ == nullptr) {
    PgPool::Options options;
    options.url = database_.url();
    options.size = 1;
    auto pool = PgPool::Connect(options);
    stored = pool.status();
    if (pool.ok()) {
      tokens_pool_ = std::move(*pool);
      tokens_store_ = std::make_unique<access::AccessStore>(*tokens_pool_);
    }
  }
  if (stored.ok()) {
    stored = tokens_store_
                 ->CreateToken(access::HashTokenSecret(secret), role, scope, "test token",
                               std::nullopt, Principal::System("test"))
                 .status();
  }
  if (!stored.ok()) {
    std::fprintf(stderr, "cannot store a test token: %s\n", stored.ToString().c_str());
    std::abort();
  }
}

void TestServer::InstallToken(const std::string& secret, v1::Role role, const std::string& scope) {
  absl::MutexLock lock(&mu_);
  if (installed_.insert(secret).second) StoreTokenLocked(secret, role, scope);
}

std::string TestServer::Token(v1::Role role, const std::string& scope) {
  absl::MutexLock lock(&mu_);
  auto& token = tokens_[{role, scope}];
  if (token.empty()) {
    auto secret = access::NewTokenSecret();
    if (!secret.ok()) std::abort();
    StoreTokenLocked(*secret, role, scope);
    token = *secret;
  }
  return token;
}

sdk::ClientOptions TestServer::ClientOptionsAs(v1::Role role, const std::string& scope) {
  sdk::ClientOptions options;
  options.target = address_;
  options.token = Token(role, scope);
  return options;
}

std::shared_ptr<grpc::Channel> TestServer::ChannelAs(v1::Role role, const std::string& scope) {
  return sdk::MakeChannel(ClientOptionsAs(role, scope));
}

TestServer::~TestServer() { host_->Shutdown(); }

int FreePort() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.BuildAndStart()->Shutdown();
  return port;
}

std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string v4, v6;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0 ||
        (i->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET && v4.empty()) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
      if (inet_ntop(AF_INET, &a->sin_addr, text, sizeof text) != nullptr) v4 = text;
    } else if (i->ifa_addr->sa_family == AF_INET6 && v6.empty()) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) ||
          IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
        continue;
      }
      if (inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text) != nullptr) {
        v6 = absl::StrCat("[", text, "]");
      }
    }
  }
  freeifaddrs(list);
  return !v4.empty() ? v4 : v6;
}

void SetDeadline(grpc::ClientContext& context, int seconds) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

}  // namespace ahpl::testing
