// The command line's JSON reading, in process: JsonPathLines and ParseJson.
#include "sdk/cli/json_paths.h"

#include <gtest/gtest.h>

#include <string>

#include "ahpl/v1/assessment.pb.h"
#include "sdk/cli/json_input.h"

namespace ahpl::cli {
namespace {

TEST(JsonPathLinesTest, NamesTheLineOfEachField) {
  auto lines =
      JsonPathLines("{\n  \"cycle\": \"2018-19\",\n  \"answers\": [\n    {\"rating\": 3}\n  ]\n}");
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(LineOf(*lines, "cycle"), 2);
  EXPECT_EQ(LineOf(*lines, "answers[0].rating"), 4);
  EXPECT_EQ(LineOf(*lines, "answers[7].rating"), 3);
}

TEST(JsonPathLinesTest, RefusesNestingBeyondTheLimitOnItsOwn) {
  // Without the depth check in front, the scanner still stops at the limit
  // instead of recursing 100,000 times.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto lines = JsonPathLines(deep);
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(), "line 1, column 65: JSON nested deeper than 64 levels");
  EXPECT_TRUE(JsonPathLines(std::string(64, '[') + std::string(64, ']')).ok());
}

TEST(ParseJsonTest, RefusesDeepNestingNamingWhereFirst) {
  auto ret = ParseJson<v1::AssessmentReturn>(
      "{\"answers\": " + std::string(100000, '[') + std::string(100000, ']') + "}", "r.json");
  ASSERT_FALSE(ret.ok());
  EXPECT_EQ(ret.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ret.status().message(), "r.json: line 1, column 76: JSON nested deeper than 64 levels");
}

TEST(ParseJsonTest, ReadsAReturn) {
  auto ret = ParseJson<v1::AssessmentReturn>(
      "{\"trust_ods_code\": \"RAT\", \"answers\": [{\"question_id\": \"q\", \"rating\": 2}]}",
      "r.json");
  ASSERT_TRUE(ret.ok()) << ret.status();
  EXPECT_EQ(ret->trust_ods_code(), "RAT");
  EXPECT_EQ(ret->answers(0).rating(), 2);
}

}  // namespace
}  // namespace ahpl::cli
