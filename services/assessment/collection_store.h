// PostgreSQL storage of collection seasons, their late-submission overrides
// and who has not returned: the only SQL of collections.
#ifndef AHPL_SERVICES_ASSESSMENT_COLLECTION_STORE_H_
#define AHPL_SERVICES_ASSESSMENT_COLLECTION_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ahpl/v1/assessment.pb.h"
#include "core/collection_rules.h"
#include "services/common/access.h"
#include "services/common/pg_pool.h"

namespace ahpl::assessment {

// A collection as stored (state and allowances not filled in), with the
// database's clock when it was read: every window decision uses that clock.
struct StoredCollection {
  v1::Collection collection;
  absl::Time now;
  // Whether some trust's late allowance is still running.
  bool late_writes_open = false;
  CollectionWindow window() const;
  // Whether its figures may still change: open (or scheduled), or closed
  // with a late allowance running.
  bool provisional() const {
    return collection.state() != v1::COLLECTION_STATE_CLOSED || late_writes_open;
  }
};

// A late allowance with the region of its trust (for scoping).
struct StoredAllowance {
  v1::LateAllowance allowance;
  std::string region_code;
};

// What a return write needs to know of its collection.
struct WriteWindow {
  StoredCollection stored;
  std::optional<LateAllowanceFacts> allowance;
};

// A change to make to a collection, decided from its current state.
struct CollectionChange {
  // The collection's new values (cycle unchanged).
  v1::Collection next;
  // Audit action and detail.
  std::string action;
  std::string detail;
  // An override to record with it.
  std::optional<v1::LateAllowance> allowance;
};

// Who has not returned, in one scope.
struct NonResponders {
  std::vector<v1::NonResponder> trusts;
  int64_t trusts_in_scope = 0;
  int64_t trusts_returned = 0;
};

// Thread safety: every method may be called from any number of threads at
// once; each call takes a pooled connection for its duration.
class CollectionStore {
 public:
  explicit CollectionStore(PgPool& pool);

  // Stores a new collection with its audit row; ALREADY_EXISTS if its cycle
  // has one, INVALID_ARGUMENT (collection.edition_id) for an unknown edition.
  absl::StatusOr<StoredCollection> Create(const v1::Collection& collection, const Principal& actor,
                                          const std::string& detail);

  // The collection of `cycle`; nullopt when there is none.
  absl::StatusOr<std::optional<StoredCollection>> Get(const std::string& cycle);

  // Every collection, newest cycle first.
  absl::StatusOr<std::vector<StoredCollection>> List();

  // The late allowances of `cycle`, by trust.
  absl::StatusOr<std::vector<StoredAllowance>> Allowances(const std::string& cycle);

  // Changes the collection of `cycle` as `decide` says, given its current
  // values, the database's clock and whether any return is stored for it;
  // one transaction with the collection locked, with its audit row. NOT_FOUND
  // without such a collection; `decide`'s error is returned as it is.
  using Decide = std::function<absl::StatusOr<CollectionChange>(const StoredCollection& current,
                                                                bool has_returns)>;
  absl::StatusOr<StoredCollection> Change(const std::string& cycle, const Principal& actor,
                                          const Decide& decide);

  // The collection of `cycle` and trust `ods_code`'s late allowance, for a
  // return write; nullopt when there is no such collection.
  absl::StatusOr<std::optional<WriteWindow>> WindowFor(const std::string& cycle,
                                                       const std::string& ods_code);

  // The same, in the caller's transaction `tx`, locking the collection
  // against changes until `tx` ends (a write checks its window and writes
  // in one transaction). Database errors are thrown, as `tx` reports them.
  std::optional<WriteWindow> LockWindow(pqxx::transaction_base& tx, const std::string& cycle,
                                        const std::string& ods_code);
  // LockWindow in two steps, for a batch: lock the collection of `cycle`
  // once (false when there is none), then read each trust's window.
  bool LockCollection(pqxx::transaction_base& tx, const std::string& cycle);
  std::optional<WriteWindow> ReadWindow(pqxx::transaction_base& tx, const std::string& cycle,
                                        const std::string& ods_code);

  // Active trusts of the register in `cycle`'s collection without a
  // counting return, of `region_code` and/or trust `ods_code` when not
  // empty.
  absl::StatusOr<NonResponders> ListNonResponders(const std::string& cycle,
                                                  const std::string& region_code,
                                                  const std::string& ods_code);

 private:
  PgPool& pool_;
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_COLLECTION_STORE_H_
