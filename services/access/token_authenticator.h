// Authenticates callers by bearer token and applies the access policy.
// Tokens are looked up by hash once and then answered from memory; a
// revocation reaches every server at once through PostgreSQL's
// LISTEN/NOTIFY, and while that channel is down nothing is cached.
#ifndef AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
#define AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/access/access_store.h"
#include "services/common/access.h"

namespace ahpl::access {

class TokenAuthenticator final : public Authorizer {
 public:
  // Tokens read through `pool`; revocations heard on a connection of its
  // own to `database_url`.
  TokenAuthenticator(PgPool& pool, std::string database_url);
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

 private:
  // What is known of a secret's hash; a null record means no such token.
  using Known = std::optional<TokenRecord>;

  absl::StatusOr<Principal> Decide(const Known& known, absl::string_view method) const;
  // The listener thread: hears revocations until the destructor stops it.
  void Listen() ABSL_LOCKS_EXCLUDED(mu_, stop_mu_);
  void ClearCache() ABSL_LOCKS_EXCLUDED(mu_);
  bool stopping() const ABSL_LOCKS_EXCLUDED(stop_mu_);

  AccessStore store_;
  const std::string database_url_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Known> cache_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> listening_{false};

  mutable absl::Mutex stop_mu_;
  // Set once by the destructor; releasing stop_mu_ then wakes the listener
  // if it is waiting to reconnect.
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread listener_;
};

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
