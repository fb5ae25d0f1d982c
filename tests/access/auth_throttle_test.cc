// The memory of unknown secrets and the per-address budget of failed
// lookups, driven with explicit times.
#include "services/access/auth_throttle.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace ahpl::access {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(PeerKeyTest, TakesTheAddressWithoutThePort) {
  EXPECT_EQ(PeerKey("ipv4:127.0.0.1:53211"), "127.0.0.1");
  EXPECT_EQ(PeerKey("ipv4:10.1.2.3:80"), "10.1.2.3");
  EXPECT_EQ(PeerKey("ipv6:[::1]:50051"), "::/64");
  EXPECT_EQ(PeerKey("ipv6:%5B::1%5D:50051"), "::/64");
  EXPECT_EQ(PeerKey("ipv6:[::ffff:10.1.2.3]:50051"), "10.1.2.3");
  EXPECT_EQ(PeerKey("unix:/run/ahpl.sock"), "unix:/run/ahpl.sock");
}

TEST(PeerKeyTest, OneIpv6HostIsItsSlash64) {
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2:aaaa::1]:1"), PeerKey("ipv6:[2001:db8:1:2:bbbb::9]:2"));
  EXPECT_EQ(PeerKey("ipv6:[2001:db8:1:2::1]:1"), "2001:db8:1:2::/64");
  EXPECT_NE(PeerKey("ipv6:[2001:db8:1:2::1]:1"), PeerKey("ipv6:[2001:db8:1:3::1]:1"));
  EXPECT_EQ(PeerKey("ipv6:[fe80::1%25eth0]:1"), "fe80::/64");
}

TEST(RecentFailuresTest, RemembersForAWhile) {
  RecentFailures failures(10, absl::Minutes(10));
  failures.Add("a", kStart);
  EXPECT_TRUE(failures.Contains("a", kStart + absl::Minutes(9)));
  EXPECT_FALSE(failures.Contains("a", kStart + absl::Minutes(10)));
  EXPECT_FALSE(failures.Contains("b", kStart));
}

TEST(RecentFailuresTest, ForgetsAHashWhenItsTokenIsCreated) {
  RecentFailures failures(10, absl::Minutes(10));
  failures.Add("a", kStart);
  failures.Remove("a");
  EXPECT_FALSE(failures.Contains("a", kStart));
}

TEST(RecentFailuresTest, KeepsOnlyTheMostRecent) {
  RecentFailures failures(100, absl::Minutes(10));
  for (int i = 0; i < 1000; ++i) failures.Add(absl::StrCat("h", i), kStart + absl::Milliseconds(i));
  EXPECT_LE(failures.size(), 100u);
  EXPECT_TRUE(failures.Contains("h999", kStart + absl::Seconds(1)));
  EXPECT_TRUE(failures.Contains("h900", kStart + absl::Seconds(1)));
  EXPECT_FALSE(failures.Contains("h899", kStart + absl::Seconds(1)));
  EXPECT_FALSE(failures.Contains("h0", kStart + absl::Seconds(1)));
}

TEST(PeerBucketsTest, ABurstThenTheRefillRate) {
  PeerBuckets buckets(5, 1, 100);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(buckets.TryTake("p", kStart)) << i;
  absl::Duration wait;
  EXPECT_FALSE(buckets.TryTake("p", kStart, &wait));
  EXPECT_EQ(wait, absl::Seconds(1));
  EXPECT_FALSE(buckets.HasToken("p", kStart + absl::Milliseconds(900)));
  EXPECT_TRUE(buckets.HasToken("p", kStart + absl::Seconds(1)));
  EXPECT_TRUE(buckets.TryTake("p", kStart + absl::Seconds(1)));
  EXPECT_FALSE(buckets.TryTake("p", kStart + absl::Seconds(1)));
  EXPECT_TRUE(buckets.TryTake("other", kStart)) << "each address has its own budget";
}

TEST(PeerBucketsTest, RefundsGiveBackWhatWasTaken) {
  PeerBuckets buckets(2, 0, 100);
  EXPECT_TRUE(buckets.TryTake("p", kStart));
  buckets.Refund("p", kStart);
  EXPECT_TRUE(buckets.TryTake("p", kStart));
  EXPECT_TRUE(buckets.TryTake("p", kStart));
  EXPECT_FALSE(buckets.TryTake("p", kStart));
  buckets.Refund("p", kStart);
  buckets.Refund("p", kStart);
  buckets.Refund("p", kStart);
  EXPECT_TRUE(buckets.TryTake("p", kStart));
  EXPECT_TRUE(buckets.TryTake("p", kStart));
  EXPECT_FALSE(buckets.TryTake("p", kStart)) << "refunds never exceed the burst";
}

TEST(PeerBucketsTest, MemoryIsBoundedWhateverTheNumberOfAddresses) {
  PeerBuckets buckets(3, 1, 50);
  for (int i = 0; i < 10000; ++i)
    buckets.TryTake(absl::StrCat("10.0.", i / 256, ".", i % 256), kStart);
  EXPECT_LE(buckets.tracked_peers(), 50u);
  // New addresses beyond the table share one bucket, which is soon empty.
  int taken = 0;
  for (int i = 0; i < 100; ++i) taken += buckets.TryTake(absl::StrCat("new", i), kStart);
  EXPECT_EQ(taken, 0) << "the shared bucket was spent by the addresses before";
  // Idle addresses (their buckets full again) make room.
  EXPECT_TRUE(buckets.TryTake("later", kStart + absl::Minutes(1)));
  EXPECT_LE(buckets.tracked_peers(), 50u);
}

}  // namespace
}  // namespace ahpl::access
