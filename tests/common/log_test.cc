#include "services/common/log.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ahpl {
namespace {

TEST(LogRateLimiterTest, AtMostTheBurstPerWindowThenItSaysHowManyWereHeldBack) {
  LogRateLimiter limiter(3, absl::Minutes(1));
  const absl::Time start = absl::FromUnixSeconds(1800000000);
  int64_t held_back = -1;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Admit(start + absl::Seconds(i), &held_back)) << i;
    EXPECT_EQ(held_back, 0);
  }
  for (int i = 0; i < 1000; ++i) {
    EXPECT_FALSE(limiter.Admit(start + absl::Seconds(10), &held_back)) << i;
  }
  EXPECT_FALSE(limiter.Admit(start + absl::Seconds(59), &held_back));
  ASSERT_TRUE(limiter.Admit(start + absl::Seconds(60), &held_back));
  EXPECT_EQ(held_back, 1001);
  ASSERT_TRUE(limiter.Admit(start + absl::Seconds(61), &held_back));
  EXPECT_EQ(held_back, 0) << "counted once";
}

}  // namespace
}  // namespace ahpl
