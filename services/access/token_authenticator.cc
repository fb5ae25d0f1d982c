#include "services/access/token_authenticator.h"

#include <functional>
#include <utility>

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "services/access/access_policy.h"
#include "services/access/token_secret.h"
#include "services/common/log.h"

namespace ahpl::access {
namespace {

// Beyond this many cached tokens the cache starts again (bounds memory;
// only tokens that exist are cached here).
constexpr size_t kMaxCached = 50000;

absl::string_view AuthorizationHeader(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

// The answer over the limit of failed lookups.
absl::Status TooManyFailures(absl::Duration wait) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "too many unknown access tokens from this address; retry ",
      wait == absl::InfiniteDuration() ? std::string("later")
                                       : absl::StrCat("in ", absl::FormatDuration(wait))));
}

// Hands each announcement on kTokenChannel to `on_revoked` (a token id) or
// `on_created` (the hash of a new token's secret).
class TokenChangeReceiver final : public pqxx::notification_receiver {
 public:
  TokenChangeReceiver(pqxx::connection_base& conn, std::function<void(int64_t)> on_revoked,
                      std::function<void(const std::string&)> on_created)
      : pqxx::notification_receiver(conn, kTokenChannel),
        on_revoked_(std::move(on_revoked)),
        on_created_(std::move(on_created)) {}

  void operator()(const std::string& payload, int) override {
    absl::string_view rest = payload;
    if (absl::ConsumePrefix(&rest, kTokenCreatedPrefix)) {
      if (rest.size() != 64) return;
      for (char c : rest) {
        if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return;
      }
      on_created_(absl::HexStringToBytes(rest));
      return;
    }
    int64_t id = 0;
    if (absl::SimpleAtoi(payload, &id)) on_revoked_(id);
  }

 private:
  std::function<void(int64_t)> on_revoked_;
  std::function<void(const std::string&)> on_created_;
};

}  // namespace

