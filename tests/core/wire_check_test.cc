#include "core/wire_check.h"

#include <string>

#include <gtest/gtest.h>

#include "ahpl/v1/assessment.pb.h"
#include "core/utf8.h"
#include "tests/support/status_matchers.h"

namespace ahpl {
namespace {

// `message` serialized with the (same-length) `marker` replaced by `bytes`:
// protobuf will not serialize invalid UTF-8 itself.
std::string SerializedWith(const google::protobuf::Message& message, const std::string& marker,
                           const std::string& bytes) {
  std::string wire = message.SerializeAsString();
  const size_t at = wire.find(marker);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(marker.size(), bytes.size());
  if (at != std::string::npos) wire.replace(at, marker.size(), bytes);
  return wire;
}

v1::ImportReturnsRequest ThreeItems() {
  v1::ImportReturnsRequest request;
  for (int i = 0; i < 3; ++i) {
    auto* item = request.add_items();
    item->set_request_id("r" + std::to_string(i));
    auto* ret = item->mutable_assessment_return();
    ret->set_trust_ods_code("RX1");
    for (int a = 0; a < 5; ++a) {
      auto* answer = ret->add_answers();
      answer->set_question_id("q" + std::to_string(a));
      answer->set_evidence("fine");
    }
    ret->mutable_arrangement()->mutable_senior_leader()->set_job_title("AHP lead");
  }
  return request;
}

TEST(WireCheckTest, ValidBytesHaveNoProblem) {
  const std::string wire = ThreeItems().SerializeAsString();
  auto problem = FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire);
  EXPECT_FALSE(problem.has_value()) << problem->field << ": " << problem->description;
}

TEST(WireCheckTest, NamesTheStringFieldWithInvalidUtf8WithRepeatedIndexes) {
  auto request = ThreeItems();
  request.mutable_items(2)->mutable_assessment_return()->mutable_answers(3)->set_evidence("MARKER");
  const std::string wire = SerializedWith(request, "MARKER",
                                          "ab\xff\xfe"
                                          "cd");
  auto problem = FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->field, "items[2].assessment_return.answers[3].evidence");
  EXPECT_NE(problem->description.find("UTF-8"), std::string::npos);
}

TEST(WireCheckTest, NamesNestedSingularFields) {
  auto request = ThreeItems();
  request.mutable_items(1)
      ->mutable_assessment_return()
      ->mutable_arrangement()
      ->mutable_senior_leader()
      ->set_job_title("MARKER");
  const std::string wire = SerializedWith(request, "MARKER", "\xc0\xafxxxx");  // overlong '/'
  auto problem = FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->field, "items[1].assessment_return.arrangement.senior_leader.job_title");
}

TEST(WireCheckTest, TruncatedBytesAreMalformedWithAPosition) {
  const std::string wire = ThreeItems().SerializeAsString();
  auto problem =
      FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire.substr(0, wire.size() - 3));
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->description.find("malformed"), std::string::npos);
  EXPECT_NE(problem->description.find("byte"), std::string::npos);
}

TEST(WireCheckTest, GarbageIsMalformed) {
  auto problem = FindWireProblem(*v1::ImportReturnsRequest::descriptor(), "\xff\xff\xff\xff");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->field, "");
}

TEST(WireCheckTest, RefusesNestingDeeperThanTheLimit) {
  // items -> assessment_return -> arrangement -> senior_leader: depth 4.
  const std::string wire = ThreeItems().SerializeAsString();
  EXPECT_TRUE(FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire, 3).has_value());
  EXPECT_FALSE(FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire, 4).has_value());
}

TEST(WireCheckTest, ParseOrDiagnoseAnswersInvalidArgumentNamingThePrefixedField) {
  v1::CreateReturnRequest request;
  request.mutable_assessment_return()->mutable_respondent()->set_name("MARKER");
  const std::string wire = SerializedWith(request, "MARKER", "\xed\xa0\x80xyz");  // surrogate
  v1::CreateReturnRequest parsed;
  const absl::Status status = ParseOrDiagnose(wire, parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ViolatedFields(status),
            (std::set<std::string>{"assessment_return.respondent.name"}));
  v1::CreateReturnRequest good;
  good.set_request_id("x");
  EXPECT_TRUE(ParseOrDiagnose(good.SerializeAsString(), parsed).ok());
  EXPECT_EQ(parsed.request_id(), "x");
}

TEST(Utf8Test, ValidatesLikeRfc3629) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(ValidUtf8Prefix("ab\xff"
                            "cd"),
            2u);
}

TEST(Utf8Test, BoundedTextIsValidAndBounded) {
  EXPECT_EQ(BoundedText("short", 10), "short");
  EXPECT_EQ(BoundedText("a\xff"
                        "b",
                        10),
            "a?b");
  const std::string cut = BoundedText(std::string(1000, 'x'), 20);
  EXPECT_LE(cut.size(), 20u);
  EXPECT_EQ(cut.substr(cut.size() - 3), "\xe2\x80\xa6");
  // Never cuts a character in two.
  const std::string accents = BoundedText(std::string(50, 'a') + std::string(40, '\xc3'), 30);
  EXPECT_TRUE(IsValidUtf8(BoundedText("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8)));
  EXPECT_TRUE(IsValidUtf8(accents));
}

}  // namespace
}  // namespace ahpl
