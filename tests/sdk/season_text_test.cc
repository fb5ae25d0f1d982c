// How the command line reads and shows collection seasons: UTC input,
// Europe/London output (and UTC, said so, without tzdata), dates, names and
// the words for states, progress and summary bases.
#include "sdk/cli/season_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>

namespace ahpl::cli {
namespace {

// The line of `text` holding `needle`; empty when none does.
std::string LineWith(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return text.substr(start, text.find('\n', at) - start);
}

google::protobuf::Timestamp At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(t));
  return ts;
}

TEST(SeasonTextTest, TimesAreShownInLondonWithSummerTime) {
  const DisplayZone zone = LoadDisplayZone();
  ASSERT_TRUE(zone.london) << "tzdata is installed by deploy/local/install-deps.sh";
  EXPECT_EQ(zone.note, "Times are in Europe/London.");
  // 23:00 UTC on 30 June is midnight British Summer Time.
  EXPECT_EQ(ShowTime(At("2019-06-30T23:00:00Z"), zone), "2019-07-01 00:00 BST");
  EXPECT_EQ(ShowTimeRfc3339(At("2019-06-30T23:00:00Z"), zone), "2019-07-01T00:00:00+01:00");
  // In winter London is on UTC.
  EXPECT_EQ(ShowTime(At("2019-01-31T17:00:00Z"), zone), "2019-01-31 17:00 GMT");
  // The clocks go forward at 01:00 UTC on the last Sunday of March.
  EXPECT_EQ(ShowTime(At("2019-03-31T00:59:00Z"), zone), "2019-03-31 00:59 GMT");
  EXPECT_EQ(ShowTime(At("2019-03-31T01:00:00Z"), zone), "2019-03-31 02:00 BST");
  EXPECT_EQ(ShowTime(google::protobuf::Timestamp(), zone), "") << "unset shows nothing";
}

TEST(SeasonTextTest, WithoutTzdataTimesAreInUtcAndSaySo) {
  // A fresh process: absl keeps every zone it has loaded.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("TZDIR", "/nonexistent-zoneinfo", 1);
        const DisplayZone zone = LoadDisplayZone();
        const bool utc = !zone.london &&
                         ShowTime(At("2019-06-30T23:00:00Z"), zone) == "2019-06-30 23:00 UTC" &&
                         zone.note.find("UTC") != std::string::npos &&
                         zone.note.find("tzdata") != std::string::npos;
        std::exit(utc ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(SeasonTextTest, TimesAreReadAsUtc) {
  auto expect = [](const std::string& text, const std::string& utc) {
    auto t = ParseUtcTime(text, "--closes");
    ASSERT_TRUE(t.ok()) << text << ": " << t.status();
    EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *t, absl::UTCTimeZone()), utc) << text;
  };
  expect("2019-06-30T23:00:00Z", "2019-06-30T23:00:00Z");
  expect("2019-07-01T00:00:00+01:00", "2019-06-30T23:00:00Z");
  expect("2019-06-30T23:00", "2019-06-30T23:00:00Z");
  expect("2019-06-30 23:00:30", "2019-06-30T23:00:30Z");
  expect("2019-07-01", "2019-07-01T00:00:00Z");
  for (const char* bad :
       {"", "tomorrow", "30/06/2019", "2019-06-31T25:00", "2019-06-30T23:00Zulu"}) {
    auto t = ParseUtcTime(bad, "--closes");
    EXPECT_TRUE(absl::IsInvalidArgument(t.status())) << bad;
    EXPECT_NE(t.status().message().find("--closes"), std::string::npos) << t.status();
  }
}

TEST(SeasonTextTest, MeetingDatesAreRealCalendarDates) {
  EXPECT_TRUE(CheckDate("2019-05-30", "--meeting-date").ok());
  EXPECT_TRUE(CheckDate("2020-02-29", "--meeting-date").ok()) << "a leap day";
  for (const char* bad :
       {"2019-02-29", "2019-13-01", "2019-5-30", "30-05-2019", "2019-05-30T10:00", ""}) {
    const absl::Status status = CheckDate(bad, "--meeting-date");
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << bad;
    EXPECT_NE(status.message().find("--meeting-date"), std::string::npos) << status;
  }
}

TEST(SeasonTextTest, CollectionsAreNamedByTheirCycle) {
  EXPECT_EQ(*CollectionNameOf("2018-19"), "collections/2018-19");
  EXPECT_EQ(*CollectionNameOf("collections/2019-20"), "collections/2019-20");
  for (const char* bad : {"2018", "2018-20", "collections/", "returns/2018-19", "2035-37"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(CollectionNameOf(bad).status())) << bad;
  }
}

TEST(SeasonTextTest, WordsForStatesProgressAndBases) {
  EXPECT_EQ(StateWord(v1::COLLECTION_STATE_SCHEDULED), "scheduled");
  EXPECT_EQ(StateWord(v1::COLLECTION_STATE_OPEN), "open");
  EXPECT_EQ(StateWord(v1::COLLECTION_STATE_CLOSED), "closed");
  EXPECT_EQ(ProgressWords(v1::RETURN_PROGRESS_NOTHING_STARTED), "nothing started");
  EXPECT_EQ(ProgressWords(v1::RETURN_PROGRESS_DRAFT_ONLY), "draft only");
  EXPECT_EQ(ProgressWords(v1::RETURN_PROGRESS_SUBMITTED_NOT_ATTESTED), "submitted, not attested");
  EXPECT_EQ(ProgressWords(v1::RETURN_PROGRESS_WITHDRAWN), "withdrawn");
  EXPECT_EQ(BasisWords(v1::SUMMARY_BASIS_PER_TRUST), "per trust");
  EXPECT_EQ(BasisWords(v1::SUMMARY_BASIS_PER_RETURN), "per return");
  EXPECT_EQ(BasisWords(v1::SUMMARY_BASIS_UNSPECIFIED), "per return") << "the API's default";
  v1::ReturnSummary s;
  s.set_provisional(true);
  EXPECT_EQ(FinalityWord(s), "provisional");
  s.set_provisional(false);
  EXPECT_EQ(FinalityWord(s), "final");
  EXPECT_EQ(*BasisFromWord("trust"), v1::SUMMARY_BASIS_PER_TRUST);
  EXPECT_EQ(*BasisFromWord("return"), v1::SUMMARY_BASIS_PER_RETURN);
  EXPECT_TRUE(absl::IsInvalidArgument(BasisFromWord("region").status()));
}

