// How the command line reads and shows what belongs to collection seasons:
// times (given in UTC, shown in Europe/London), dates, collection states,
// how far a trust without a return has got, what a summary counted, and
// board attestations. Pure functions, apart from loading the time zone.
#ifndef AHPL_SDK_CLI_SEASON_TEXT_H_
#define AHPL_SDK_CLI_SEASON_TEXT_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ahpl/v1/assessment.pb.h"
#include "sdk/cli/output.h"

namespace ahpl::cli {

// The zone times are shown in: Europe/London, or UTC when the system has
// no time zone data for it (tzdata); `note` then says so.
struct DisplayZone {
  absl::TimeZone zone;
  bool london = false;
  // "Times are in Europe/London." or why they are in UTC.
  std::string note;
};

// Europe/London if it loads (from $TZDIR, else /usr/share/zoneinfo), else UTC.
DisplayZone LoadDisplayZone();

// The zone loaded once for this process.
const DisplayZone& ShownZone();

// A time as people read it, "2019-06-30 23:59 BST"; empty when unset (zero).
std::string ShowTime(const google::protobuf::Timestamp& t, const DisplayZone& zone);

// A time for programs (CSV), RFC 3339 with the zone's offset,
// "2019-06-30T23:59:00+01:00"; empty when unset.
std::string ShowTimeRfc3339(const google::protobuf::Timestamp& t, const DisplayZone& zone);

// Reads a time given in UTC: "2019-06-30T23:00:00Z", with another offset
// ("+01:00"), without a zone ("2019-06-30T23:00", UTC), or a date alone
// ("2019-07-01", its midnight UTC). INVALID_ARGUMENT naming `flag` otherwise.
absl::StatusOr<absl::Time> ParseUtcTime(const std::string& text, const std::string& flag);

// Checks a calendar date "YYYY-MM-DD" (e.g. a board meeting's);
// INVALID_ARGUMENT naming `flag` otherwise.
absl::Status CheckDate(const std::string& text, const std::string& flag);

// "2018-19" or "collections/2018-19" as the collection's resource name;
// INVALID_ARGUMENT when it is not a reporting year.
absl::StatusOr<std::string> CollectionNameOf(const std::string& cycle_or_name);

// "scheduled", "open", "closed".
std::string StateWord(v1::CollectionState state);

// "nothing started", "draft only", "submitted, not attested", "withdrawn".
std::string ProgressWords(v1::ReturnProgress progress);

// "per trust" or "per return" (unspecified counts per return).
std::string BasisWords(v1::SummaryBasis basis);

// "provisional" or "final".
std::string FinalityWord(const v1::ReturnSummary& summary);

// The basis of --basis: "trust" or "return"; INVALID_ARGUMENT otherwise.
absl::StatusOr<v1::SummaryBasis> BasisFromWord(const std::string& word);

// A collection as field and value pairs, in the order shown, times in
// `zone` (late allowances one pair each).
std::vector<std::pair<std::string, std::string>> CollectionFields(const v1::Collection& c,
                                                                  const DisplayZone& zone);

// One row per collection: cycle, title, edition, state, opens, closes,
// attestation, late allowances. Times for people, or RFC 3339 for CSV.
Table CollectionsTable(const std::vector<v1::Collection>& collections, const DisplayZone& zone,
                       Format format);

// The chase list: one row per trust without a counting return, its name
// beside its code, region, progress in words and last activity ("none" for
// people, empty in CSV, when it has none).
Table ChaseTable(const v1::ListNonRespondersResponse& response, const DisplayZone& zone,
                 Format format);

// The line above the chase list: "Collection 2018-19 (open): 48 of 202
// trusts have returned, 154 have not."
std::string ChaseHeadline(const std::string& cycle, const v1::ListNonRespondersResponse& response);

// An attestation in one line, "Dr A Patel (Chief executive), board meeting
// 2019-05-30, minute TB 2019/045"; "not attested" when it has no name.
std::string AttestationLine(const v1::AssessmentReturn& ret);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_SEASON_TEXT_H_
