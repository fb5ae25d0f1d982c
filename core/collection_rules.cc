#include "core/collection_rules.h"

#include <utility>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/codes.h"
#include "core/return_rules.h"
#include "core/status_macros.h"
#include "core/utf8.h"

namespace ahpl {
namespace {

constexpr absl::string_view kCollectionPrefix = "collections/";

void RequireText(const std::string& text, size_t max_bytes, absl::string_view field,
                 absl::string_view what, FieldViolations& v) {
  if (text.empty()) {
    v.Add(std::string(field), absl::StrCat(what, " is required"));
  } else if (text.size() > max_bytes) {
    v.Add(std::string(field), absl::StrCat("must be at most ", max_bytes, " bytes"));
  } else if (!IsValidUtf8(text)) {
    v.Add(std::string(field), "must be UTF-8 text");
  } else if (text.find('\0') != std::string::npos) {
    v.Add(std::string(field), "must not contain NUL bytes");
  }
}

}  // namespace

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(google::protobuf::util::TimeUtil::TimestampToMicroseconds(t));
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::optional<google::rpc::PreconditionFailure> PreconditionFailureOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPreconditionFailureTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  google::rpc::PreconditionFailure failure;
  if (!failure.ParseFromString(std::string(*payload))) return std::nullopt;
  return failure;
}

absl::Status FailedPrecondition(std::string message, std::string type, std::string subject,
                                std::string description) {
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type(std::move(type));
  v->set_subject(std::move(subject));
  v->set_description(std::move(description));
  absl::Status status(absl::StatusCode::kFailedPrecondition, message);
  status.SetPayload(kPreconditionFailureTypeUrl, absl::Cord(failure.SerializeAsString()));
  return status;
}

std::string CollectionName(absl::string_view cycle) {
  return absl::StrCat(kCollectionPrefix, cycle);
}

std::string CycleFromCollectionName(absl::string_view name, absl::string_view field,
                                    FieldViolations& violations) {
  if (!absl::StartsWith(name, kCollectionPrefix) ||
      !IsCycle(name.substr(kCollectionPrefix.size()))) {
    violations.Add(std::string(field), "must be a collection's name, \"collections/{cycle}\"");
    return "";
  }
  return std::string(name.substr(kCollectionPrefix.size()));
}

CollectionWindow WindowOf(const v1::Collection& c) {
  CollectionWindow w;
  w.cycle = c.cycle();
  w.open_time = ToTime(c.open_time());
  if (c.has_close_time()) w.close_time = ToTime(c.close_time());
  return w;
}

v1::CollectionState StateAt(const CollectionWindow& window, absl::Time now) {
  if (now < window.open_time) return v1::COLLECTION_STATE_SCHEDULED;
  if (window.close_time.has_value() && now >= *window.close_time) {
    return v1::COLLECTION_STATE_CLOSED;
  }
  return v1::COLLECTION_STATE_OPEN;
}

std::string DescribeWindow(const CollectionWindow& window) {
  if (!window.close_time.has_value()) return absl::StrCat(Rfc3339(window.open_time), " onwards");
  return absl::StrCat(Rfc3339(window.open_time), " to ", Rfc3339(*window.close_time));
}

absl::StatusOr<std::string> CheckReturnWrite(const CollectionWindow& window,
                                             const std::optional<LateAllowanceFacts>& allowance,
                                             ReturnWriteKind kind, absl::Time now) {
  const v1::CollectionState state = StateAt(window, now);
  if (state == v1::COLLECTION_STATE_OPEN) return std::string();
  if (state == v1::COLLECTION_STATE_SCHEDULED && kind == ReturnWriteKind::kDraft) {
    return std::string();
  }
  if (state == v1::COLLECTION_STATE_CLOSED && allowance.has_value() &&
      now < allowance->until_time) {
    return absl::StrCat("late: allowed until ", Rfc3339(allowance->until_time), " by ",
                        allowance->allowed_by, ": ", allowance->reason);
  }
  const std::string name = CollectionName(window.cycle);
  const std::string when = DescribeWindow(window);
  const bool scheduled = state == v1::COLLECTION_STATE_SCHEDULED;
  std::string message =
      scheduled ? absl::StrCat(name, " is not open yet (window ", when,
                               "): drafts may be written, returns are submitted once it opens")
                : absl::StrCat(name, " is closed (window ", when,
                               "): nothing is written without a late-submission override from the "
                               "national team (AllowLateReturn)");
  if (allowance.has_value() && !scheduled) {
    absl::StrAppend(&message, "; this trust's override ran out at ",
                    Rfc3339(allowance->until_time));
  }
  return FailedPrecondition(std::move(message),
                            scheduled ? "COLLECTION_NOT_OPEN" : "COLLECTION_CLOSED", name,
                            absl::StrCat("window ", when));
}

