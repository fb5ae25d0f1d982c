#include "services/assessment/return_writer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/codes.h"
#include "core/collection_rules.h"
#include "core/field_violations.h"
#include "core/status_macros.h"
#include "services/assessment/return_requests.h"

namespace ahpl::assessment {

absl::Status ReturnWriter::CheckWritable(const Principal& caller, const std::string& ods_code) {
  if (caller.CoversTrust(ods_code, "")) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "this token writes returns of trust ", caller.scope, " only, not of \"", ods_code, "\""));
}

absl::StatusOr<std::string> ReturnWriter::RegionOf(const std::string& ods_code) {
  {
    absl::MutexLock lock(&mu_);
    auto it = regions_.find(ods_code);
    if (it != regions_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(std::string region, store_.RegionOf(ods_code));
  absl::MutexLock lock(&mu_);
  regions_[ods_code] = region;
  return region;
}

absl::StatusOr<bool> ReturnWriter::TrustKnown(const std::string& ods_code) {
  if (!IsOdsCode(ods_code)) return false;
  {
    absl::MutexLock lock(&mu_);
    if (known_trusts_.count(ods_code) > 0) return true;
  }
  auto trust = catalogue_.GetTrust(ods_code);
  if (absl::IsNotFound(trust.status())) return false;
  if (!trust.ok()) return trust.status();
  absl::MutexLock lock(&mu_);
  known_trusts_.insert(ods_code);
  return true;
}

absl::StatusOr<std::shared_ptr<const v1::Edition>> ReturnWriter::EditionOrNull(
    const std::string& edition_id) {
  if (edition_id.empty()) return std::shared_ptr<const v1::Edition>();
  auto edition = catalogue_.GetEdition(edition_id);
  if (absl::IsNotFound(edition.status())) return std::shared_ptr<const v1::Edition>();
  return edition;
}

absl::StatusOr<std::optional<v1::AssessmentReturn>> ReturnWriter::Replay(
    const std::string& request_id, const std::string& digest, const Principal& caller) {
  const absl::Status taken = InvalidField(
      "request_id",
      "this request id was already used for a different request; use a new request id for a new "
      "change");
  ASSIGN_OR_RETURN(auto replay, store_.FindRequest(request_id));
  if (!replay.has_value()) return std::optional<v1::AssessmentReturn>();
  if (replay->request_digest != digest) return taken;
  ASSIGN_OR_RETURN(auto stored, store_.Get(replay->return_id, replay->version));
  if (!caller.CoversTrust(stored.ret.trust_ods_code(), "")) return taken;
  return std::optional<v1::AssessmentReturn>(std::move(stored.ret));
}

namespace {

// What an audit row says: the reason, and the override of a late write.
std::string AuditDetail(const std::string& reason, const std::string& late) {
  if (late.empty()) return reason;
  if (reason.empty()) return late;
  return absl::StrCat(reason, " (", late, ")");
}

}  // namespace

absl::StatusOr<std::string> ReturnWriter::CheckLocked(const std::optional<WriteWindow>& window,
                                                      const std::string& cycle,
                                                      const std::string& edition_id,
                                                      v1::ReturnStatus status,
                                                      const std::string& reason) {
  if (!window.has_value()) {
    return InvalidField("assessment_return.cycle", absl::StrCat("no collection for ", cycle));
  }
  if (window->stored.collection.edition_id() != edition_id) {
    return InvalidField("assessment_return.edition_id",
                        absl::StrCat(CollectionName(cycle), " collects answers to edition ",
                                     window->stored.collection.edition_id()));
  }
  ASSIGN_OR_RETURN(std::string late, CheckReturnWrite(window->stored.window(), window->allowance,
                                                      status == v1::RETURN_STATUS_DRAFT
                                                          ? ReturnWriteKind::kDraft
                                                          : ReturnWriteKind::kSubmission,
                                                      window->stored.now));
  return AuditDetail(reason, late);
}

WriteGuard ReturnWriter::GuardFor(const VersionToWrite& version, const std::string& reason) {
  return [this, cycle = version.content.cycle(), trust = version.content.trust_ods_code(),
          edition = version.content.edition_id(), status = version.status,
          reason](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
    return CheckLocked(collections_.LockWindow(tx, cycle, trust), cycle, edition, status, reason);
  };
}

absl::Status ReturnWriter::CheckBatch(pqxx::transaction_base& tx, std::vector<ImportRow>& rows) {
  // Each collection is locked once and each trust's window read once, however
  // many of the batch's rows share them.
  std::map<std::string, bool> locked;
  std::map<std::pair<std::string, std::string>, std::optional<WriteWindow>> windows;
  for (ImportRow& row : rows) {
    const v1::AssessmentReturn& c = row.version.content;
    auto [lock, first_of_cycle] = locked.try_emplace(c.cycle(), false);
    if (first_of_cycle) lock->second = collections_.LockCollection(tx, c.cycle());
    auto [window, first_of_trust] = windows.try_emplace({c.cycle(), c.trust_ods_code()});
    if (first_of_trust && lock->second) {
      window->second = collections_.ReadWindow(tx, c.cycle(), c.trust_ods_code());
    }
    ASSIGN_OR_RETURN(row.version.audit_detail, CheckLocked(window->second, c.cycle(),
                                                           c.edition_id(), row.version.status, ""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<WriteWindow>> ReturnWriter::WindowFor(const std::string& cycle,
                                                                   const std::string& ods_code,
                                                                   CollectionMemo* memo) {
  if (memo != nullptr) {
    auto it = memo->find(cycle);
    // A trust's late allowance matters only once the collection is closed.
    if (it != memo->end() && (!it->second.has_value() || it->second->stored.collection.state() !=
                                                             v1::COLLECTION_STATE_CLOSED)) {
      return it->second;
    }
  }
  ASSIGN_OR_RETURN(auto window, collections_.WindowFor(cycle, ods_code));
  if (memo != nullptr && !window.has_value()) (*memo)[cycle] = window;
  if (memo != nullptr && window.has_value()) {
    (*memo)[cycle] = WriteWindow{window->stored, std::nullopt};
  }
  return window;
}

absl::StatusOr<VersionToWrite> ReturnWriter::Prepare(v1::AssessmentReturn content,
                                                     Completeness completeness,
                                                     absl::string_view prefix,
                                                     CollectionMemo* memo) {
  ASSIGN_OR_RETURN(auto edition, EditionOrNull(content.edition_id()));
  ASSIGN_OR_RETURN(bool trust_known, TrustKnown(content.trust_ods_code()));
  FieldViolations v;
  v.Merge(ValidateReturn(content, edition.get(), trust_known, completeness), prefix);
  std::optional<WriteWindow> window;
  if (IsCycle(content.cycle())) {
    ASSIGN_OR_RETURN(window, WindowFor(content.cycle(), content.trust_ods_code(), memo));
    if (!window.has_value()) {
      v.Add(JoinPath(prefix, "cycle"),
            absl::StrCat("no collection for ", content.cycle(),
                         "; the national team creates it (ahpl collection create)"));
    } else if (window->stored.collection.edition_id() != content.edition_id()) {
      v.Add(JoinPath(prefix, "edition_id"),
            absl::StrCat(CollectionName(content.cycle()), " collects answers to edition ",
                         window->stored.collection.edition_id()));
    }
  }
  RETURN_IF_ERROR(v.ToStatus(completeness == Completeness::kComplete
                                 ? "the return cannot be submitted"
                                 : "the return cannot be stored"));
  VersionToWrite version;
  ASSIGN_OR_RETURN(
      version.audit_detail,
      CheckReturnWrite(window->stored.window(), window->allowance,
                       completeness == Completeness::kComplete ? ReturnWriteKind::kSubmission
                                                               : ReturnWriteKind::kDraft,
                       window->stored.now));
  version.ratings = RatingsByPosition(content, *edition);
  if (completeness == Completeness::kComplete) {
    ASSIGN_OR_RETURN(*content.mutable_classification(),
                     classifier_.Classify(content.arrangement()));
  }
  version.content = std::move(content);
  return version;
}

absl::StatusOr<VersionToWrite> ReturnWriter::PrepareNew(const std::string& request_id,
                                                        const v1::AssessmentReturn& ret,
                                                        bool submit, const Principal& caller,
                                                        absl::string_view prefix,
                                                        CollectionMemo* memo) {
  RETURN_IF_ERROR(CheckWritable(caller, ret.trust_ods_code()));
  v1::AssessmentReturn content = ClientContent(ret);
  std::string digest = RequestDigest(submit ? "create-submitted" : "create", content);
  ASSIGN_OR_RETURN(VersionToWrite version,
                   Prepare(std::move(content),
                           submit ? Completeness::kComplete : Completeness::kDraft, prefix, memo));
  version.status = submit ? v1::RETURN_STATUS_SUBMITTED : v1::RETURN_STATUS_DRAFT;
  version.request_id = request_id;
  version.request_digest = std::move(digest);
  version.written_by = caller.name;
  return version;
}

absl::StatusOr<ReturnWriter::Written> ReturnWriter::Create(const std::string& request_id,
                                                           const v1::AssessmentReturn& ret,
                                                           bool submit, const Principal& caller,
                                                           absl::string_view prefix) {
  // Replays are found when the request id's unique index refuses the write,
  // so a first attempt costs no extra lookup; or when the window has closed
  // since, so a retry across the deadline gets what the first attempt
  // wrote.
  auto prepared = PrepareNew(request_id, ret, submit, caller, prefix);
  if (absl::IsFailedPrecondition(prepared.status())) {
    ASSIGN_OR_RETURN(
        auto again,
        Replay(request_id,
               RequestDigest(submit ? "create-submitted" : "create", ClientContent(ret)), caller));
    if (again.has_value()) return Written{std::move(*again), true};
  }
  if (!prepared.ok()) return prepared.status();
  VersionToWrite version = *std::move(prepared);
  auto created = store_.Create(version, GuardFor(version, ""));
  if (absl::IsAlreadyExists(created.status())) {
    ASSIGN_OR_RETURN(auto again, Replay(request_id, version.request_digest, caller));
    if (again.has_value()) return Written{std::move(*again), true};
  }
  if (!created.ok()) return created.status();
  return Written{std::move(*created), false};
}

absl::StatusOr<ReturnWriter::Written> ReturnWriter::Change(
    enum Change change, const std::string& request_id, const std::string& name,
    const std::string& etag, const v1::AssessmentReturn* content, const std::string& reason,
    const Principal& caller, const google::protobuf::Message& request,
    const v1::Attestation* attestation) {
  static constexpr const char* kKinds[] = {"update", "submit", "amend", "withdraw", "attest"};
  const std::string digest = RequestDigest(kKinds[static_cast<int>(change)], request);
  const bool has_content = change == Change::kUpdate || change == Change::kAmend;
  const std::string name_field = has_content ? "assessment_return.name" : "name";
  const std::string etag_field = has_content ? "assessment_return.etag" : "etag";

  FieldViolations v;
  const std::string id = ReturnIdFromName(name, name_field, v);
  if (etag.empty())
    v.Add(etag_field, "the etag of the version this change is based on is required");
  if ((change == Change::kAmend || change == Change::kWithdraw) && reason.empty()) {
    v.Add("reason", "say why the submitted return is changed");
  }
  if (reason.size() > kMaxReasonLength) {
    v.Add("reason", absl::StrCat("must be at most ", kMaxReasonLength, " bytes"));
  }
  RETURN_IF_ERROR(v.ToStatus("invalid request"));

  // A retried request finds the return moved on (stale etag or status) or
  // its request id taken; only then is it looked up as a replay.
  auto replay = [&]() -> absl::StatusOr<std::optional<Written>> {
    ASSIGN_OR_RETURN(auto replayed, Replay(request_id, digest, caller));
    if (!replayed.has_value()) return std::optional<Written>();
    return std::optional<Written>(Written{std::move(*replayed), true});
  };
  ASSIGN_OR_RETURN(StoredReturn current, store_.Get(id, 0));
  // Another trust's return is not revealed: it is "not found".
  if (!caller.CoversTrust(current.ret.trust_ods_code(), "")) {
    return absl::NotFoundError(absl::StrCat("no return returns/", id));
  }
  if (current.ret.etag() != etag) {
    ASSIGN_OR_RETURN(auto replayed, replay());
    if (replayed.has_value()) return std::move(*replayed);
    return absl::AbortedError(absl::StrCat("stale etag: ", name, " is at version ",
                                           current.ret.version(),
                                           " now; get it again, reapply the change and retry"));
  }
  const v1::ReturnStatus status = current.ret.status();
  const bool needs_draft = change == Change::kUpdate || change == Change::kSubmit;
  const bool status_fits =
      needs_draft ? status == v1::RETURN_STATUS_DRAFT : status == v1::RETURN_STATUS_SUBMITTED;
  if (!status_fits) {
    // A retry of a change that moved the return on finds it so.
    ASSIGN_OR_RETURN(auto replayed, replay());
    if (replayed.has_value()) return std::move(*replayed);
  }
  if (needs_draft && status != v1::RETURN_STATUS_DRAFT) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is ", v1::ReturnStatus_Name(status),
                     "; a submitted return is changed with AmendReturn or WithdrawReturn"));
  }
  if (!needs_draft && status != v1::RETURN_STATUS_SUBMITTED) {
    static constexpr const char* kDone[] = {"", "", "amended", "withdrawn", "attested"};
    return absl::FailedPreconditionError(absl::StrCat(name, " is ", v1::ReturnStatus_Name(status),
                                                      "; only a submitted return can be ",
                                                      kDone[static_cast<int>(change)]));
  }

  VersionToWrite version;
  if (change == Change::kWithdraw || change == Change::kAttest) {
    // The content stays; a withdrawal drops the attestation, an attestation
    // replaces it.
    version.content = ClientContent(current.ret);
    *version.content.mutable_classification() = current.ret.classification();
    if (change == Change::kAttest) *version.content.mutable_attestation() = *attestation;
    ASSIGN_OR_RETURN(auto edition, EditionOrNull(current.ret.edition_id()));
    if (edition != nullptr) version.ratings = RatingsByPosition(version.content, *edition);
    version.status =
        change == Change::kAttest ? v1::RETURN_STATUS_SUBMITTED : v1::RETURN_STATUS_WITHDRAWN;
    // Nothing costly comes before the write: its guard alone checks the
    // window.
  } else {
    v1::AssessmentReturn next = ClientContent(has_content ? *content : current.ret);
    if (next.trust_ods_code() != current.ret.trust_ods_code()) {
      return InvalidField("assessment_return.trust_ods_code",
                          "a return's trust cannot change; create a new return instead");
    }
    if (next.cycle() != current.ret.cycle()) {
      return InvalidField("assessment_return.cycle",
                          "a return's cycle cannot change; create a new return in the other "
                          "collection instead");
    }
    const Completeness completeness =
        change == Change::kUpdate ? Completeness::kDraft : Completeness::kComplete;
    ASSIGN_OR_RETURN(version,
                     Prepare(next, completeness, has_content ? "assessment_return" : "", nullptr));
    version.status =
        change == Change::kUpdate ? v1::RETURN_STATUS_DRAFT : v1::RETURN_STATUS_SUBMITTED;
  }
  version.content.set_change_reason(reason);
  std::string audit_reason = reason;
  if (change == Change::kAttest) {
    audit_reason =
        absl::StrCat("attested by ", attestation->attested_by_name(), " (",
                     attestation->attested_by_role(), "), board meeting ",
                     attestation->meeting_date(), ", minute ", attestation->minute_reference());
  }
  version.request_id = request_id;
  version.request_digest = digest;
  version.written_by = caller.name;
  auto appended = store_.Append(current.seq, id, current.ret.version(), version,
                                GuardFor(version, audit_reason));
  if (absl::IsAlreadyExists(appended.status()) || absl::IsAborted(appended.status())) {
    ASSIGN_OR_RETURN(auto replayed, replay());
    if (replayed.has_value()) return std::move(*replayed);
  }
  if (!appended.ok()) return appended.status();
  return Written{std::move(*appended), false};
}

}  // namespace ahpl::assessment
