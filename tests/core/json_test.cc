#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace ahpl {
namespace {

std::string Arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonDepthTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(CheckJsonDepth(Arrays(kMaxJsonDepth)).ok());
  const std::string four = "{\"a\": [1, {\"b\": []}], \"c\": {}}";
  EXPECT_TRUE(CheckJsonDepth(four, 4).ok());
  EXPECT_FALSE(CheckJsonDepth(four, 3).ok());
  EXPECT_TRUE(CheckJsonDepth("").ok());
  EXPECT_EQ(kMaxJsonDepth, 64);
}

TEST(JsonDepthTest, RefusesTheFirstBracketTooDeepWithItsLineAndColumn) {
  const absl::Status s = CheckJsonDepth(Arrays(kMaxJsonDepth + 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "line 1, column 65: JSON nested deeper than 64 levels");
  const absl::Status on_line_3 = CheckJsonDepth("{\n  \"a\": 1,\n  \"b\": [{\"c\": [[]]}]\n}", 4);
  EXPECT_EQ(on_line_3.message(), "line 3, column 16: JSON nested deeper than 4 levels");
}

TEST(JsonDepthTest, IgnoresBracketsInsideStringsAndEscapedQuotes) {
  const std::string inside =
      "[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]";
  EXPECT_TRUE(CheckJsonDepth(inside, 1).ok());
  // After the string closes, brackets count again.
  EXPECT_FALSE(CheckJsonDepth("[\"\\\\\", [[]]]", 2).ok());
}

TEST(JsonDepthTest, StrayClosingBracketsDoNotBuyDepth) {
  EXPECT_FALSE(CheckJsonDepth(std::string(100, ']') + Arrays(3), 2).ok());
}

TEST(JsonDepthTest, AHundredThousandLevelsAreRefusedWithoutRecursing) {
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(100000, '}');
  EXPECT_EQ(CheckJsonDepth(objects).message(),
            "line 1, column 321: JSON nested deeper than 64 levels");
  EXPECT_FALSE(CheckJsonDepth(Arrays(100000)).ok());
}

}  // namespace
}  // namespace ahpl
