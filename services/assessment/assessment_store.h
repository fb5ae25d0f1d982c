// PostgreSQL storage of returns and their versions: the only place in the
// assessment service that holds SQL.
#ifndef AHPL_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_
#define AHPL_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/v1/assessment.pb.h"
#include "services/common/pg_pool.h"

namespace ahpl::assessment {

// One version to write, with everything the tables keep of it.
struct VersionToWrite {
  // Client content plus classification and change reason.
  v1::AssessmentReturn content;
  v1::ReturnStatus status = v1::RETURN_STATUS_DRAFT;
  std::string request_id;
  std::string request_digest;
  std::string written_by;
  // Ratings by the edition's question order (nullopt: unanswered).
  std::vector<std::optional<int>> ratings;
  // What the audit log says of the write besides its action (a late
  // submission's override).
  std::string audit_detail;
};

// A version already written for a request id.
struct Replay {
  std::string return_id;
  int64_t version = 0;
  std::string request_digest;
};

// A return as stored, with its row key.
struct StoredReturn {
  v1::AssessmentReturn ret;
  int64_t seq = 0;
};

// A return's owner and, if it exists, one of its versions: what a reader's
// visibility is decided on.
struct OwnedVersion {
  std::string trust_ods_code;
  // The trust's region in the register now ("" if the register lacks it).
  std::string region_code;
  // The version asked for; nullopt when the return has no such version.
  std::optional<StoredReturn> stored;
};

// Which returns a listing or export covers (empty/zero: any).
struct ReturnQuery {
  std::string trust_ods_code;
  std::string region_code;
  std::string cycle;
  int status = 0;
  int typology = 0;
  // Only each trust's counting return.
  bool counting_only = false;
};

// What a row of the kept summary counts (`return_counts.kind`) counts, as
// migration 0003_return_counts.sql's ahpl_return_facts() writes it.
enum class CountKind : int {
  kReturns = 0,             // submitted returns (and, per row, trusts)
  kTypology = 1,            // key: Typology number
  kBand = 2,                // key: Band number of the most senior leader, or "none"
  kBoardRelationship = 3,   // key: BoardRelationship number (with a leader)
  kLeaderTitle = 4,         // key: the normalised leader title
  kFinding = 5,             // key: finding code
  kRating = 6,              // key: "question_id:rating"
  kReturnsWithLeader = 7,   // returns with a senior AHP leader
  kLeadersAt8cOrAbove = 8,  // of those, leaders at band 8c or above
  kReturnsWithTitle = 9,    // returns naming a leader title
};
inline constexpr int kCountKindCount = 10;

// An item of an import batch, validated and ready to store as version 1.
struct ImportRow {
  VersionToWrite version;
  std::string return_id;  // filled in by ImportBatch
};

// Run in a write's transaction before it writes: checks, with what it needs
// locked, that the write may go ahead, and returns what the write's audit
// row says besides its action; an error stops the write.
using WriteGuard = std::function<absl::StatusOr<std::string>(pqxx::transaction_base&)>;
// The same for an import batch: checks every row (setting each one's audit
// detail); an error stops the whole batch.
using BatchGuard = std::function<absl::Status(pqxx::transaction_base&, std::vector<ImportRow>&)>;

// Thread safety: every method may be called from any number of threads at
// once. The store holds no state of its own: each call takes a pooled
// connection for its duration.
class AssessmentStore {
 public:
  explicit AssessmentStore(PgPool& pool);

  // The version a request id already wrote, if any.
  absl::StatusOr<std::optional<Replay>> FindRequest(const std::string& request_id);

  // Creates a return whose first version is `version`, in one transaction
  // after `guard`; the answer says whether it counts. ALREADY_EXISTS when
  // the request id was used meanwhile.
  absl::StatusOr<v1::AssessmentReturn> Create(const VersionToWrite& version,
                                              const WriteGuard& guard);

  // Appends `version` to return `seq` (id `return_id`) if its current
  // version is still `expected_version`; ABORTED otherwise (another writer
  // came first).
  absl::StatusOr<v1::AssessmentReturn> Append(int64_t seq, const std::string& return_id,
                                              int64_t expected_version,
                                              const VersionToWrite& version,
                                              const WriteGuard& guard);

  // A return at `version` (0: the latest). NOT_FOUND if either is unknown.
  absl::StatusOr<StoredReturn> Get(const std::string& return_id, int64_t version);

  // Return `return_id` with its owner and its version `version` (0: the
  // latest), in one statement whatever exists, so that answering "not
  // found" costs the same whether the return, or the version, exists or
  // not; nullopt when there is no such return.
  absl::StatusOr<std::optional<OwnedVersion>> GetWithOwner(const std::string& return_id,
                                                           int64_t version);

  // Versions of a return after `after_version`, oldest first.
  absl::StatusOr<std::vector<v1::AssessmentReturn>> ListVersions(const std::string& return_id,
                                                                 int64_t after_version, int limit);

  // Latest versions of returns matching `query` created after `after_seq`,
  // in creation order; `last_seq` is the key of the last one.
  absl::StatusOr<std::vector<StoredReturn>> List(const ReturnQuery& query, int64_t after_seq,
                                                 int limit);

  // Stores every row as a new return in one transaction (COPY). When any
  // request id turns out to be taken, nothing is stored and ALREADY_EXISTS
  // is returned so the caller can go item by item.
  // `guard` runs first, in the same transaction.
  absl::Status ImportBatch(std::vector<ImportRow>& rows, const BatchGuard& guard);

  // Per-region summaries (unsuppressed, not finalised) of the submitted
  // returns of `cycle` (every one, or each trust's counting return, as
  // `basis` says), of `region_code` only when not empty; every region with
  // active trusts has an entry, in region code order. One read transaction,
  // aggregated in SQL.
  absl::StatusOr<std::vector<v1::ReturnSummary>> Summarize(const std::string& cycle,
                                                           const std::string& region_code,
                                                           v1::SummaryBasis basis);

  // The deployment's identity (table deployment, migration 0007).
  absl::StatusOr<std::string> DeploymentId();

  // The region of a trust (NOT_FOUND if the trust is unknown).
  absl::StatusOr<std::string> RegionOf(const std::string& ods_code);

  // Replays of many request ids at once.
  absl::StatusOr<std::vector<Replay>> FindRequests(const std::vector<std::string>& request_ids,
                                                   std::vector<std::string>* found_ids);

 private:
  PgPool& pool_;
};

// A new random (version 4) UUID in its text form.
std::string NewUuid();

// A PostgreSQL array literal of `values` ("{...}", elements quoted).
std::string TextArrayLiteral(const std::vector<std::string>& values);

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_ASSESSMENT_STORE_H_
