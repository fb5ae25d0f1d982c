#include "services/access/token_authenticator.h"

#include <utility>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/access/access_policy.h"
#include "services/access/token_secret.h"
#include "services/common/log.h"

namespace ahpl::access {
namespace {

// Beyond this many cached secrets the cache starts again (bounds memory
// against callers sending many made-up tokens).
constexpr size_t kMaxCached = 50000;

absl::string_view AuthorizationHeader(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

// Calls `on_revoked` with each token id announced on kTokenChannel.
class RevocationReceiver final : public pqxx::notification_receiver {
 public:
  RevocationReceiver(pqxx::connection_base& conn, std::function<void(int64_t)> on_revoked)
      : pqxx::notification_receiver(conn, kTokenChannel), on_revoked_(std::move(on_revoked)) {}

  void operator()(const std::string& payload, int) override {
    int64_t id = 0;
    if (absl::SimpleAtoi(payload, &id)) on_revoked_(id);
  }

 private:
  std::function<void(int64_t)> on_revoked_;
};

}  // namespace

TokenAuthenticator::TokenAuthenticator(PgPool& pool, std::string database_url)
    : store_(pool), database_url_(std::move(database_url)) {
  listener_ = std::thread([this] { Listen(); });
}

TokenAuthenticator::~TokenAuthenticator() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  listener_.join();
}

bool TokenAuthenticator::stopping() const {
  absl::MutexLock lock(&stop_mu_);
  return stopping_;
}

absl::StatusOr<Principal> TokenAuthenticator::Decide(const Known& known,
                                                     absl::string_view method) const {
  if (!known.has_value()) return absl::UnauthenticatedError("unknown access token");
  if (known->revoked) return absl::UnauthenticatedError("this access token has been revoked");
  if (known->expire_time.has_value() && *known->expire_time <= absl::Now()) {
    return absl::UnauthenticatedError(
        absl::StrCat("this access token expired at ",
                     absl::FormatTime(*known->expire_time, absl::UTCTimeZone())));
  }
  if (absl::Status s = CheckRole(known->principal.role, method); !s.ok()) return s;
  return known->principal;
}

std::optional<absl::StatusOr<Principal>> TokenAuthenticator::AuthorizeFromCache(
    const grpc::ServerContextBase& context, absl::string_view method) {
  auto secret = SecretFromAuthorization(AuthorizationHeader(context));
  if (!secret.ok()) return absl::StatusOr<Principal>(secret.status());
  if (!listening_.load()) return std::nullopt;
  const std::string hash = HashTokenSecret(*secret);
  absl::ReaderMutexLock lock(&mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  return Decide(it->second, method);
}

absl::StatusOr<Principal> TokenAuthenticator::Authorize(const grpc::ServerContextBase& context,
                                                        absl::string_view method) {
  auto secret = SecretFromAuthorization(AuthorizationHeader(context));
  if (!secret.ok()) return secret.status();
  const std::string hash = HashTokenSecret(*secret);
  uint64_t generation;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && listening_.load()) return Decide(it->second, method);
    generation = generation_;
  }
  auto found = store_.FindToken(hash);
  if (!found.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot check the access token now: ", found.status().message()));
  }
  if (listening_.load()) {
    absl::MutexLock lock(&mu_);
    // A revocation or reconnection since the lookup may have made it stale.
    if (generation_ == generation) {
      if (cache_.size() >= kMaxCached) cache_.clear();
      cache_.emplace(hash, *found);
    }
  }
  return Decide(*found, method);
}

void TokenAuthenticator::Forget(int64_t token_id) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.has_value() && it->second->principal.token_id == token_id) {
      cache_.erase(it++);
    } else {
      ++it;
    }
  }
}

void TokenAuthenticator::ClearCache() {
  absl::MutexLock lock(&mu_);
  ++generation_;
  cache_.clear();
}

void TokenAuthenticator::Listen() {
  bool warned = false;
  while (!stopping()) {
    try {
      pqxx::connection conn(database_url_);
      RevocationReceiver receiver(conn, [this](int64_t id) { Forget(id); });
      ClearCache();
      listening_ = true;
      if (warned) LogInfo("hearing token revocations again");
      warned = false;
      while (!stopping()) conn.await_notification(0, 200000);
    } catch (const std::exception& e) {
      if (!warned) {
        LogError(
            "not hearing token revocations (every call checks its token in the database "
            "until this recovers): ",
            e.what());
        warned = true;
      }
    }
    listening_ = false;
    ClearCache();
    // A second before reconnecting, or less when the destructor stops us.
    absl::MutexLock lock(&stop_mu_);
    stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
  }
}

}  // namespace ahpl::access
