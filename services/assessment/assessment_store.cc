#include "services/assessment/assessment_store.h"

#include <google/protobuf/util/time_util.h>

#include <random>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/return_rules.h"
#include "core/status_macros.h"
#include "core/summary.h"

namespace ahpl::assessment {
namespace {

using google::protobuf::util::TimeUtil;

// Columns every read selects, in this order (see FromRow).
constexpr const char* kColumns =
    "r.id::text, r.seq, (extract(epoch FROM r.create_time) * 1000000)::bigint, "
    "(extract(epoch FROM r.submit_time) * 1000000)::bigint, v.version, v.status, v.etag, "
    "v.content, v.written_by, (extract(epoch FROM v.write_time) * 1000000)::bigint, ";
// The last column: whether the version read is its return's latest and the
// return is its trust's counting return (one index probe); listings read
// false here and mark a page's counting returns with one more statement.
constexpr const char* kCounting =
    "coalesce(v.version = r.current_version AND r.status = 2 "
    "AND r.seq = ahpl_counting_return(r.cycle, r.trust_ods_code), false)";
// Columns of Sql()'s select list.
constexpr int kColumnCount = 11;

std::string Sql(absl::string_view rest, bool counting = false) {
  return absl::StrCat("SELECT ", kColumns, counting ? kCounting : "false", " ", rest);
}

// A column a write sets, with the cast its text parameter needs.
struct Column {
  const char* name;
  const char* cast;
};

// The facts of a version that `returns` keeps for listing and counting, in
// the order of FactValues(): one list for the create and append statements
// and the import's COPY.
constexpr Column kFactColumns[] = {{"trust_ods_code", ""},
                                   {"cycle", ""},
                                   {"edition_id", ""},
                                   {"typology", "::smallint"},
                                   {"ruleset_version", ""},
                                   {"finding_codes", "::text[]"},
                                   {"has_senior_leader", "::boolean"},
                                   {"band", "::smallint"},
                                   {"board_relationship", "::smallint"},
                                   {"leader_title", ""},
                                   {"ratings", "::smallint[]"},
                                   {"attested", "::boolean"}};

// The columns of `return_versions` a write sets besides its return and
// version number, in the order of VersionValues().
constexpr Column kVersionColumns[] = {
    {"status", "::smallint"}, {"etag", ""},       {"content", "::bytea"}, {"request_id", ""},
    {"request_digest", ""},   {"written_by", ""}, {"change_reason", ""},  {"attested", "::boolean"},
    {"audit_detail", ""}};
constexpr int kFactCount = sizeof(kFactColumns) / sizeof(kFactColumns[0]);

template <size_t N>
std::vector<std::string> Names(const Column (&columns)[N]) {
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(c.name);
  return names;
}

// "$first::cast, ..." or, with `assign`, "name = $first::cast, ...".
template <size_t N>
std::string Parameters(const Column (&columns)[N], int first, bool assign = false) {
  std::vector<std::string> out;
  for (size_t i = 0; i < N; ++i) {
    out.push_back(absl::StrCat(assign ? absl::StrCat(columns[i].name, " = ") : "", "$",
                               first + static_cast<int>(i), columns[i].cast));
  }
  return absl::StrJoin(out, ", ");
}

constexpr const char* kWrittenTimes =
    "RETURNING (extract(epoch FROM write_time) * 1000000)::bigint, "
    "(SELECT (extract(epoch FROM create_time) * 1000000)::bigint FROM w), "
    "(SELECT (extract(epoch FROM submit_time) * 1000000)::bigint FROM w)";

// $1 id, facts from $2, version values after them (status first, etag second).
std::string CreateSql() {
  const int status = 2 + kFactCount;
  return absl::StrCat(
      "WITH w AS (INSERT INTO returns (id, current_version, status, etag, submit_time, "
      "content_time, ",
      absl::StrJoin(Names(kFactColumns), ", "), ") VALUES ($1::uuid, 1, $", status, "::smallint, $",
      status + 1, ", CASE WHEN $", status, "::smallint = 1 THEN NULL ELSE clock_timestamp() END, ",
      "CASE WHEN $", status, "::smallint = 2 THEN clock_timestamp() END, ",
      Parameters(kFactColumns, 2),
      ") RETURNING seq, create_time, submit_time) INSERT INTO return_versions (return_seq, "
      "version, ",
      absl::StrJoin(Names(kVersionColumns), ", "), ") SELECT w.seq, 1, ",
      Parameters(kVersionColumns, status), " FROM w ", kWrittenTimes);
}

// $1 seq, $2 expected version, facts from $3, version values after them.
// A submission or amendment (submitted, not attested) moves content_time
// on; an attestation keeps it.
std::string AppendSql() {
  const int status = 3 + kFactCount;
  const int attested = 3 + kFactCount - 1;
  return absl::StrCat(
      "WITH w AS (UPDATE returns SET current_version = current_version + 1, "
      "update_time = clock_timestamp(), status = $",
      status, "::smallint, etag = $", status + 1, ", submit_time = CASE WHEN $", status,
      "::smallint = 2 THEN coalesce(submit_time, clock_timestamp()) ELSE submit_time END, "
      "content_time = CASE WHEN $",
      status, "::smallint = 2 AND NOT $", attested,
      "::boolean THEN clock_timestamp() ELSE content_time END, ",
      Parameters(kFactColumns, 3, /*assign=*/true),
      " WHERE seq = $1 AND current_version = $2 RETURNING seq, current_version, create_time, "
      "submit_time) INSERT INTO return_versions (return_seq, version, ",
      absl::StrJoin(Names(kVersionColumns), ", "), ") SELECT w.seq, w.current_version, ",
      Parameters(kVersionColumns, status), " FROM w ", kWrittenTimes);
}

const std::vector<PreparedStatement>& Statements() {
  static const auto* statements = new std::vector<PreparedStatement>{
      {"assessment_find_request",
       "SELECT r.id::text, v.version, v.request_digest FROM return_versions v "
       "JOIN returns r ON r.seq = v.return_seq WHERE v.request_id = $1"},
      {"assessment_find_requests",
       "SELECT v.request_id, r.id::text, v.version, v.request_digest FROM return_versions v "
       "JOIN returns r ON r.seq = v.return_seq WHERE v.request_id = ANY ($1::text[])"},
      {"assessment_create", CreateSql()},
      {"assessment_append", AppendSql()},
      {"assessment_get",
       Sql("FROM returns r JOIN return_versions v ON v.return_seq = r.seq "
           "WHERE r.id = $1::uuid AND v.version = CASE WHEN $2 = 0 THEN r.current_version "
           "ELSE $2 END",
           /*counting=*/true)},
      // Every column of the version may be NULL (no such version); the
      // owner's trust and region follow kColumns.
      {"assessment_get_with_owner",
       Sql(", r.trust_ods_code, coalesce(t.region_code, '') FROM returns r "
           "LEFT JOIN trusts t ON t.ods_code = r.trust_ods_code "
           "LEFT JOIN return_versions v ON v.return_seq = r.seq "
           "AND v.version = CASE WHEN $2 = 0 THEN r.current_version ELSE $2 END "
           "WHERE r.id = $1::uuid",
           /*counting=*/true)},
      {"assessment_versions",
       Sql("FROM returns r JOIN return_versions v ON v.return_seq = r.seq "
           "WHERE r.id = $1::uuid AND v.version > $2 ORDER BY v.version LIMIT $3")},
      {"assessment_list",
       Sql("FROM returns r JOIN return_versions v ON v.return_seq = r.seq "
           "AND v.version = r.current_version JOIN trusts t ON t.ods_code = r.trust_ods_code "
           "WHERE ($1 = '' OR r.trust_ods_code = $1) AND ($2 = '' OR t.region_code = $2) "
           "AND ($3 = '' OR r.cycle = $3) AND ($4 = 0 OR r.status = $4) "
           "AND ($5 = 0 OR r.typology = $5) AND r.seq > $6 "
           "AND (NOT $8 OR r.seq IN (SELECT k.seq FROM counting_returns k "
           "WHERE $3 = '' OR k.cycle = $3)) "
           "ORDER BY r.seq LIMIT $7")},
      // The counting returns among the returns of a page ($1: their seqs).
      {"assessment_counting_of",
       "SELECT ahpl_counting_return(p.cycle, p.trust_ods_code) FROM (SELECT DISTINCT r.cycle, "
       "r.trust_ods_code FROM returns r WHERE r.seq = ANY ($1::bigint[]) AND r.status = 2) p"},
      {"assessment_is_counting",
       "SELECT r.status = 2 AND r.seq IS NOT DISTINCT FROM "
       "ahpl_counting_return(r.cycle, r.trust_ods_code) FROM returns r WHERE r.id = $1::uuid"},
      {"assessment_return_exists", "SELECT seq FROM returns WHERE id = $1::uuid"},
      {"assessment_summary_register",
       "SELECT region_code, count(*) FROM trusts WHERE active AND ($1 = '' OR region_code = $1) "
       "GROUP BY 1"},
      // Summaries read the counts kept by migration 0003's triggers.
      {"assessment_summary_counts",
       "SELECT t.region_code, c.kind, c.key, sum(c.n)::bigint, "
       "count(DISTINCT c.trust_ods_code) FILTER (WHERE c.n > 0)::bigint "
       "FROM return_counts c JOIN trusts t ON t.ods_code = c.trust_ods_code "
       "WHERE c.cycle = $1 AND ($2 = '' OR t.region_code = $2) "
       "GROUP BY 1, 2, 3 HAVING sum(c.n) > 0"},
      // The same counts of each trust's counting return only, computed from
      // those returns (one per trust: bounded by the register).
      {"assessment_summary_counting",
       "SELECT t.region_code, f.kind, f.key, count(*)::bigint, "
       "count(DISTINCT r.trust_ods_code)::bigint "
       "FROM counting_returns k JOIN returns r ON r.seq = k.seq "
       "JOIN trusts t ON t.ods_code = r.trust_ods_code "
       "CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, r.has_senior_leader, "
       "r.band, r.board_relationship, r.leader_title, r.finding_codes, r.ratings) AS f "
       "WHERE k.cycle = $1 AND ($2 = '' OR t.region_code = $2) GROUP BY 1, 2, 3"},
      {"assessment_region_of", "SELECT region_code FROM trusts WHERE ods_code = $1"},
      {"assessment_deployment_id", "SELECT deployment_id::text FROM deployment"},
      {"assessment_next_seqs", "SELECT nextval('returns_seq_seq') FROM generate_series(1, $1)"},
  };
  return *statements;
}

std::string RatingsLiteral(const std::vector<std::optional<int>>& ratings) {
  std::vector<std::string> parts;
  for (const auto& r : ratings) parts.push_back(r.has_value() ? std::to_string(*r) : "NULL");
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::vector<std::string> FindingCodes(const v1::AssessmentReturn& content) {
  const auto& codes = content.classification().finding_codes();
  return std::vector<std::string>(codes.begin(), codes.end());
}

StoredReturn FromRow(const pqxx::row& row) {
  StoredReturn out;
  v1::AssessmentReturn& ret = out.ret;
  const pqxx::binarystring content(row[7]);
  ret.ParseFromArray(content.data(), static_cast<int>(content.size()));
  ret.set_name(absl::StrCat("returns/", row[0].as<std::string>()));
  out.seq = row[1].as<int64_t>();
  *ret.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[2].as<int64_t>());
  if (!row[3].is_null()) {
    *ret.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(row[3].as<int64_t>());
  }
  ret.set_version(row[4].as<int64_t>());
  ret.set_status(static_cast<v1::ReturnStatus>(row[5].as<int>()));
  ret.set_etag(row[6].as<std::string>());
  ret.set_written_by(row[8].as<std::string>());
  *ret.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  ret.set_counting(row[10].as<bool>());
  return out;
}

std::string ContentBytes(const VersionToWrite& v) {
  std::string bytes;
  v.content.SerializeToString(&bytes);
  return bytes;
}

// The values of kFactColumns for `v`.
auto FactValues(const VersionToWrite& v) {
  const auto& c = v.content;
  const auto& leader = c.arrangement().senior_leader();
  return std::make_tuple(c.trust_ods_code(), c.cycle(), c.edition_id(),
                         static_cast<int>(c.classification().typology()),
                         c.classification().ruleset_version(), TextArrayLiteral(FindingCodes(c)),
                         std::string(c.arrangement().has_senior_ahp_leader() ? "t" : "f"),
                         static_cast<int>(leader.band()),
                         static_cast<int>(leader.board_relationship()), leader.job_title(),
                         RatingsLiteral(v.ratings), std::string(c.has_attestation() ? "t" : "f"));
}

// The values of kVersionColumns for `v` with tag `etag` (content in
// bytea's hex input form).
auto VersionValues(const VersionToWrite& v, const std::string& etag) {
  return std::make_tuple(static_cast<int>(v.status), etag,
                         absl::StrCat("\\x", absl::BytesToHexString(ContentBytes(v))), v.request_id,
                         v.request_digest, v.written_by, v.content.change_reason(),
                         std::string(v.content.has_attestation() ? "t" : "f"), v.audit_detail);
}

// The stored version as a client sees it, from what was written and the
// times the database gave it.
v1::AssessmentReturn Materialize(const VersionToWrite& v, const std::string& id, int64_t version,
                                 const pqxx::row& times) {
  v1::AssessmentReturn ret = v.content;
  ret.set_name(absl::StrCat("returns/", id));
  ret.set_version(version);
  ret.set_status(v.status);
  ret.set_etag(Etag(id, version));
  ret.set_written_by(v.written_by);
  *ret.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(times[0].as<int64_t>());
  *ret.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(times[1].as<int64_t>());
  if (!times[2].is_null()) {
    *ret.mutable_submit_time() = TimeUtil::MicrosecondsToTimestamp(times[2].as<int64_t>());
  }
  return ret;
}

// Sets whether `written`, just written in `tx`, is now its trust's counting
// return (read in the same transaction, so it sees the write).
void MarkCounting(pqxx::transaction_base& tx, v1::AssessmentReturn& written) {
  if (written.status() != v1::RETURN_STATUS_SUBMITTED) return;
  const auto r = tx.exec_prepared("assessment_is_counting",
                                  written.name().substr(std::string("returns/").size()));
  written.set_counting(!r.empty() && r[0][0].as<bool>());
}

}  // namespace

std::string NewUuid() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

AssessmentStore::AssessmentStore(PgPool& pool) : pool_(pool) {
  pool_.RegisterStatements(Statements());
}

absl::StatusOr<std::optional<Replay>> AssessmentStore::FindRequest(const std::string& request_id) {
  std::optional<Replay> replay;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("assessment_find_request", request_id);
    if (!r.empty()) {
      replay = Replay{r[0][0].as<std::string>(), r[0][1].as<int64_t>(), r[0][2].as<std::string>()};
    }
    return absl::OkStatus();
  }));
  return replay;
}

