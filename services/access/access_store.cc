#include "services/access/access_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace ahpl::access {
namespace {

using google::protobuf::util::TimeUtil;

constexpr const char* kTokenColumns =
    "id, role, coalesce(trust_ods_code, region_code, ''), description, created_by, "
    "(extract(epoch FROM create_time) * 1000000)::bigint, "
    "(extract(epoch FROM expire_time) * 1000000)::bigint, "
    "(extract(epoch FROM revoke_time) * 1000000)::bigint, coalesce(revoked_by, '')";

std::string TokenSql(absl::string_view rest) {
  return absl::StrCat("SELECT ", kTokenColumns, " FROM access_tokens ", rest);
}

const std::vector<PreparedStatement>& Statements() {
  static const auto* statements = new std::vector<PreparedStatement>{
      {"access_create_token",
       absl::StrCat(
           "WITH t AS (INSERT INTO access_tokens (token_hash, role, trust_ods_code, region_code, "
           "description, created_by, expire_time) VALUES ($1, $2, $3, $4, $5, $6, "
           "clock_timestamp() + make_interval(secs => $7::double precision)) RETURNING *), "
           "a AS (INSERT INTO audit_events (actor, token_id, actor_role, action, resource) "
           "SELECT $6, $8, $9, 'token.created', 'tokens/' || t.id FROM t) "
           "SELECT ",
           kTokenColumns, ", pg_notify('", kTokenChannel, "', '", kTokenCreatedPrefix,
           "' || encode(t.token_hash, 'hex')) FROM t")},
      {"access_revoke_token",
       "WITH t AS (UPDATE access_tokens SET revoke_time = clock_timestamp(), revoked_by = $2 "
       "WHERE id = $1 AND revoke_time IS NULL RETURNING id), "
       "a AS (INSERT INTO audit_events (actor, token_id, actor_role, action, resource) "
       "SELECT $2, $3, $4, 'token.revoked', 'tokens/' || t.id FROM t) "
       "SELECT pg_notify('ahpl_access_tokens', id::text) FROM t"},
      {"access_get_token", TokenSql("WHERE id = $1")},
      {"access_list_tokens",
       TokenSql("WHERE ($1 OR (revoke_time IS NULL AND (expire_time IS NULL OR "
                "expire_time > clock_timestamp()))) AND ($2 = 0 OR id < $2) "
                "ORDER BY id DESC LIMIT $3")},
      {"access_find_token",
       "SELECT id, role, coalesce(trust_ods_code, region_code, ''), "
       "(extract(epoch FROM expire_time) * 1000000)::bigint, revoke_time IS NOT NULL "
       "FROM access_tokens WHERE token_hash = $1"},
      {"access_list_audit",
       "SELECT id, (extract(epoch FROM event_time) * 1000000)::bigint, actor, actor_role, action, "
       "resource, version, request_id, detail FROM audit_events "
       "WHERE id > $1 AND ($2 = 0 OR token_id = $2) AND ($3 = '' OR action = $3) "
       "AND ($4 = '' OR resource = $4) "
       "AND ($5::bigint IS NULL OR event_time >= to_timestamp($5::bigint / 1000000.0)) "
       "AND ($6::bigint IS NULL OR event_time < to_timestamp($6::bigint / 1000000.0)) "
       "ORDER BY id LIMIT $7"},
      {"access_region_exists", "SELECT 1 FROM regions WHERE code = $1"},
      {"access_trust_exists", "SELECT 1 FROM trusts WHERE ods_code = $1"},
  };
  return *statements;
}

v1::AccessToken TokenFromRow(const pqxx::row& row) {
  v1::AccessToken t;
  t.set_name(absl::StrCat("tokens/", row[0].as<int64_t>()));
  t.set_role(static_cast<v1::Role>(row[1].as<int>()));
  t.set_scope(row[2].as<std::string>());
  t.set_description(row[3].as<std::string>());
  t.set_created_by(row[4].as<std::string>());
  *t.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<int64_t>());
  if (!row[6].is_null()) {
    *t.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(row[6].as<int64_t>());
  }
  if (!row[7].is_null()) {
    *t.mutable_revoke_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  }
  t.set_revoked_by(row[8].as<std::string>());
  return t;
}

std::optional<int64_t> Micros(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return absl::ToUnixMicros(*t);
}

}  // namespace

AccessStore::AccessStore(PgPool& pool) : pool_(pool) { pool_.RegisterStatements(Statements()); }

