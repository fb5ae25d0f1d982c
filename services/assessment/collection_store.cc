#include "services/assessment/collection_store.h"

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/status_macros.h"

namespace ahpl::assessment {
namespace {

using google::protobuf::util::TimeUtil;

// Columns every collection read selects, in this order (see FromRow), then
// the database's clock.
constexpr const char* kCollectionColumns =
    "c.cycle, c.edition_id, c.title, (extract(epoch FROM c.open_time) * 1000000)::bigint, "
    "(extract(epoch FROM c.close_time) * 1000000)::bigint, c.suppress_below, "
    "c.attestation_required, (extract(epoch FROM c.create_time) * 1000000)::bigint, "
    "(extract(epoch FROM c.update_time) * 1000000)::bigint, "
    "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint, "
    "EXISTS (SELECT 1 FROM late_allowances a WHERE a.cycle = c.cycle "
    "AND a.until_time > clock_timestamp())";
constexpr int kCollectionColumnCount = 11;

std::string Select(absl::string_view rest) {
  return absl::StrCat("SELECT ", kCollectionColumns, " ", rest);
}

// A timestamptz from a parameter of microseconds since the epoch (NULL
// stays NULL), exactly.
std::string Micros(int parameter) {
  return absl::StrCat("(timestamptz 'epoch' + $", parameter,
                      "::bigint * interval '1 microsecond')");
}

const std::vector<PreparedStatement>& Statements() {
  static const auto* statements = new std::vector<PreparedStatement>{
      {"collection_insert",
       absl::StrCat("INSERT INTO collections (cycle, edition_id, title, open_time, close_time, "
                    "suppress_below, attestation_required) VALUES ($1, $2, $3, ",
                    Micros(4), ", ", Micros(5),
                    ", $6, $7) ON CONFLICT (cycle) DO NOTHING RETURNING cycle")},
      {"collection_edition_exists", "SELECT 1 FROM editions WHERE edition_id = $1"},
      {"collection_get", Select("FROM collections c WHERE c.cycle = $1")},
      // Locks are taken by statements of their own and what they guard is
      // read by the next: a statement that waited for a lock would hold a
      // clock and a snapshot (of late_allowances, say) from before the wait.
      {"collection_lock", "SELECT 1 FROM collections WHERE cycle = $1 FOR UPDATE"},
      {"collection_share_lock", "SELECT 1 FROM collections WHERE cycle = $1 FOR SHARE"},
      {"collection_list", Select("FROM collections c ORDER BY c.cycle DESC")},
      {"collection_has_returns", "SELECT EXISTS (SELECT 1 FROM returns WHERE cycle = $1)"},
      {"collection_update",
       absl::StrCat("UPDATE collections SET edition_id = $2, title = $3, open_time = ", Micros(4),
                    ", close_time = ", Micros(5),
                    ", suppress_below = $6, attestation_required = $7, "
                    "update_time = clock_timestamp() WHERE cycle = $1")},
      {"collection_allow_late",
       absl::StrCat("INSERT INTO late_allowances (cycle, trust_ods_code, until_time, reason, "
                    "allowed_by) VALUES ($1, $2, ",
                    Micros(3),
                    ", $4, $5) ON CONFLICT (cycle, trust_ods_code) DO UPDATE SET "
                    "until_time = EXCLUDED.until_time, reason = EXCLUDED.reason, "
                    "allowed_by = EXCLUDED.allowed_by, allow_time = clock_timestamp()")},
      {"collection_allowances",
       "SELECT a.trust_ods_code, t.region_code, "
       "(extract(epoch FROM a.until_time) * 1000000)::bigint, a.reason, a.allowed_by, "
       "(extract(epoch FROM a.allow_time) * 1000000)::bigint "
       "FROM late_allowances a JOIN trusts t ON t.ods_code = a.trust_ods_code "
       "WHERE a.cycle = $1 ORDER BY a.trust_ods_code"},
      {"collection_audit", "SELECT ahpl_audit($1, $2, $3, $4)"},
      {"collection_write_window",
       Select(", (extract(epoch FROM a.until_time) * 1000000)::bigint, a.allowed_by, a.reason "
              "FROM collections c LEFT JOIN late_allowances a "
              "ON a.cycle = c.cycle AND a.trust_ods_code = $2 WHERE c.cycle = $1")},
      // Progress of each trust in scope: 0 counted, else ahpl.v1.ReturnProgress.
      {"collection_progress",
       "SELECT t.ods_code, t.name, t.region_code, "
       "CASE WHEN ahpl_counting_return($1, t.ods_code) IS NOT NULL THEN 0 "
       "WHEN bool_or(r.status = 2) THEN 3 WHEN bool_or(r.status = 1) THEN 2 "
       "WHEN bool_or(r.status = 3) THEN 4 ELSE 1 END, "
       "(extract(epoch FROM max(r.update_time)) * 1000000)::bigint "
       "FROM trusts t LEFT JOIN returns r ON r.trust_ods_code = t.ods_code AND r.cycle = $1 "
       "WHERE t.active AND ($2 = '' OR t.region_code = $2) AND ($3 = '' OR t.ods_code = $3) "
       "GROUP BY t.ods_code, t.name, t.region_code ORDER BY t.region_code, t.ods_code"},
  };
  return *statements;
}

std::optional<int64_t> OptionalMicros(const google::protobuf::Timestamp& t, bool present) {
  if (!present) return std::nullopt;
  return TimeUtil::TimestampToMicroseconds(t);
}

StoredCollection FromRow(const pqxx::row& row) {
  StoredCollection out;
  v1::Collection& c = out.collection;
  c.set_cycle(row[0].as<std::string>());
  c.set_name(CollectionName(c.cycle()));
  c.set_edition_id(row[1].as<std::string>());
  c.set_title(row[2].as<std::string>());
  *c.mutable_open_time() = TimeUtil::MicrosecondsToTimestamp(row[3].as<int64_t>());
  if (!row[4].is_null()) {
    *c.mutable_close_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  }
  c.set_suppress_below(row[5].as<int>());
  c.set_attestation_required(row[6].as<bool>());
  *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  *c.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  out.now = absl::FromUnixMicros(row[9].as<int64_t>());
  out.late_writes_open = row[10].as<bool>();
  c.set_state(StateAt(out.window(), out.now));
  return out;
}

absl::Status Audit(pqxx::transaction_base& tx, const Principal& actor, const std::string& action,
                   const std::string& cycle, const std::string& detail) {
  tx.exec_prepared("collection_audit", actor.name, action, CollectionName(cycle), detail);
  return absl::OkStatus();
}

}  // namespace

CollectionWindow StoredCollection::window() const { return WindowOf(collection); }

CollectionStore::CollectionStore(PgPool& pool) : pool_(pool) {
  pool_.RegisterStatements(Statements());
}

absl::StatusOr<StoredCollection> CollectionStore::Create(const v1::Collection& c,
                                                         const Principal& actor,
                                                         const std::string& detail) {
  std::optional<StoredCollection> stored;
  bool edition_known = true;
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    edition_known = !tx.exec_prepared("collection_edition_exists", c.edition_id()).empty();
    if (!edition_known) return absl::OkStatus();
    const auto inserted = tx.exec_prepared("collection_insert", c.cycle(), c.edition_id(),
                                           c.title(), OptionalMicros(c.open_time(), true),
                                           OptionalMicros(c.close_time(), c.has_close_time()),
                                           c.suppress_below(), c.attestation_required());
    if (inserted.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(Audit(tx, actor, "collection.created", c.cycle(), detail));
    stored = FromRow(tx.exec_prepared("collection_get", c.cycle())[0]);
    return absl::OkStatus();
  }));
  if (!edition_known) {
    return InvalidField("collection.edition_id",
                        absl::StrCat("no edition \"", c.edition_id(), "\" in the catalogue"));
  }
  if (!stored.has_value()) {
    return absl::AlreadyExistsError(absl::StrCat(
        CollectionName(c.cycle()), " already exists; change it with UpdateCollection"));
  }
  return *std::move(stored);
}