TokenAuthenticator::TokenAuthenticator(PgPool& pool, std::string database_url,
                                       AuthenticatorOptions options)
    : store_(pool),
      database_url_(std::move(database_url)),
      failures_(options.max_remembered_failures, options.failure_memory),
      peers_(options.failed_lookup_burst, options.failed_lookups_per_second,
             options.max_tracked_peers) {
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

absl::StatusOr<Principal> TokenAuthenticator::Decide(const TokenRecord* known,
                                                     absl::string_view method) {
  if (known == nullptr) return absl::UnauthenticatedError("unknown access token");
  if (known->revoked) return absl::UnauthenticatedError("this access token has been revoked");
  if (known->expire_time.has_value() && *known->expire_time <= absl::Now()) {
    return absl::UnauthenticatedError(
        absl::StrCat("this access token expired at ",
                     absl::FormatTime(*known->expire_time, absl::UTCTimeZone())));
  }
  if (absl::Status s = CheckRole(known->principal.role, method); !s.ok()) return s;
  return known->principal;
}

std::optional<absl::StatusOr<Principal>> TokenAuthenticator::FromMemory(const std::string& hash,
                                                                        absl::string_view method,
                                                                        Generations* seen) {
  absl::ReaderMutexLock lock(&mu_);
  if (seen != nullptr) *seen = generations_;
  if (!listening_.load()) return std::nullopt;
  auto it = cache_.find(hash);
  if (it != cache_.end()) return Decide(&it->second, method);
  // Said as a lookup would say it.
  if (failures_.Contains(hash, absl::Now())) return Decide(nullptr, method);
  return std::nullopt;
}

std::optional<absl::StatusOr<Principal>> TokenAuthenticator::AuthorizeFromCache(
    const grpc::ServerContextBase& context, absl::string_view method) {
  auto secret = SecretFromAuthorization(AuthorizationHeader(context));
  if (!secret.ok()) return absl::StatusOr<Principal>(secret.status());
  if (auto known = FromMemory(HashTokenSecret(*secret), method, nullptr)) return known;
  absl::Duration wait;
  {
    absl::MutexLock lock(&peers_mu_);
    if (peers_.HasToken(PeerKey(context.peer()), absl::Now(), &wait)) return std::nullopt;
  }
  return absl::StatusOr<Principal>(TooManyFailures(wait));
}

absl::StatusOr<Principal> TokenAuthenticator::Authorize(const grpc::ServerContextBase& context,
                                                        absl::string_view method) {
  auto secret = SecretFromAuthorization(AuthorizationHeader(context));
  if (!secret.ok()) return secret.status();
  const std::string hash = HashTokenSecret(*secret);
  Generations seen;
  if (auto known = FromMemory(hash, method, &seen)) return *std::move(known);

  // A lookup is paid for from the caller's budget up front (so concurrent
  // calls cannot overdraw it) and refunded unless it finds nothing.
  const std::string peer = PeerKey(context.peer());
  {
    absl::Duration wait;
    absl::MutexLock lock(&peers_mu_);
    if (!peers_.TryTake(peer, absl::Now(), &wait)) return TooManyFailures(wait);
  }
  ++lookups_;
  auto found = store_.FindToken(hash);
  if (!found.ok() || found->has_value()) {
    absl::MutexLock lock(&peers_mu_);
    peers_.Refund(peer, absl::Now());
  }
  if (!found.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot check the access token now: ", found.status().message()));
  }
  if (listening_.load()) {
    absl::MutexLock lock(&mu_);
    // Unless a revocation of this token (or a reconnection) since the
    // lookup made a found token stale, or the creation of a token with this
    // secret made "unknown" stale.
    if (found->has_value()) {
      if (!recent_revocations_.AnySince(seen.revocations, (*found)->principal.token_id)) {
        if (cache_.size() >= kMaxCached) cache_.clear();
        cache_.emplace(hash, **found);
      }
    } else if (!recent_creations_.AnySince(seen.creations, hash)) {
      failures_.Add(hash, absl::Now());
    }
  }
  return Decide(found->has_value() ? &**found : nullptr, method);
}

template <typename Key>
void TokenAuthenticator::RecentEvents<Key>::Add(uint64_t seq, std::optional<Key> key) {
  events_.emplace_back(seq, std::move(key));
  if (events_.size() > kWindow) events_.pop_front();
}

template <typename Key>
bool TokenAuthenticator::RecentEvents<Key>::AnySince(uint64_t since, const Key& key) const {
  if (events_.empty() || events_.back().first <= since) return false;
  // Events after `since` that fell out of the window may concern `key`.
  if (events_.front().first > since + 1) return true;
  for (auto it = events_.rbegin(); it != events_.rend() && it->first > since; ++it) {
    if (!it->second.has_value() || *it->second == key) return true;
  }
  return false;
}

void TokenAuthenticator::Created(const std::string& hash) {
  absl::MutexLock lock(&mu_);
  recent_creations_.Add(++generations_.creations, hash);
  failures_.Remove(hash);
}

void TokenAuthenticator::Forget(int64_t token_id) {
  absl::MutexLock lock(&mu_);
  recent_revocations_.Add(++generations_.revocations, token_id);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal.token_id == token_id) {
      cache_.erase(it++);
    } else {
      ++it;
    }
  }
}

void TokenAuthenticator::ClearCache() {
  absl::MutexLock lock(&mu_);
  recent_revocations_.Add(++generations_.revocations, std::nullopt);
  recent_creations_.Add(++generations_.creations, std::nullopt);
  cache_.clear();
  failures_.Clear();
}

void TokenAuthenticator::Listen() {
  bool warned = false;
  while (!stopping()) {
    try {
      pqxx::connection conn(database_url_);
      TokenChangeReceiver receiver(
          conn, [this](int64_t id) { Forget(id); },
          [this](const std::string& hash) { Created(hash); });
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