absl::StatusOr<v1::AccessToken> AccessStore::CreateToken(const std::string& secret_hash,
                                                         v1::Role role, const std::string& scope,
                                                         const std::string& description,
                                                         std::optional<absl::Duration> time_to_live,
                                                         const Principal& actor) {
  std::optional<std::string> trust, region;
  if (role == v1::ROLE_TRUST) trust = scope;
  if (role == v1::ROLE_REGION) region = scope;
  std::optional<double> ttl_seconds;
  if (time_to_live.has_value()) ttl_seconds = absl::ToDoubleSeconds(*time_to_live);
  std::optional<int64_t> actor_token;
  if (actor.token_id != 0) actor_token = actor.token_id;
  v1::AccessToken token;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const pqxx::binarystring hash(secret_hash);
    const auto r = tx.exec_prepared("access_create_token", hash, static_cast<int>(role), trust,
                                    region, description, actor.name, ttl_seconds, actor_token,
                                    static_cast<int>(actor.role));
    token = TokenFromRow(r[0]);
    return absl::OkStatus();
  }));
  return token;
}

absl::StatusOr<v1::AccessToken> AccessStore::RevokeToken(int64_t id, const Principal& actor) {
  std::optional<int64_t> actor_token;
  if (actor.token_id != 0) actor_token = actor.token_id;
  v1::AccessToken token;
  bool found = false;
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    tx.exec_prepared("access_revoke_token", id, actor.name, actor_token,
                     static_cast<int>(actor.role));
    const auto r = tx.exec_prepared("access_get_token", id);
    found = !r.empty();
    if (found) token = TokenFromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError(absl::StrCat("no token \"tokens/", id, "\""));
  return token;
}

absl::StatusOr<v1::AccessToken> AccessStore::GetToken(int64_t id) {
  std::optional<v1::AccessToken> token;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("access_get_token", id);
    if (!r.empty()) token = TokenFromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!token.has_value()) return absl::NotFoundError(absl::StrCat("no token \"tokens/", id, "\""));
  return *std::move(token);
}

absl::StatusOr<std::vector<v1::AccessToken>> AccessStore::ListTokens(bool include_inactive,
                                                                     int64_t before_id, int limit) {
  std::vector<v1::AccessToken> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row :
         tx.exec_prepared("access_list_tokens", include_inactive, before_id, limit)) {
      out.push_back(TokenFromRow(row));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::optional<TokenRecord>> AccessStore::FindToken(const std::string& secret_hash) {
  std::optional<TokenRecord> out;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("access_find_token", pqxx::binarystring(secret_hash));
    if (r.empty()) return absl::OkStatus();
    TokenRecord rec;
    rec.principal.token_id = r[0][0].as<int64_t>();
    rec.principal.name = absl::StrCat("tokens/", rec.principal.token_id);
    rec.principal.role = static_cast<v1::Role>(r[0][1].as<int>());
    rec.principal.scope = r[0][2].as<std::string>();
    if (!r[0][3].is_null()) rec.expire_time = absl::FromUnixMicros(r[0][3].as<int64_t>());
    rec.revoked = r[0][4].as<bool>();
    out = std::move(rec);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<v1::AuditEvent>> AccessStore::ListAuditEvents(const AuditQuery& q,
                                                                         int64_t after_id,
                                                                         int limit) {
  std::vector<v1::AuditEvent> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row :
         tx.exec_prepared("access_list_audit", after_id, q.actor_token_id, q.action, q.resource,
                          Micros(q.start_time), Micros(q.end_time), limit)) {
      v1::AuditEvent e;
      e.set_id(row[0].as<int64_t>());
      *e.mutable_time() = TimeUtil::MicrosecondsToTimestamp(row[1].as<int64_t>());
      e.set_actor(row[2].as<std::string>());
      e.set_actor_role(static_cast<v1::Role>(row[3].as<int>()));
      e.set_action(row[4].as<std::string>());
      e.set_resource(row[5].as<std::string>());
      e.set_version(row[6].as<int64_t>());
      e.set_request_id(row[7].as<std::string>());
      e.set_detail(row[8].as<std::string>());
      out.push_back(std::move(e));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<bool> AccessStore::RegionExists(const std::string& code) {
  return Exists("access_region_exists", code);
}

absl::StatusOr<bool> AccessStore::TrustExists(const std::string& ods_code) {
  return Exists("access_trust_exists", ods_code);
}

absl::StatusOr<bool> AccessStore::Exists(const char* statement, const std::string& key) {
  bool found = false;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    found = !tx.exec_prepared(statement, key).empty();
    return absl::OkStatus();
  }));
  return found;
}

}  // namespace ahpl::access
