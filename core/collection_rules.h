// The rules of a collection season: where a collection is in its window,
// which writes of a return its window allows, what a valid collection and a
// valid board attestation are. Pure: no gRPC, no SQL; times are given.
#ifndef AHPL_CORE_COLLECTION_RULES_H_
#define AHPL_CORE_COLLECTION_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ahpl/v1/assessment.pb.h"
#include "core/field_violations.h"
#include "google/rpc/error_details.pb.h"

namespace ahpl {

// Type URL under which a google.rpc.PreconditionFailure travels as an
// absl::Status payload and in google.rpc.Status details.
inline constexpr absl::string_view kPreconditionFailureTypeUrl =
    "type.googleapis.com/google.rpc.PreconditionFailure";

// The PreconditionFailure carried by `status`, if any.
std::optional<google::rpc::PreconditionFailure> PreconditionFailureOf(const absl::Status& status);

// FAILED_PRECONDITION with `message`, carrying a PreconditionFailure of one
// violation (`type`, `subject`, `description`).
absl::Status FailedPrecondition(std::string message, std::string type, std::string subject,
                                std::string description);

// "collections/{cycle}".
std::string CollectionName(absl::string_view cycle);
// The cycle of a collection's name; "" (and a violation of `field`) when
// `name` is not one.
std::string CycleFromCollectionName(absl::string_view name, absl::string_view field,
                                    FieldViolations& violations);

// A collection's window as the rules need it.
struct CollectionWindow {
  std::string cycle;
  absl::Time open_time;
  // nullopt: open-ended.
  std::optional<absl::Time> close_time;
};

// The window of `collection`.
CollectionWindow WindowOf(const v1::Collection& collection);

// Where a collection with `window` is at `now`: scheduled before it opens,
// closed from the instant it closes, open in between.
v1::CollectionState StateAt(const CollectionWindow& window, absl::Time now);

// A late-submission override for one trust.
struct LateAllowanceFacts {
  absl::Time until_time;
  std::string allowed_by;
  std::string reason;
};

// What a write does to a return, as far as the window is concerned.
enum class ReturnWriteKind {
  kDraft,       // create or update a draft
  kSubmission,  // create submitted, submit, amend, withdraw, attest
};

// Whether a write of `kind` is allowed at `now`: drafts while the collection
// is not closed, submissions while it is open; either when closed if the
// trust's late allowance (if any) runs past `now`. Returns what the audit
// log says of the write ("" on time, the override when late), or
// FAILED_PRECONDITION with a PreconditionFailure naming the collection and
// its window.
absl::StatusOr<std::string> CheckReturnWrite(const CollectionWindow& window,
                                             const std::optional<LateAllowanceFacts>& allowance,
                                             ReturnWriteKind kind, absl::Time now);

// A window in words, in UTC: "2019-01-07T09:00:00Z to 2019-03-29T17:00:00Z"
// ("... onwards" when open-ended).
std::string DescribeWindow(const CollectionWindow& window);

// Bounds of a collection's text.
inline constexpr size_t kMaxCollectionTitleBytes = 200;
inline constexpr size_t kMaxCollectionReasonBytes = 500;
inline constexpr int kMaxCollectionSuppressBelow = 100;

// Violations of a collection to create (paths under `prefix`): the cycle,
// edition, title, window and threshold.
FieldViolations ValidateNewCollection(const v1::Collection& collection, absl::string_view prefix);

// Violations of a change's reason (required, bounded).
void ValidateReason(const std::string& reason, absl::string_view field,
                    FieldViolations& violations);

// `current` (as stored, at the database's `now`) changed by the fields of
// `update` that `paths` name (UpdateCollection's mask: title, edition_id,
// open_time, close_time, suppress_below, attestation_required).
// INVALID_ARGUMENT naming every bad field; FAILED_PRECONDITION when the
// collection is closed (an admin reopens it), when open_time moves after it
// opened, or when edition_id changes once returns are stored.
absl::StatusOr<v1::Collection> UpdatedCollection(const v1::Collection& current,
                                                 const v1::Collection& update,
                                                 const std::vector<std::string>& paths,
                                                 bool has_returns, absl::Time now);

// `current` closed at `now`; FAILED_PRECONDITION unless it is open.
absl::StatusOr<v1::Collection> ClosedCollection(const v1::Collection& current, absl::Time now);

// `current` reopened until `close_time` (nullopt: open-ended);
// FAILED_PRECONDITION unless it is closed, INVALID_ARGUMENT (close_time)
// unless `close_time` is after `now`.
absl::StatusOr<v1::Collection> ReopenedCollection(const v1::Collection& current,
                                                  std::optional<absl::Time> close_time,
                                                  absl::Time now);

// Bounds of an attestation's text.
inline constexpr size_t kMaxAttestationNameBytes = 200;
inline constexpr size_t kMaxAttestationStatementBytes = 2000;

// Violations of a board attestation (paths under `prefix`): who, their role,
// the minute and a meeting date no later than `today` ("YYYY-MM-DD").
FieldViolations ValidateAttestation(const v1::Attestation& attestation, absl::string_view today,
                                    absl::string_view prefix);

// Conversions between protobuf and absl times (microsecond precision).
absl::Time ToTime(const google::protobuf::Timestamp& t);
google::protobuf::Timestamp ToTimestamp(absl::Time t);
// An instant in UTC, RFC 3339 ("2019-03-29T17:00:00Z").
std::string Rfc3339(absl::Time t);

// Today's date in England ("YYYY-MM-DD", Europe/London; UTC when the time
// zone database is missing).
std::string EnglandDate(absl::Time now);

}  // namespace ahpl

#endif  // AHPL_CORE_COLLECTION_RULES_H_
