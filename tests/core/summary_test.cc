#include "core/summary.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

namespace ahpl::assessment {
namespace {

int64_t CountOf(const google::protobuf::RepeatedPtrField<v1::Count>& counts,
                const std::string& key) {
  for (const auto& c : counts) {
    if (c.key() == key) return c.count();
  }
  return -1;
}

v1::ReturnSummary Region(const std::string& code, int64_t trusts, int64_t returns,
                         int64_t responding, std::vector<std::pair<std::string, int64_t>> bands) {
  v1::ReturnSummary s;
  s.set_region_code(code);
  s.set_cycle("2018-19");
  s.set_trusts_in_register(trusts);
  s.set_returns(returns);
  s.set_trusts_responding(responding);
  for (const auto& [k, n] : bands) AddCount(*s.mutable_bands(), k, n);
  s.set_returns_with_leader(returns);
  s.set_leaders_at_8c_or_above(CountOf(s.bands(), "BAND_8C") > 0 ? CountOf(s.bands(), "BAND_8C")
                                                                 : 0);
  AddCount(*s.mutable_leader_titles(), "head of therapies", returns);
  auto* q = s.add_questions();
  q->set_question_id("concepts.identify-leader");
  AddCount(*q->mutable_ratings(), "4", returns);
  return s;
}

TEST(SummaryTest, MergeAddsCountsExactlyAndRecomputesRates) {
  v1::ReturnSummary total;
  MergeInto(total, Region("Y56", 31, 10, 8, {{"BAND_8C", 6}, {"BAND_8A", 4}}));
  MergeInto(total, Region("Y58", 18, 5, 5, {{"BAND_8C", 5}}));
  EXPECT_EQ(total.trusts_in_register(), 49);
  EXPECT_EQ(total.returns(), 15);
  EXPECT_EQ(total.trusts_responding(), 13);
  EXPECT_NEAR(total.response_rate_percent(), 100.0 * 13 / 49, 1e-9);
  EXPECT_EQ(CountOf(total.bands(), "BAND_8C"), 11);
  EXPECT_EQ(CountOf(total.bands(), "BAND_8A"), 4);
  EXPECT_EQ(total.leaders_at_8c_or_above(), 11);
  EXPECT_NEAR(total.share_at_8c_or_above_percent(), 100.0 * 11 / 15, 1e-9);
  EXPECT_EQ(CountOf(total.leader_titles(), "head of therapies"), 15);
  EXPECT_EQ(total.distinct_leader_titles(), 1);
  ASSERT_EQ(total.questions_size(), 1);
  EXPECT_EQ(CountOf(total.questions(0).ratings(), "4"), 15);
}

TEST(SummaryTest, MergeOrderDoesNotMatter) {
  const auto a = Region("Y56", 31, 10, 8, {{"BAND_8C", 6}, {"BAND_8A", 4}});
  const auto b = Region("Y58", 18, 5, 5, {{"BAND_8C", 5}, {"BAND_9", 1}});
  v1::ReturnSummary ab, ba;
  MergeInto(ab, a);
  MergeInto(ab, b);
  MergeInto(ba, b);
  MergeInto(ba, a);
  ab.clear_region_code();
  ba.clear_region_code();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ab, ba));
}

TEST(SummaryTest, DifferenceComparesTwoCycles) {
  auto a = Region("Y56", 31, 10, 8, {{"BAND_8C", 6}, {"BAND_8A", 4}});
  auto b = Region("Y56", 31, 12, 9, {{"BAND_8C", 9}, {"BAND_8D", 3}});
  a.set_cycle("2018-19");
  b.set_cycle("2019-20");
  Finalize(a);
  Finalize(b);
  const auto d = Difference(a, b);
  EXPECT_EQ(d.cycle(), "2018-19..2019-20");
  EXPECT_EQ(d.returns(), 2);
  EXPECT_EQ(d.trusts_responding(), 1);
  EXPECT_EQ(CountOf(d.bands(), "BAND_8C"), 3);
  EXPECT_EQ(CountOf(d.bands(), "BAND_8A"), -4);
  EXPECT_EQ(CountOf(d.bands(), "BAND_8D"), 3);
}

}  // namespace
}  // namespace ahpl::assessment
