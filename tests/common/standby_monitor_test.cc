#include "services/common/standby_monitor.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"

namespace ahpl {
namespace {

TEST(ParseLsnTest, ReadsPostgresWalPositions) {
  EXPECT_EQ(*ParseLsn("0/0"), 0u);
  EXPECT_EQ(*ParseLsn("0/3000148"), 0x3000148u);
  EXPECT_EQ(*ParseLsn("16/B374D848"), (uint64_t{0x16} << 32) | 0xB374D848u);
  EXPECT_EQ(*ParseLsn("FFFFFFFF/FFFFFFFF"), ~uint64_t{0});
}

TEST(ParseLsnTest, RefusesAnythingElse) {
  for (const char* bad :
       {"", "/", "0/", "/0", "0", "0/0/0", "g/0", "0x1/0", "-1/0", " 1/0", "123456789/0", "0/+1"}) {
    EXPECT_FALSE(ParseLsn(bad).ok()) << bad;
  }
}

TEST(ReplayLagTest, IsNoneWhenTheStandbyHasReplayedWhatThePrimaryHad) {
  ReplayLag lag;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  lag.RecordPrimary(t0, 100);
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(5), 100), absl::ZeroDuration());
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(5), 150), absl::ZeroDuration());
}

TEST(ReplayLagTest, DoesNotGrowWhileThePrimaryIsIdle) {
  ReplayLag lag;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 100; ++i) {
    lag.RecordPrimary(t0 + absl::Seconds(i), 100);
    EXPECT_EQ(lag.Behind(t0 + absl::Seconds(i), 100), absl::ZeroDuration());
  }
}

TEST(ReplayLagTest, IsTheAgeOfTheOldestPositionNotReplayed) {
  ReplayLag lag;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  lag.RecordPrimary(t0, 100);
  lag.RecordPrimary(t0 + absl::Seconds(1), 200);
  lag.RecordPrimary(t0 + absl::Seconds(2), 300);
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(10), 50), absl::Seconds(10));
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(10), 100), absl::Seconds(9));
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(10), 250), absl::Seconds(8));
  EXPECT_EQ(lag.Behind(t0 + absl::Seconds(10), 300), absl::ZeroDuration());
}

TEST(ReplayLagTest, OverstatesRatherThanUnderstatesWhenFull) {
  ReplayLag lag;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (size_t i = 0; i < ReplayLag::kMaxRecorded + 100; ++i) {
    lag.RecordPrimary(t0 + absl::Seconds(i), 100 + i);
  }
  // Stuck before the first position: as old as the first.
  const absl::Time now = t0 + absl::Seconds(ReplayLag::kMaxRecorded + 100);
  EXPECT_EQ(lag.Behind(now, 0), now - t0);
  // Past the first two positions the truth is the third's age; merged
  // positions make it no less.
  EXPECT_GE(lag.Behind(now, 101), now - (t0 + absl::Seconds(2)));
  // Past every position, none.
  EXPECT_EQ(lag.Behind(now, 100 + ReplayLag::kMaxRecorded + 100), absl::ZeroDuration());
}

}  // namespace
}  // namespace ahpl
