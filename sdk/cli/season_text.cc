#include "sdk/cli/season_text.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/codes.h"

namespace ahpl::cli {
namespace {

bool IsSet(const google::protobuf::Timestamp& t) { return t.seconds() != 0 || t.nanos() != 0; }

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

DisplayZone LoadDisplayZone() {
  DisplayZone shown;
  if (absl::LoadTimeZone("Europe/London", &shown.zone)) {
    shown.london = true;
    shown.note = "Times are in Europe/London.";
  } else {
    shown.zone = absl::UTCTimeZone();
    shown.note =
        "Times are in UTC: this system has no time zone data for Europe/London (install tzdata).";
  }
  return shown;
}

const DisplayZone& ShownZone() {
  static const DisplayZone* const zone = new DisplayZone(LoadDisplayZone());
  return *zone;
}

std::string ShowTime(const google::protobuf::Timestamp& t, const DisplayZone& zone) {
  if (!IsSet(t)) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M %Z", FromTimestamp(t), zone.zone);
}

std::string ShowTimeRfc3339(const google::protobuf::Timestamp& t, const DisplayZone& zone) {
  if (!IsSet(t)) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", FromTimestamp(t), zone.zone);
}

absl::StatusOr<absl::Time> ParseUtcTime(const std::string& text, const std::string& flag) {
  absl::Time t;
  std::string err;
  for (const char* format : {absl::RFC3339_full, "%Y-%m-%d%ET%H:%M:%S", "%Y-%m-%d%ET%H:%M",
                             "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &err)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": \"", text,
                   "\" is not a UTC time (e.g. 2019-06-30T23:00:00Z, 2019-06-30T23:00 or "
                   "2019-07-01)"));
}

absl::Status CheckDate(const std::string& text, const std::string& flag) {
  if (!IsIsoDate(text)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" is not a date (YYYY-MM-DD)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CollectionNameOf(const std::string& cycle_or_name) {
  absl::string_view cycle = cycle_or_name;
  absl::ConsumePrefix(&cycle, "collections/");
  if (!IsCycle(cycle)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", cycle_or_name, "\": ", kCycleRule, " (or collections/2018-19)"));
  }
  return absl::StrCat("collections/", cycle);
}

std::string StateWord(v1::CollectionState state) {
  switch (state) {
    case v1::COLLECTION_STATE_SCHEDULED:
      return "scheduled";
    case v1::COLLECTION_STATE_OPEN:
      return "open";
    case v1::COLLECTION_STATE_CLOSED:
      return "closed";
    default:
      return "unknown";
  }
}

std::string ProgressWords(v1::ReturnProgress progress) {
  switch (progress) {
    case v1::RETURN_PROGRESS_NOTHING_STARTED:
      return "nothing started";
    case v1::RETURN_PROGRESS_DRAFT_ONLY:
      return "draft only";
    case v1::RETURN_PROGRESS_SUBMITTED_NOT_ATTESTED:
      return "submitted, not attested";
    case v1::RETURN_PROGRESS_WITHDRAWN:
      return "withdrawn";
    default:
      return "unknown";
  }
}

std::string BasisWords(v1::SummaryBasis basis) {
  return basis == v1::SUMMARY_BASIS_PER_TRUST ? "per trust" : "per return";
}

std::string FinalityWord(const v1::ReturnSummary& summary) {
  return summary.provisional() ? "provisional" : "final";
}

absl::StatusOr<v1::SummaryBasis> BasisFromWord(const std::string& word) {
  if (word == "trust") return v1::SUMMARY_BASIS_PER_TRUST;
  if (word == "return") return v1::SUMMARY_BASIS_PER_RETURN;
  return absl::InvalidArgumentError(absl::StrCat("--basis: \"", word, "\" is not trust or return"));
}

std::vector<std::pair<std::string, std::string>> CollectionFields(const v1::Collection& c,
                                                                  const DisplayZone& zone) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", c.name()},
      {"cycle", c.cycle()},
      {"title", c.title()},
      {"edition", c.edition_id()},
      {"state", StateWord(c.state())},
      {"opens", ShowTime(c.open_time(), zone)},
      {"closes", c.has_close_time() ? ShowTime(c.close_time(), zone) : "open-ended"},
      {"suppress below",
       c.suppress_below() == 0 ? "the server's threshold" : std::to_string(c.suppress_below())},
      {"attestation", c.attestation_required() ? "required for a return to count" : "not required"},
      {"created", ShowTime(c.create_time(), zone)},
      {"updated", ShowTime(c.update_time(), zone)},
  };
  for (const auto& late : c.late_allowances()) {
    fields.emplace_back("late allowance", absl::StrCat(late.trust_ods_code(), " until ",
                                                       ShowTime(late.until_time(), zone), ": ",
                                                       late.reason(), " (", late.allowed_by(), ", ",
                                                       ShowTime(late.allow_time(), zone), ")"));
  }
  return fields;
}

Table CollectionsTable(const std::vector<v1::Collection>& collections, const DisplayZone& zone,
                       Format format) {
  auto when = [&](const google::protobuf::Timestamp& t) {
    return format == Format::kCsv ? ShowTimeRfc3339(t, zone) : ShowTime(t, zone);
  };
  Table t({"cycle", "title", "edition", "state", "opens", "closes", "attestation", "late"});
  for (const auto& c : collections) {
    t.AddRow({c.cycle(), c.title(), c.edition_id(), StateWord(c.state()), when(c.open_time()),
              c.has_close_time() ? when(c.close_time()) : "open-ended",
              c.attestation_required() ? "required" : "not required",
              std::to_string(c.late_allowances_size())});
  }
  return t;
}

Table ChaseTable(const v1::ListNonRespondersResponse& response, const DisplayZone& zone,
                 Format format) {
  Table t({"trust", "ods", "region", "progress", "last activity"});
  for (const auto& n : response.trusts()) {
    std::string last = format == Format::kCsv ? ShowTimeRfc3339(n.last_activity_time(), zone)
                                              : ShowTime(n.last_activity_time(), zone);
    if (last.empty() && format != Format::kCsv) last = "none";
    t.AddRow({n.trust_name().empty() ? "(not in the register)" : n.trust_name(), n.trust_ods_code(),
              n.region_code(), ProgressWords(n.progress()), last});
  }
  return t;
}

std::string ChaseHeadline(const std::string& cycle, const v1::ListNonRespondersResponse& response) {
  return absl::StrCat("Collection ", cycle, " (", StateWord(response.state()),
                      "): ", response.trusts_returned(), " of ", response.trusts_in_scope(),
                      " trusts have returned, ", response.trusts_size(), " have not.");
}

std::string AttestationLine(const v1::AssessmentReturn& ret) {
  const auto& a = ret.attestation();
  if (!ret.has_attestation() || a.attested_by_name().empty()) return "not attested";
  return absl::StrCat(a.attested_by_name(), " (", a.attested_by_role(), "), board meeting ",
                      a.meeting_date(), ", minute ", a.minute_reference());
}

}  // namespace ahpl::cli
