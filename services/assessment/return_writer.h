// Writes returns for the unary handlers and the import stream: creates them,
// appends their versions, and answers a retried request with what it wrote.
#ifndef AHPL_SERVICES_ASSESSMENT_RETURN_WRITER_H_
#define AHPL_SERVICES_ASSESSMENT_RETURN_WRITER_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <google/protobuf/message.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/v1/assessment.pb.h"
#include "core/return_rules.h"
#include "services/assessment/arrangement_classifier.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/collection_store.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/access.h"

namespace ahpl::assessment {

// Collections already read during one call (an import chunk), by cycle, so
// that each is read once; not shared between calls or threads.
using CollectionMemo = std::map<std::string, std::optional<WriteWindow>>;

// Validates, classifies and writes returns within their collection's
// window; shared by the unary handlers and the import stream.
class ReturnWriter {
 public:
  ReturnWriter(AssessmentStore& store, CollectionStore& collections,
               catalogue::CatalogueStore& catalogue, ArrangementClassifier& classifier)
      : store_(store), collections_(collections), catalogue_(catalogue), classifier_(classifier) {}

  // A written return and whether it was a replay of an earlier request.
  struct Written {
    v1::AssessmentReturn ret;
    bool replayed = false;
  };

  // Validates `ret` (paths under `prefix`) and creates it as a draft, or
  // submitted when `submit`.
  absl::StatusOr<Written> Create(const std::string& request_id, const v1::AssessmentReturn& ret,
                                 bool submit, const Principal& caller, absl::string_view prefix);

  // The validated, classified version a new return would have (for batch
  // import); replays and request id reuse are the caller's to check.
  // PERMISSION_DENIED when `caller` may not write the return's trust.
  // FAILED_PRECONDITION when its collection's window refuses it.
  absl::StatusOr<VersionToWrite> PrepareNew(const std::string& request_id,
                                            const v1::AssessmentReturn& ret, bool submit,
                                            const Principal& caller, absl::string_view prefix,
                                            CollectionMemo* memo = nullptr);

  enum class Change { kUpdate, kSubmit, kAmend, kWithdraw, kAttest };
  // Appends a version to the return `name` last seen at `etag`; NOT_FOUND
  // when `caller` may not see the return. `content` is the new content
  // (update, amend), `attestation` the board's sign-off (attest).
  absl::StatusOr<Written> Change(Change change, const std::string& request_id,
                                 const std::string& name, const std::string& etag,
                                 const v1::AssessmentReturn* content, const std::string& reason,
                                 const Principal& caller, const google::protobuf::Message& request,
                                 const v1::Attestation* attestation = nullptr);

  // The version `request_id` wrote, if its digest matches; INVALID_ARGUMENT
  // if the id was used for a different request or by another trust.
  absl::StatusOr<std::optional<v1::AssessmentReturn>> Replay(const std::string& request_id,
                                                             const std::string& digest,
                                                             const Principal& caller);

  // The guard of a write of `version` (with `reason`, for its audit row):
  // in the write's transaction, with the collection locked, its window must
  // still allow the write and its edition must still be the collection's.
  WriteGuard GuardFor(const VersionToWrite& version, const std::string& reason);
  // The same for every row of an import batch.
  absl::Status CheckBatch(pqxx::transaction_base& tx, std::vector<ImportRow>& rows);

  // OK when `caller` may write returns of trust `ods_code`;
  // PERMISSION_DENIED otherwise.
  static absl::Status CheckWritable(const Principal& caller, const std::string& ods_code);

  // The region of trust `ods_code` (cached).
  absl::StatusOr<std::string> RegionOf(const std::string& ods_code);

  // Whether `ods_code` is in the register (known codes are cached).
  absl::StatusOr<bool> TrustKnown(const std::string& ods_code);

 private:
  absl::StatusOr<std::shared_ptr<const v1::Edition>> EditionOrNull(const std::string& edition_id);
  // Validates `content` (with its collection: known, and its edition) and
  // checks the window allows the write; the version's audit detail is set.
  absl::StatusOr<VersionToWrite> Prepare(v1::AssessmentReturn content, Completeness completeness,
                                         absl::string_view prefix, CollectionMemo* memo);
  // What the guard checks of a write with `status` in `cycle`'s collection,
  // given its `window` read under the lock: the audit detail of the write
  // (`reason`, and the override of a late one).
  static absl::StatusOr<std::string> CheckLocked(const std::optional<WriteWindow>& window,
                                                 const std::string& cycle,
                                                 const std::string& edition_id,
                                                 v1::ReturnStatus status,
                                                 const std::string& reason);
  // The collection of `cycle` as trust `ods_code` writes to it (nullopt:
  // none), through `memo` when given.
  absl::StatusOr<std::optional<WriteWindow>> WindowFor(const std::string& cycle,
                                                       const std::string& ods_code,
                                                       CollectionMemo* memo);

  AssessmentStore& store_;
  CollectionStore& collections_;
  catalogue::CatalogueStore& catalogue_;
  ArrangementClassifier& classifier_;
  // Caches of register lookups (bounded by the register: only codes found
  // there are kept).
  absl::Mutex mu_;
  std::set<std::string> known_trusts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> regions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_RETURN_WRITER_H_