absl::StatusOr<std::optional<StoredCollection>> CollectionStore::Get(const std::string& cycle) {
  std::optional<StoredCollection> found;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("collection_get", cycle);
    if (!r.empty()) found = FromRow(r[0]);
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<StoredCollection>> CollectionStore::List() {
  std::vector<StoredCollection> out;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared("collection_list")) out.push_back(FromRow(row));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<StoredAllowance>> CollectionStore::Allowances(const std::string& cycle) {
  std::vector<StoredAllowance> out;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared("collection_allowances", cycle)) {
      StoredAllowance a;
      a.allowance.set_trust_ods_code(row[0].as<std::string>());
      a.region_code = row[1].as<std::string>();
      *a.allowance.mutable_until_time() = TimeUtil::MicrosecondsToTimestamp(row[2].as<int64_t>());
      a.allowance.set_reason(row[3].as<std::string>());
      a.allowance.set_allowed_by(row[4].as<std::string>());
      *a.allowance.mutable_allow_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<int64_t>());
      out.push_back(std::move(a));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<StoredCollection> CollectionStore::Change(const std::string& cycle,
                                                         const Principal& actor,
                                                         const Decide& decide) {
  std::optional<StoredCollection> changed;
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    if (tx.exec_prepared("collection_lock", cycle).empty()) {
      return absl::NotFoundError(absl::StrCat("no collection ", CollectionName(cycle)));
    }
    const StoredCollection current = FromRow(tx.exec_prepared("collection_get", cycle)[0]);
    const bool has_returns = tx.exec_prepared("collection_has_returns", cycle)[0][0].as<bool>();
    ASSIGN_OR_RETURN(CollectionChange change, decide(current, has_returns));
    const v1::Collection& n = change.next;
    if (tx.exec_prepared("collection_edition_exists", n.edition_id()).empty()) {
      return InvalidField("collection.edition_id",
                          absl::StrCat("no edition \"", n.edition_id(), "\" in the catalogue"));
    }
    // An override alone leaves the collection (and its update time) as it
    // is: other trusts see nothing move.
    if (!google::protobuf::util::MessageDifferencer::Equals(n, current.collection)) {
      tx.exec_prepared("collection_update", cycle, n.edition_id(), n.title(),
                       OptionalMicros(n.open_time(), true),
                       OptionalMicros(n.close_time(), n.has_close_time()), n.suppress_below(),
                       n.attestation_required());
    }
    if (change.allowance.has_value()) {
      const v1::LateAllowance& a = *change.allowance;
      tx.exec_prepared("collection_allow_late", cycle, a.trust_ods_code(),
                       TimeUtil::TimestampToMicroseconds(a.until_time()), a.reason(), actor.name);
    }
    RETURN_IF_ERROR(Audit(tx, actor, change.action, cycle, change.detail));
    changed = FromRow(tx.exec_prepared("collection_get", cycle)[0]);
    return absl::OkStatus();
  }));
  return *std::move(changed);
}

