// Authenticates callers by bearer token and applies the access policy.
// Tokens are looked up by hash once and then answered from memory; a
// revocation reaches every server at once through PostgreSQL's
// LISTEN/NOTIFY, and while that channel is down nothing is cached.
// Made-up tokens are kept from the database: a secret found unknown is
// remembered for a while (until a token with it is created, which is
// announced on the same channel), and each caller address may make only a
// few lookups that find nothing (a token bucket); beyond that it is told
// RESOURCE_EXHAUSTED without a lookup.
#ifndef AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
#define AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/access/access_store.h"
#include "services/access/auth_throttle.h"
#include "services/common/access.h"

namespace ahpl::access {

// Limits on what unknown tokens may cost (docs/access.md gives the reasons).
struct AuthenticatorOptions {
  // Lookups finding no token that one caller address may make at once...
  double failed_lookup_burst = 20;
  // ...and how many more per second after that.
  double failed_lookups_per_second = 1;
  // Caller addresses tracked at most (beyond: one shared bucket).
  size_t max_tracked_peers = 10000;
  // Unknown secrets remembered (answered from memory), and for how long.
  size_t max_remembered_failures = 10000;
  absl::Duration failure_memory = absl::Minutes(10);
};

class TokenAuthenticator final : public Authorizer {
 public:
  // Tokens read through `pool`; revocations and creations heard on a
  // connection of its own to `database_url`.
  TokenAuthenticator(PgPool& pool, std::string database_url,
                     AuthenticatorOptions options = AuthenticatorOptions());
  ~TokenAuthenticator() override;

  TokenAuthenticator(const TokenAuthenticator&) = delete;
  TokenAuthenticator& operator=(const TokenAuthenticator&) = delete;

  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& context,
                                      absl::string_view method) override ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<absl::StatusOr<Principal>> AuthorizeFromCache(
      const grpc::ServerContextBase& context, absl::string_view method) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void Forget(int64_t token_id) override ABSL_LOCKS_EXCLUDED(mu_);

  // Whether revocations are being heard (and tokens cached); for tests.
  bool listening() const { return listening_.load(); }
  // Tokens looked up in the database so far; for tests.
  uint64_t database_lookups() const { return lookups_.load(); }

 private:
  // Counts of the events that can make a lookup's answer stale before it is
  // kept: a token found may be kept unless it was revoked (or the cache
  // cleared) in between; a secret found unknown, unless a token with that
  // secret was created in between.
  struct Generations {
    uint64_t revocations = 0;
    uint64_t creations = 0;
  };
  // The last events of one kind, numbered, so that an answer is dropped only
  // when an event since it concerns the same token (bounded memory; older
  // than the window counts as concerning it).
  template <typename Key>
  class RecentEvents {
   public:
    // Records event number `seq` about `key`; nullopt for every key (a reconnection).
    void Add(uint64_t seq, std::optional<Key> key);
    // Whether any event after number `since` may concern `key`.
    bool AnySince(uint64_t since, const Key& key) const;

   private:
    static constexpr size_t kWindow = 1024;
    std::deque<std::pair<uint64_t, std::optional<Key>>> events_;
  };

  static absl::StatusOr<Principal> Decide(const TokenRecord* known, absl::string_view method);
  // Memory only: the answer for `hash` if known, else nullopt.
  std::optional<absl::StatusOr<Principal>> FromMemory(const std::string& hash,
                                                      absl::string_view method, Generations* seen)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A token with secret hash `hash` was created (somewhere).
  void Created(const std::string& hash) ABSL_LOCKS_EXCLUDED(mu_);
  // The listener thread: hears revocations and new tokens until the destructor stops it.
  void Listen() ABSL_LOCKS_EXCLUDED(mu_, stop_mu_);
  void ClearCache() ABSL_LOCKS_EXCLUDED(mu_);
  bool stopping() const ABSL_LOCKS_EXCLUDED(stop_mu_);

  AccessStore store_;
  const std::string database_url_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, TokenRecord> cache_ ABSL_GUARDED_BY(mu_);
  RecentFailures failures_ ABSL_GUARDED_BY(mu_);
  Generations generations_ ABSL_GUARDED_BY(mu_);
  RecentEvents<int64_t> recent_revocations_ ABSL_GUARDED_BY(mu_);
  RecentEvents<std::string> recent_creations_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> listening_{false};

  absl::Mutex peers_mu_;
  PeerBuckets peers_ ABSL_GUARDED_BY(peers_mu_);
  std::atomic<uint64_t> lookups_{0};

  mutable absl::Mutex stop_mu_;
  // Set once by the destructor; releasing stop_mu_ then wakes the listener
  // if it is waiting to reconnect.
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread listener_;
};

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