FieldViolations ValidateNewCollection(const v1::Collection& c, absl::string_view prefix) {
  FieldViolations v;
  auto path = [&](absl::string_view field) { return JoinPath(prefix, field); };
  if (!IsCycle(c.cycle())) v.Add(path("cycle"), kCycleRule);
  if (c.edition_id().empty())
    v.Add(path("edition_id"), "the edition its returns answer is required");
  if (!c.title().empty()) {
    RequireText(c.title(), kMaxCollectionTitleBytes, path("title"), "a title", v);
  }
  if (!c.has_open_time()) v.Add(path("open_time"), "when the window opens is required");
  if (c.has_open_time() && c.has_close_time() && ToTime(c.close_time()) <= ToTime(c.open_time())) {
    v.Add(path("close_time"), "must be after open_time");
  }
  if (c.suppress_below() != 0 &&
      (c.suppress_below() < 2 || c.suppress_below() > kMaxCollectionSuppressBelow)) {
    v.Add(path("suppress_below"), absl::StrCat("must be 0 (the server's threshold) or from 2 to ",
                                               kMaxCollectionSuppressBelow));
  }
  return v;
}

void ValidateReason(const std::string& reason, absl::string_view field, FieldViolations& v) {
  RequireText(reason, kMaxCollectionReasonBytes, field, "a reason", v);
}

FieldViolations ValidateAttestation(const v1::Attestation& a, absl::string_view today,
                                    absl::string_view prefix) {
  FieldViolations v;
  auto path = [&](absl::string_view field) { return JoinPath(prefix, field); };
  RequireText(a.attested_by_name(), kMaxAttestationNameBytes, path("attested_by_name"),
              "who attests", v);
  RequireText(a.attested_by_role(), kMaxAttestationNameBytes, path("attested_by_role"),
              "their role", v);
  RequireText(a.minute_reference(), kMaxAttestationNameBytes, path("minute_reference"),
              "the board minute's reference", v);
  if (!a.statement().empty()) {
    RequireText(a.statement(), kMaxAttestationStatementBytes, path("statement"), "a statement", v);
  }
  if (!IsIsoDate(a.meeting_date())) {
    v.Add(path("meeting_date"), "the board meeting's date is required, as YYYY-MM-DD");
  } else if (a.meeting_date() > today) {
    v.Add(path("meeting_date"), absl::StrCat("must not be after today (", today, ")"));
  }
  return v;
}

namespace {

absl::Status NotWhileClosed(const v1::Collection& c, absl::string_view what) {
  return FailedPrecondition(
      absl::StrCat(c.name(), " is closed: ", what, " only after an admin reopens it"),
      "COLLECTION_CLOSED", c.name(), "closed");
}

}  // namespace

