// Authenticates callers by bearer token and applies the access policy.
// Tokens are looked up by hash once and then answered from memory; a
// revocation reaches every server at once through PostgreSQL's
// LISTEN/NOTIFY, and while that channel is down nothing is cached.
#ifndef AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
#define AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

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
                                      absl::string_view method) override;
  std::optional<absl::StatusOr<Principal>> AuthorizeFromCache(
      const grpc::ServerContextBase& context, absl::string_view method) override;
  void Forget(int64_t token_id) override;

  // Whether revocations are being heard (and tokens cached); for tests.
  bool listening() const { return listening_.load(); }

 private:
  // What is known of a secret's hash; a null record means no such token.
  using Known = std::optional<TokenRecord>;

  absl::StatusOr<Principal> Decide(const Known& known, absl::string_view method) const;
  void Listen();
  void ClearCache();

  AccessStore store_;
  const std::string database_url_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Known> cache_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> listening_{false};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread listener_;
};

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_TOKEN_AUTHENTICATOR_H_