absl::StatusOr<std::vector<Replay>> AssessmentStore::FindRequests(
    const std::vector<std::string>& request_ids, std::vector<std::string>* found_ids) {
  std::vector<Replay> out;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row :
         tx.exec_prepared("assessment_find_requests", TextArrayLiteral(request_ids))) {
      found_ids->push_back(row[0].as<std::string>());
      out.push_back(
          Replay{row[1].as<std::string>(), row[2].as<int64_t>(), row[3].as<std::string>()});
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::AssessmentReturn> AssessmentStore::Create(const VersionToWrite& version,
                                                             const WriteGuard& guard) {
  v1::AssessmentReturn stored;
  const std::string id = NewUuid();
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    VersionToWrite v = version;
    ASSIGN_OR_RETURN(v.audit_detail, guard(tx));
    const auto r = std::apply(
        [&](const auto&... values) { return tx.exec_prepared("assessment_create", id, values...); },
        std::tuple_cat(FactValues(v), VersionValues(v, Etag(id, 1))));
    if (r.empty()) return absl::InternalError("return was not written");
    stored = Materialize(v, id, 1, r[0]);
    MarkCounting(tx, stored);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<v1::AssessmentReturn> AssessmentStore::Append(int64_t seq, const std::string& id,
                                                             int64_t expected_version,
                                                             const VersionToWrite& to_write,
                                                             const WriteGuard& guard) {
  v1::AssessmentReturn stored;
  const int64_t version = expected_version + 1;
  RETURN_IF_ERROR(pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    VersionToWrite v = to_write;
    ASSIGN_OR_RETURN(v.audit_detail, guard(tx));
    const auto r = std::apply(
        [&](const auto&... values) {
          return tx.exec_prepared("assessment_append", seq, expected_version, values...);
        },
        std::tuple_cat(FactValues(v), VersionValues(v, Etag(id, version))));
    if (r.empty()) {
      return absl::AbortedError(
          "the return changed since that version was read (stale etag); get it again and retry");
    }
    stored = Materialize(v, id, version, r[0]);
    MarkCounting(tx, stored);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<StoredReturn> AssessmentStore::Get(const std::string& return_id, int64_t version) {
  std::optional<StoredReturn> found;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("assessment_get", return_id, version);
    if (!r.empty()) found = FromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!found) {
    return absl::NotFoundError(
        version == 0 ? absl::StrCat("no return returns/", return_id)
                     : absl::StrCat("no version ", version, " of returns/", return_id));
  }
  return *found;
}

absl::StatusOr<std::optional<OwnedVersion>> AssessmentStore::GetWithOwner(
    const std::string& return_id, int64_t version) {
  std::optional<OwnedVersion> found;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("assessment_get_with_owner", return_id, version);
    if (r.empty()) return absl::OkStatus();
    const pqxx::row& row = r[0];
    found.emplace();
    found->trust_ods_code = row[kColumnCount].as<std::string>();
    found->region_code = row[kColumnCount + 1].as<std::string>();
    if (!row[4].is_null()) found->stored = FromRow(row);
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::vector<v1::AssessmentReturn>> AssessmentStore::ListVersions(
    const std::string& return_id, int64_t after_version, int limit) {
  std::vector<v1::AssessmentReturn> out;
  bool exists = false;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    exists = !tx.exec_prepared("assessment_return_exists", return_id).empty();
    for (const auto& row :
         tx.exec_prepared("assessment_versions", return_id, after_version, limit)) {
      out.push_back(FromRow(row).ret);
    }
    return absl::OkStatus();
  }));
  if (!exists) return absl::NotFoundError(absl::StrCat("no return returns/", return_id));
  return out;
}

absl::StatusOr<std::vector<StoredReturn>> AssessmentStore::List(const ReturnQuery& q,
                                                                int64_t after_seq, int limit) {
  std::vector<StoredReturn> out;
  // One snapshot: the page, then which of its returns count.
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<std::string> seqs;
    for (const auto& row :
         tx.exec_prepared("assessment_list", q.trust_ods_code, q.region_code, q.cycle, q.status,
                          q.typology, after_seq, limit, q.counting_only)) {
      out.push_back(FromRow(row));
      seqs.push_back(std::to_string(out.back().seq));
    }
    if (out.empty()) return absl::OkStatus();
    std::set<int64_t> counting;
    for (const auto& row : tx.exec_prepared("assessment_counting_of",
                                            absl::StrCat("{", absl::StrJoin(seqs, ","), "}"))) {
      if (!row[0].is_null()) counting.insert(row[0].as<int64_t>());
    }
    for (auto& r : out) r.ret.set_counting(counting.count(r.seq) > 0);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<v1::ReturnSummary>> AssessmentStore::Summarize(
    const std::string& cycle, const std::string& region_code, v1::SummaryBasis basis) {
  const char* counts = basis == v1::SUMMARY_BASIS_PER_TRUST ? "assessment_summary_counting"
                                                            : "assessment_summary_counts";
  std::map<std::string, v1::ReturnSummary> out;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared("assessment_summary_register", region_code)) {
      auto& s = out[row[0].as<std::string>()];
      s.set_region_code(row[0].as<std::string>());
      s.set_cycle(cycle);
      s.set_trusts_in_register(row[1].as<int64_t>());
    }
    auto region = [&](const pqxx::row& row) -> v1::ReturnSummary& {
      auto& s = out[row[0].as<std::string>()];
      s.set_region_code(row[0].as<std::string>());
      s.set_cycle(cycle);
      return s;
    };
    for (const auto& row : tx.exec_prepared(counts, cycle, region_code)) {
      auto& s = region(row);
      const auto kind = static_cast<CountKind>(row[1].as<int>());
      const std::string key = row[2].as<std::string>();
      const int64_t n = row[3].as<int64_t>();
      switch (kind) {
        case CountKind::kReturns:
          s.set_returns(s.returns() + n);
          s.set_trusts_responding(s.trusts_responding() + row[4].as<int64_t>());
          break;
        case CountKind::kTypology:
          AddCount(*s.mutable_typology(),
                   v1::Typology_Name(static_cast<v1::Typology>(std::stoi(key))), n);
          break;
        case CountKind::kBand:
          AddCount(*s.mutable_bands(),
                   key == "none" ? "NO_POST" : v1::Band_Name(static_cast<v1::Band>(std::stoi(key))),
                   n);
          break;
        case CountKind::kBoardRelationship:
          AddCount(*s.mutable_board_relationships(),
                   v1::BoardRelationship_Name(static_cast<v1::BoardRelationship>(std::stoi(key))),
                   n);
          break;
        case CountKind::kLeaderTitle:
          AddCount(*s.mutable_leader_titles(), key, n);
          break;
        case CountKind::kFinding:
          AddCount(*s.mutable_findings(), key, n);
          break;
        case CountKind::kRating: {
          const size_t colon = key.rfind(':');
          const std::string question = key.substr(0, colon);
          v1::QuestionRatings* q = nullptr;
          for (auto& existing : *s.mutable_questions()) {
            if (existing.question_id() == question) q = &existing;
          }
          if (q == nullptr) {
            q = s.add_questions();
            q->set_question_id(question);
          }
          AddCount(*q->mutable_ratings(), key.substr(colon + 1), n);
          break;
        }
        case CountKind::kReturnsWithLeader:
          s.set_returns_with_leader(s.returns_with_leader() + n);
          break;
        case CountKind::kLeadersAt8cOrAbove:
          s.set_leaders_at_8c_or_above(s.leaders_at_8c_or_above() + n);
          break;
        case CountKind::kReturnsWithTitle:
          s.set_returns_with_title(s.returns_with_title() + n);
          break;
        default:
          return absl::InternalError(absl::StrCat("unknown summary count kind ", row[1].c_str()));
      }
    }
    return absl::OkStatus();
  }));
  std::vector<v1::ReturnSummary> regions;
  for (auto& [code, summary] : out) regions.push_back(std::move(summary));
  return regions;
}