TEST(SeasonTextTest, ChaseListNamesTrustsAndSaysHowFarEachHasGot) {
  v1::ListNonRespondersResponse response;
  response.set_trusts_in_scope(18);
  response.set_trusts_returned(16);
  response.set_state(v1::COLLECTION_STATE_OPEN);
  auto* quiet = response.add_trusts();
  quiet->set_trust_ods_code("RAL");
  quiet->set_trust_name("Royal Free London NHS Foundation Trust");
  quiet->set_region_code("Y56");
  quiet->set_progress(v1::RETURN_PROGRESS_NOTHING_STARTED);
  auto* drafting = response.add_trusts();
  drafting->set_trust_ods_code("RAP");
  drafting->set_trust_name("North Middlesex University Hospital NHS Trust");
  drafting->set_region_code("Y56");
  drafting->set_progress(v1::RETURN_PROGRESS_DRAFT_ONLY);
  *drafting->mutable_last_activity_time() = At("2019-06-30T22:15:00Z");
  EXPECT_EQ(ChaseHeadline("2018-19", response),
            "Collection 2018-19 (open): 16 of 18 trusts have returned, 2 have not.");

  const DisplayZone zone = LoadDisplayZone();
  std::ostringstream table;
  ChaseTable(response, zone, Format::kTable).Print(Format::kTable, table);
  const std::string royal_free = LineWith(table.str(), "Royal Free London NHS Foundation Trust");
  EXPECT_NE(royal_free.find(" RAL "), std::string::npos) << table.str();
  EXPECT_NE(royal_free.find("nothing started  none"), std::string::npos) << table.str();
  const std::string north_mid = LineWith(table.str(), "North Middlesex");
  EXPECT_NE(north_mid.find("draft only"), std::string::npos) << table.str();
  EXPECT_NE(north_mid.find("2019-06-30 23:15 BST"), std::string::npos) << table.str();
  std::ostringstream csv;
  ChaseTable(response, zone, Format::kCsv).Print(Format::kCsv, csv);
  EXPECT_EQ(csv.str(),
            "trust,ods,region,progress,last activity\n"
            "Royal Free London NHS Foundation Trust,RAL,Y56,nothing started,\n"
            "North Middlesex University Hospital NHS Trust,RAP,Y56,draft "
            "only,2019-06-30T23:15:00+01:00\n");
}

TEST(SeasonTextTest, CollectionFieldsShowTheWindowInLondonAndEveryLateAllowance) {
  v1::Collection c;
  c.set_name("collections/2018-19");
  c.set_cycle("2018-19");
  c.set_edition_id("2018-06");
  c.set_state(v1::COLLECTION_STATE_CLOSED);
  *c.mutable_open_time() = At("2019-04-01T08:00:00Z");
  *c.mutable_close_time() = At("2019-06-30T22:59:00Z");
  c.set_attestation_required(true);
  auto* late = c.add_late_allowances();
  late->set_trust_ods_code("RAT");
  *late->mutable_until_time() = At("2019-07-07T16:00:00Z");
  late->set_reason("board met late");
  late->set_allowed_by("tokens/abc");
  const DisplayZone zone = LoadDisplayZone();
  std::map<std::string, std::string> fields;
  for (const auto& [field, value] : CollectionFields(c, zone)) fields[field] = value;
  EXPECT_EQ(fields["opens"], "2019-04-01 09:00 BST");
  EXPECT_EQ(fields["closes"], "2019-06-30 23:59 BST");
  EXPECT_EQ(fields["state"], "closed");
  EXPECT_EQ(fields["attestation"], "required for a return to count");
  EXPECT_NE(fields["late allowance"].find("RAT until 2019-07-07 17:00 BST: board met late"),
            std::string::npos)
      << fields["late allowance"];
  c.clear_close_time();
  fields.clear();
  for (const auto& [field, value] : CollectionFields(c, zone)) fields[field] = value;
  EXPECT_EQ(fields["closes"], "open-ended");

  std::ostringstream csv;
  CollectionsTable({c}, zone, Format::kCsv).Print(Format::kCsv, csv);
  EXPECT_NE(csv.str().find("2018-19,,2018-06,closed,2019-04-01T09:00:00+01:00,open-ended,"
                           "required,1\n"),
            std::string::npos)
      << csv.str();
}

TEST(SeasonTextTest, AttestationInOneLine) {
  v1::AssessmentReturn ret;
  EXPECT_EQ(AttestationLine(ret), "not attested");
  auto* a = ret.mutable_attestation();
  a->set_attested_by_name("Dr A Patel");
  a->set_attested_by_role("Chief executive");
  a->set_meeting_date("2019-05-30");
  a->set_minute_reference("TB 2019/045");
  EXPECT_EQ(AttestationLine(ret),
            "Dr A Patel (Chief executive), board meeting 2019-05-30, minute TB 2019/045");
}

}  // namespace
}  // namespace ahpl::cli
