#include "services/common/page_token.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ahpl {
namespace {

TEST(PageTokenTest, RoundTripsUnderTheSameFilter) {
  const std::string token = EncodePageToken("trusts:Y56", "RAL");
  auto key = DecodePageToken(token, "trusts:Y56");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "RAL");
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  auto key = DecodePageToken("", "anything");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "");
}

TEST(PageTokenTest, RefusesATokenIssuedForAnotherFilter) {
  const std::string token = EncodePageToken("trusts:Y56", "RAL");
  auto key = DecodePageToken(token, "trusts:Y58");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ViolatedFields(key.status()), (std::set<std::string>{"page_token"}));
}

TEST(PageTokenTest, RefusesGarbage) {
  for (const char* bad : {"!!!", "bm90IGEgdG9rZW4", "cDEfdHJ1c3RzOh8"}) {
    auto key = DecodePageToken(bad, "trusts:");
    EXPECT_FALSE(key.ok()) << bad;
    EXPECT_EQ(testing::ViolatedFields(key.status()), (std::set<std::string>{"page_token"})) << bad;
  }
}

TEST(PageTokenTest, ClampsPageSizes) {
  EXPECT_EQ(ClampPageSize(0, 50, 500), 50);
  EXPECT_EQ(ClampPageSize(-3, 50, 500), 50);
  EXPECT_EQ(ClampPageSize(20, 50, 500), 20);
  EXPECT_EQ(ClampPageSize(9000, 50, 500), 500);
}

}  // namespace
}  // namespace ahpl