absl::StatusOr<std::string> AssessmentStore::RegionOf(const std::string& ods_code) {
  std::string region;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("assessment_region_of", ods_code);
    if (!r.empty()) region = r[0][0].as<std::string>();
    return absl::OkStatus();
  }));
  if (region.empty()) return absl::NotFoundError(absl::StrCat("no trust ", ods_code));
  return region;
}

absl::StatusOr<std::string> AssessmentStore::DeploymentId() {
  std::string id;
  RETURN_IF_ERROR(pool_.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("assessment_deployment_id");
    if (!r.empty()) id = r[0][0].as<std::string>();
    return absl::OkStatus();
  }));
  if (id.empty()) {
    return absl::FailedPreconditionError(
        "the database has no deployment id (table deployment, made by migration 0007)");
  }
  return id;
}

absl::Status AssessmentStore::ImportBatch(std::vector<ImportRow>& rows, const BatchGuard& guard) {
  if (rows.empty()) return absl::OkStatus();
  for (auto& row : rows) row.return_id = NewUuid();
  return pool_.InTransaction([&](pqxx::transaction_base& tx) -> absl::Status {
    RETURN_IF_ERROR(guard(tx, rows));
    std::vector<int64_t> seqs;
    for (const auto& r : tx.exec_prepared("assessment_next_seqs", static_cast<int>(rows.size()))) {
      seqs.push_back(r[0].as<int64_t>());
    }
    {
      std::vector<std::string> columns = {"seq",    "id",   "current_version", "submit_time",
                                          "status", "etag", "content_time"};
      for (const std::string& name : Names(kFactColumns)) columns.push_back(name);
      pqxx::stream_to returns(tx, "returns", columns);
      static const std::string kNow = "now";
      for (size_t i = 0; i < rows.size(); ++i) {
        const VersionToWrite& v = rows[i].version;
        const std::string* submit_time = v.status == v1::RETURN_STATUS_DRAFT ? nullptr : &kNow;
        returns << std::tuple_cat(
            std::make_tuple(seqs[i], rows[i].return_id, 1, submit_time, static_cast<int>(v.status),
                            Etag(rows[i].return_id, 1), submit_time),
            FactValues(v));
      }
      returns.complete();
    }
    {
      std::vector<std::string> columns = {"return_seq", "version"};
      for (const std::string& name : Names(kVersionColumns)) columns.push_back(name);
      pqxx::stream_to versions(tx, "return_versions", columns);
      for (size_t i = 0; i < rows.size(); ++i) {
        versions << std::tuple_cat(std::make_tuple(seqs[i], 1),
                                   VersionValues(rows[i].version, Etag(rows[i].return_id, 1)));
      }
      versions.complete();
    }
    return absl::OkStatus();
  });
}

}  // namespace ahpl::assessment
