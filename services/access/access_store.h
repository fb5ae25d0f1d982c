// Where tokens and the audit log live: the only SQL of access control.
#ifndef AHPL_SERVICES_ACCESS_ACCESS_STORE_H_
#define AHPL_SERVICES_ACCESS_ACCESS_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ahpl/v1/access.pb.h"
#include "services/common/access.h"
#include "services/common/pg_pool.h"

namespace ahpl::access {

// A token as authentication needs it.
struct TokenRecord {
  Principal principal;
  std::optional<absl::Time> expire_time;
  bool revoked = false;
};

// Audit filters, validated.
struct AuditQuery {
  int64_t actor_token_id = 0;  // 0: any
  std::string action;
  std::string resource;
  std::optional<absl::Time> start_time, end_time;
};

// Thread safety: every method may be called from any number of threads at
// once (one store serves all of a server's handlers and its authenticator).
// The store holds no state of its own: each call takes a pooled connection
// for its duration.
class AccessStore {
 public:
  explicit AccessStore(PgPool& pool);

  // Stores a token by the hash of its secret, with its audit row and its
  // announcement on kTokenChannel, in one statement. `scope` must already be checked against the
  // register (a foreign key refuses an unknown one anyway).
  absl::StatusOr<v1::AccessToken> CreateToken(const std::string& secret_hash, v1::Role role,
                                              const std::string& scope,
                                              const std::string& description,
                                              std::optional<absl::Duration> time_to_live,
                                              const Principal& actor);

  // Revokes token `id` with its audit row and a notification to every
  // server; NOT_FOUND if there is no such token. Revoking again changes
  // nothing and writes no audit row.
  absl::StatusOr<v1::AccessToken> RevokeToken(int64_t id, const Principal& actor);

  absl::StatusOr<v1::AccessToken> GetToken(int64_t id);

  // Tokens with id below `before_id` (0: from the newest), newest first.
  absl::StatusOr<std::vector<v1::AccessToken>> ListTokens(bool include_inactive, int64_t before_id,
                                                          int limit);

  // The token whose secret hashes to `secret_hash`, if any.
  absl::StatusOr<std::optional<TokenRecord>> FindToken(const std::string& secret_hash);

  // Audit events after `after_id` matching `query`, oldest first.
  absl::StatusOr<std::vector<v1::AuditEvent>> ListAuditEvents(const AuditQuery& query,
                                                              int64_t after_id, int limit);

  // Whether region / trust `code` is in the register.
  absl::StatusOr<bool> RegionExists(const std::string& code);
  absl::StatusOr<bool> TrustExists(const std::string& ods_code);

 private:
  // Whether prepared `statement` finds a row for `key`.
  absl::StatusOr<bool> Exists(const char* statement, const std::string& key);

  PgPool& pool_;
};

// The PostgreSQL channel token changes are announced on, in the
// transaction of the change: a revocation's payload is the token's id, a
// creation's is kTokenCreatedPrefix and the hex SHA-256 of its secret (so
// servers forget having found that secret unknown).
inline constexpr const char* kTokenChannel = "ahpl_access_tokens";
inline constexpr absl::string_view kTokenCreatedPrefix = "created:";

}  // namespace ahpl::access

#endif  // AHPL_SERVICES_ACCESS_ACCESS_STORE_H_