absl::StatusOr<v1::Collection> UpdatedCollection(const v1::Collection& current,
                                                 const v1::Collection& update,
                                                 const std::vector<std::string>& paths,
                                                 bool has_returns, absl::Time now) {
  FieldViolations v;
  if (paths.empty()) v.Add("update_mask", "name at least one field to change");
  v1::Collection next = current;
  bool edition_changes = false;
  bool open_time_changes = false;
  for (const std::string& path : paths) {
    if (path == "title") {
      next.set_title(update.title());
      if (update.title().empty()) v.Add("collection.title", "a collection keeps a title");
    } else if (path == "edition_id") {
      next.set_edition_id(update.edition_id());
      edition_changes = update.edition_id() != current.edition_id();
    } else if (path == "open_time") {
      if (update.has_open_time()) {
        *next.mutable_open_time() = update.open_time();
      } else {
        v.Add("collection.open_time", "a window opens at a time: it is required");
      }
      open_time_changes = ToTime(next.open_time()) != ToTime(current.open_time());
    } else if (path == "close_time") {
      if (update.has_close_time()) {
        *next.mutable_close_time() = update.close_time();
        if (ToTime(update.close_time()) <= now) {
          v.Add("collection.close_time",
                "must be in the future (CloseCollection closes a collection now)");
        }
      } else {
        next.clear_close_time();
      }
    } else if (path == "suppress_below") {
      next.set_suppress_below(update.suppress_below());
    } else if (path == "attestation_required") {
      next.set_attestation_required(update.attestation_required());
    } else {
      v.Add("update_mask",
            absl::StrCat("\"", BoundedText(path, 64),
                         "\" cannot be changed (title, edition_id, open_time, close_time, "
                         "suppress_below or attestation_required can)"));
    }
  }
  v.Merge(ValidateNewCollection(next, "collection"));
  RETURN_IF_ERROR(v.ToStatus("invalid collection change"));
  const v1::CollectionState state = StateAt(WindowOf(current), now);
  if (state == v1::COLLECTION_STATE_CLOSED) return NotWhileClosed(current, "it changes");
  if (open_time_changes && state != v1::COLLECTION_STATE_SCHEDULED) {
    return FailedPrecondition(
        absl::StrCat(current.name(), " has opened: its opening time cannot move"),
        "COLLECTION_OPENED", current.name(), "open");
  }
  if (edition_changes && has_returns) {
    return FailedPrecondition(absl::StrCat(current.name(), " has returns answering edition ",
                                           current.edition_id(), ": its edition cannot change"),
                              "COLLECTION_HAS_RETURNS", current.name(), "returns stored");
  }
  return next;
}

absl::StatusOr<v1::Collection> ClosedCollection(const v1::Collection& current, absl::Time now) {
  const CollectionWindow window = WindowOf(current);
  switch (StateAt(window, now)) {
    case v1::COLLECTION_STATE_CLOSED:
      return FailedPrecondition(absl::StrCat(current.name(), " is already closed"),
                                "COLLECTION_CLOSED", current.name(), "closed");
    case v1::COLLECTION_STATE_SCHEDULED:
      return FailedPrecondition(
          absl::StrCat(current.name(), " has not opened (window ", DescribeWindow(window),
                       "); change its window instead"),
          "COLLECTION_NOT_OPEN", current.name(), "scheduled");
    default:
      break;
  }
  v1::Collection next = current;
  *next.mutable_close_time() = ToTimestamp(now);
  return next;
}

absl::StatusOr<v1::Collection> ReopenedCollection(const v1::Collection& current,
                                                  std::optional<absl::Time> close_time,
                                                  absl::Time now) {
  const CollectionWindow window = WindowOf(current);
  if (StateAt(window, now) != v1::COLLECTION_STATE_CLOSED) {
    return FailedPrecondition(absl::StrCat(current.name(), " is not closed"),
                              "COLLECTION_NOT_CLOSED", current.name(), "not closed");
  }
  if (close_time.has_value() && *close_time <= now) {
    return InvalidField("close_time", "the new deadline must be in the future");
  }
  v1::Collection next = current;
  if (close_time.has_value()) {
    *next.mutable_close_time() = ToTimestamp(*close_time);
  } else {
    next.clear_close_time();
  }
  return next;
}

std::string EnglandDate(absl::Time now) {
  absl::TimeZone london;
  if (!absl::LoadTimeZone("Europe/London", &london)) london = absl::UTCTimeZone();
  return absl::FormatTime("%Y-%m-%d", now, london);
}

}  // namespace ahpl