namespace {

std::optional<WriteWindow> WindowFromResult(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  const pqxx::row& row = r[0];
  WriteWindow found;
  found.stored = FromRow(row);
  constexpr int kAllowance = kCollectionColumnCount;
  if (!row[kAllowance].is_null()) {
    found.allowance = LateAllowanceFacts{absl::FromUnixMicros(row[kAllowance].as<int64_t>()),
                                         row[kAllowance + 1].as<std::string>(),
                                         row[kAllowance + 2].as<std::string>()};
  }
  return found;
}

}  // namespace

absl::StatusOr<std::optional<WriteWindow>> CollectionStore::WindowFor(const std::string& cycle,
                                                                      const std::string& ods_code) {
  std::optional<WriteWindow> found;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    found = WindowFromResult(tx.exec_prepared("collection_write_window", cycle, ods_code));
    return absl::OkStatus();
  }));
  return found;
}

std::optional<WriteWindow> CollectionStore::LockWindow(pqxx::transaction_base& tx,
                                                       const std::string& cycle,
                                                       const std::string& ods_code) {
  if (!LockCollection(tx, cycle)) return std::nullopt;
  return ReadWindow(tx, cycle, ods_code);
}

bool CollectionStore::LockCollection(pqxx::transaction_base& tx, const std::string& cycle) {
  // Writers share the lock; a change of the collection (FOR UPDATE) waits
  // for them, and they for it.
  return !tx.exec_prepared("collection_share_lock", cycle).empty();
}

std::optional<WriteWindow> CollectionStore::ReadWindow(pqxx::transaction_base& tx,
                                                       const std::string& cycle,
                                                       const std::string& ods_code) {
  return WindowFromResult(tx.exec_prepared("collection_write_window", cycle, ods_code));
}

absl::StatusOr<NonResponders> CollectionStore::ListNonResponders(const std::string& cycle,
                                                                 const std::string& region_code,
                                                                 const std::string& ods_code) {
  NonResponders out;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared("collection_progress", cycle, region_code, ods_code)) {
      ++out.trusts_in_scope;
      const int progress = row[3].as<int>();
      if (progress == 0) {
        ++out.trusts_returned;
        continue;
      }
      v1::NonResponder& t = out.trusts.emplace_back();
      t.set_trust_ods_code(row[0].as<std::string>());
      t.set_trust_name(row[1].as<std::string>());
      t.set_region_code(row[2].as<std::string>());
      t.set_progress(static_cast<v1::ReturnProgress>(progress));
      if (!row[4].is_null()) {
        *t.mutable_last_activity_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace ahpl::assessment
