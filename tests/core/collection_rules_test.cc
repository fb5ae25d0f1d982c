#include "core/collection_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

namespace ahpl {
namespace {

const absl::Time kOpen = absl::FromUnixSeconds(1546851600);   // 2019-01-07T09:00:00Z
const absl::Time kClose = absl::FromUnixSeconds(1553878800);  // 2019-03-29T17:00:00Z
const absl::Duration kTick = absl::Microseconds(1);

CollectionWindow Window() { return CollectionWindow{"2018-19", kOpen, kClose}; }

struct WindowCase {
  const char* name;
  absl::Time now;
  v1::CollectionState state;
  bool draft_allowed;
  bool submission_allowed;
};

class WindowTest : public ::testing::TestWithParam<WindowCase> {};

TEST_P(WindowTest, StateAndWritesAtTheInstant) {
  const WindowCase& c = GetParam();
  EXPECT_EQ(StateAt(Window(), c.now), c.state);
  auto draft = CheckReturnWrite(Window(), std::nullopt, ReturnWriteKind::kDraft, c.now);
  auto submission = CheckReturnWrite(Window(), std::nullopt, ReturnWriteKind::kSubmission, c.now);
  EXPECT_EQ(draft.ok(), c.draft_allowed) << draft.status();
  EXPECT_EQ(submission.ok(), c.submission_allowed) << submission.status();
  if (!submission.ok()) {
    EXPECT_EQ(submission.status().code(), absl::StatusCode::kFailedPrecondition);
    auto failure = PreconditionFailureOf(submission.status());
    ASSERT_TRUE(failure.has_value());
    ASSERT_EQ(failure->violations_size(), 1);
    EXPECT_EQ(failure->violations(0).subject(), "collections/2018-19");
    EXPECT_EQ(failure->violations(0).description(),
              "window 2019-01-07T09:00:00Z to 2019-03-29T17:00:00Z");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, WindowTest,
    ::testing::Values(
        WindowCase{"JustBeforeOpening", kOpen - kTick, v1::COLLECTION_STATE_SCHEDULED, true, false},
        WindowCase{"AtOpening", kOpen, v1::COLLECTION_STATE_OPEN, true, true},
        WindowCase{"JustBeforeClosing", kClose - kTick, v1::COLLECTION_STATE_OPEN, true, true},
        WindowCase{"AtClosing", kClose, v1::COLLECTION_STATE_CLOSED, false, false},
        WindowCase{"JustAfterClosing", kClose + kTick, v1::COLLECTION_STATE_CLOSED, false, false}),
    [](const ::testing::TestParamInfo<WindowCase>& info) { return info.param.name; });

TEST(CollectionRulesTest, AnOpenEndedWindowNeverCloses) {
  const CollectionWindow w{"2018-19", kOpen, std::nullopt};
  EXPECT_EQ(StateAt(w, kOpen + absl::Hours(24 * 365 * 50)), v1::COLLECTION_STATE_OPEN);
  EXPECT_EQ(DescribeWindow(w), "2019-01-07T09:00:00Z onwards");
}

TEST(CollectionRulesTest, ALateAllowanceLetsItsTrustWriteUntilItRunsOut) {
  const LateAllowanceFacts allowance{kClose + absl::Hours(24), "tokens/7", "board met late"};
  auto late =
      CheckReturnWrite(Window(), allowance, ReturnWriteKind::kSubmission, kClose + absl::Hours(1));
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(*late, "late: allowed until 2019-03-30T17:00:00Z by tokens/7: board met late");
  auto after =
      CheckReturnWrite(Window(), allowance, ReturnWriteKind::kSubmission, allowance.until_time);
  EXPECT_EQ(after.status().code(), absl::StatusCode::kFailedPrecondition);
  // Before the window opens an allowance changes nothing.
  EXPECT_FALSE(
      CheckReturnWrite(Window(), allowance, ReturnWriteKind::kSubmission, kOpen - kTick).ok());
}

TEST(CollectionRulesTest, UpdatesAreRefusedOnceClosedAndOpeningDoesNotMoveOnceOpen) {
  v1::Collection c;
  c.set_name("collections/2018-19");
  c.set_cycle("2018-19");
  c.set_edition_id("2018-06");
  c.set_title("t");
  *c.mutable_open_time() = ToTimestamp(kOpen);
  *c.mutable_close_time() = ToTimestamp(kClose);
  v1::Collection update;
  *update.mutable_open_time() = ToTimestamp(kOpen + absl::Hours(1));
  *update.mutable_close_time() = ToTimestamp(kClose + absl::Hours(48));
  update.set_edition_id("2019-01");

  auto extended = UpdatedCollection(c, update, {"close_time"}, true, kOpen + absl::Hours(1));
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(ToTime(extended->close_time()), kClose + absl::Hours(48));
  EXPECT_EQ(UpdatedCollection(c, update, {"open_time"}, false, kOpen + kTick).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(UpdatedCollection(c, update, {"open_time"}, false, kOpen - kTick).ok());
  EXPECT_EQ(UpdatedCollection(c, update, {"edition_id"}, true, kOpen - kTick).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(UpdatedCollection(c, update, {"close_time"}, true, kClose).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(UpdatedCollection(c, update, {"cycle"}, true, kOpen).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::Collection untitled;
  EXPECT_EQ(UpdatedCollection(c, untitled, {"title"}, true, kOpen).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "a collection keeps a title";

  EXPECT_TRUE(ClosedCollection(c, kOpen + kTick).ok());
  EXPECT_EQ(ClosedCollection(c, kClose).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReopenedCollection(c, std::nullopt, kOpen + kTick).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto reopened = ReopenedCollection(c, std::nullopt, kClose + kTick);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(reopened->has_close_time());
  EXPECT_EQ(ReopenedCollection(c, kClose, kClose + kTick).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CollectionRulesTest, AnAttestationNamesWhoWhenAndTheMinute) {
  v1::Attestation a;
  auto v = ValidateAttestation(a, "2019-03-30", "attestation");
  std::set<std::string> fields;
  for (const auto& f : v.bad_request().field_violations()) fields.insert(f.field());
  EXPECT_EQ(fields,
            (std::set<std::string>{"attestation.attested_by_name", "attestation.attested_by_role",
                                   "attestation.minute_reference", "attestation.meeting_date"}));
  a.set_attested_by_name("Dr A Patel");
  a.set_attested_by_role("Chair");
  a.set_minute_reference("TB 45");
  a.set_meeting_date("2019-03-30");
  EXPECT_TRUE(ValidateAttestation(a, "2019-03-30", "").empty());
  a.set_meeting_date("2019-03-31");
  EXPECT_FALSE(ValidateAttestation(a, "2019-03-30", "").empty()) << "not after today";
  a.set_meeting_date("2019-03-30");
  a.set_minute_reference(std::string("TB\0 45", 6));
  EXPECT_FALSE(ValidateAttestation(a, "2019-03-30", "").empty()) << "no NUL bytes";
}

TEST(CollectionRulesTest, NamesAreCollectionsSlashCycle) {
  FieldViolations v;
  EXPECT_EQ(CycleFromCollectionName("collections/2018-19", "name", v), "2018-19");
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(CycleFromCollectionName("collections/2018-20", "name", v), "");
  EXPECT_EQ(CycleFromCollectionName("2018-19", "name", v), "");
  EXPECT_EQ(v.size(), 2u);
}

}  // namespace
}  // namespace ahpl
