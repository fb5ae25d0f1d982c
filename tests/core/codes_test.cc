#include "core/codes.h"

#include <gtest/gtest.h>

#include <string>

namespace ahpl {
namespace {

struct CodeCase {
  std::string text;
  bool valid;
};

class OdsCodeTest : public ::testing::TestWithParam<CodeCase> {};
TEST_P(OdsCodeTest, FollowsTheRule) { EXPECT_EQ(IsOdsCode(GetParam().text), GetParam().valid); }
INSTANTIATE_TEST_SUITE_P(Codes, OdsCodeTest,
                         ::testing::Values(CodeCase{"RAT", true}, CodeCase{"R1F", true},
                                           CodeCase{"RXXXX", true}, CodeCase{"RA", false},
                                           CodeCase{"RXXXXX", false}, CodeCase{"rat", false},
                                           CodeCase{"R-T", false}, CodeCase{"R%", false},
                                           CodeCase{"", false}));

class RegionCodeTest : public ::testing::TestWithParam<CodeCase> {};
TEST_P(RegionCodeTest, FollowsTheRule) {
  EXPECT_EQ(IsRegionCode(GetParam().text), GetParam().valid);
}
INSTANTIATE_TEST_SUITE_P(Codes, RegionCodeTest,
                         ::testing::Values(CodeCase{"Y56", true}, CodeCase{"Y63", true},
                                           CodeCase{"y56", false}, CodeCase{"Y5%", false},
                                           CodeCase{"Y5", false}, CodeCase{"Y560", false},
                                           CodeCase{"X56", false}, CodeCase{"YAB", false},
                                           CodeCase{"", false}));

class CycleTest : public ::testing::TestWithParam<CodeCase> {};
TEST_P(CycleTest, FollowsTheRule) { EXPECT_EQ(IsCycle(GetParam().text), GetParam().valid); }
INSTANTIATE_TEST_SUITE_P(Codes, CycleTest,
                         ::testing::Values(CodeCase{"2018-19", true}, CodeCase{"2099-00", true},
                                           CodeCase{"2018-20", false}, CodeCase{"2018/19", false},
                                           CodeCase{"18-19", false}, CodeCase{"1999-00", false},
                                           CodeCase{"2018-1x", false}, CodeCase{"", false}));

class RequestIdTest : public ::testing::TestWithParam<CodeCase> {};
TEST_P(RequestIdTest, FollowsTheRule) { EXPECT_EQ(IsRequestId(GetParam().text), GetParam().valid); }
INSTANTIATE_TEST_SUITE_P(Codes, RequestIdTest,
                         ::testing::Values(CodeCase{"import:2018-19:RF4.1", true},
                                           CodeCase{std::string(128, 'a'), true},
                                           CodeCase{"", false}, CodeCase{"has space", false},
                                           CodeCase{std::string(129, 'a'), false},
                                           CodeCase{"a/b", false}));

// Codes match case-insensitively: what a person types is canonicalised
// before the rule is applied.
TEST(CanonicalCodeTest, TypedCodesMatchInAnyCase) {
  EXPECT_EQ(CanonicalCode("rat"), "RAT");
  EXPECT_EQ(CanonicalCode("y56"), "Y56");
  EXPECT_TRUE(IsOdsCode(CanonicalCode("r1f")));
  EXPECT_TRUE(IsRegionCode(CanonicalCode("y56")));
  EXPECT_FALSE(IsRegionCode(CanonicalCode("y5%")));
}

}  // namespace
}  // namespace ahpl
