// PostgreSQL storage of the catalogue: editions and the trust register.
// The only place in the catalogue service that holds SQL.
#ifndef AHPL_SERVICES_CATALOGUE_CATALOGUE_STORE_H_
#define AHPL_SERVICES_CATALOGUE_CATALOGUE_STORE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/v1/catalogue.pb.h"
#include "services/catalogue/trust_register.h"
#include "services/common/access.h"
#include "services/common/pg_pool.h"

namespace ahpl::catalogue {

// One page of a keyset-paginated listing.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string last_key;  // key of the last item when more follow; else empty
  int total = 0;         // items over all pages, where the listing counts them
};

// Result of publishing an edition.
struct Published {
  std::shared_ptr<const v1::Edition> edition;
  bool created = false;  // false when identical content was already there
};

// Thread safety: every method may be called from any number of threads at
// once (one store serves all of a server's handlers). Each call that reads or
// writes the database takes a pooled connection of its own for its duration;
// the only state the store holds, the cache of published editions, is
// guarded by mu_.
class CatalogueStore {
 public:
  // Registers the store's prepared statements with `pool`.
  explicit CatalogueStore(PgPool& pool);

  // Stores a validated edition with its sections, questions and scale.
  // Publishing identical content again returns the stored edition;
  // different content under a published id is ALREADY_EXISTS. A new
  // edition's audit row, naming `actor`, is written in the same transaction.
  absl::StatusOr<Published> PublishEdition(const v1::Edition& edition,
                                           const std::string& fingerprint, const Principal& actor);

  // The edition with `edition_id` (NOT_FOUND if none). Published editions
  // never change, so they are cached once read.
  absl::StatusOr<std::shared_ptr<const v1::Edition>> GetEdition(const std::string& edition_id)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The cached edition, if this process has read it already.
  std::shared_ptr<const v1::Edition> CachedEdition(const std::string& edition_id) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // The id of the most recently published edition (NOT_FOUND if none).
  absl::StatusOr<std::string> LatestEditionId();
  // Editions newest first, after `after_key` (empty for the first page).
  absl::StatusOr<Page<v1::EditionSummary>> ListEditions(const std::string& after_key, int limit);

  // Brings the register in line with `records`: inserts and updates trusts
  // and regions, and marks trusts no longer listed inactive.
  absl::Status ReplaceTrustRegister(const std::vector<TrustRecord>& records);
  // Regions with their active trust counts, in code order.
  absl::StatusOr<std::vector<v1::Region>> ListRegions();
  // Active trusts in ODS code order after `after_code`, of `region_code`
  // when it is not empty (NOT_FOUND for an unknown region), with the total
  // over all pages; one snapshot.
  absl::StatusOr<Page<v1::Trust>> ListTrusts(const std::string& region_code,
                                             const std::string& after_code, int limit);
  // One trust by ODS code (NOT_FOUND if none).
  absl::StatusOr<v1::Trust> GetTrust(const std::string& ods_code);

 private:
  // Caches `edition`; an edition cached meanwhile under its id wins.
  absl::StatusOr<std::shared_ptr<const v1::Edition>> Cache(v1::Edition edition)
      ABSL_LOCKS_EXCLUDED(mu_);

  PgPool& pool_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const v1::Edition>> editions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ahpl::catalogue

#endif  // AHPL_SERVICES_CATALOGUE_CATALOGUE_STORE_H_
