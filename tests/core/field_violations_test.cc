#include "core/field_violations.h"

#include <gtest/gtest.h>

#include "core/grpc_status.h"
#include "tests/support/status_matchers.h"

namespace ahpl {
namespace {

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations v;
  EXPECT_TRUE(v.ToStatus("bad").ok());
}

TEST(FieldViolationsTest, CarriesEveryFieldAsBadRequest) {
  FieldViolations v;
  v.Add("a", "first");
  v.Add("b[2].c", "second");
  FieldViolations nested;
  nested.Add("id", "third");
  v.Merge(nested, "edition");
  const absl::Status status = v.ToStatus("request refused");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ViolatedFields(status), (std::set<std::string>{"a", "b[2].c", "edition.id"}));
  EXPECT_NE(status.message().find("request refused"), absl::string_view::npos);
}

TEST(FieldViolationsTest, MessageSummarisesLongLists) {
  FieldViolations v;
  for (int i = 0; i < 10; ++i) v.Add(IndexPath("f", i), "wrong");
  const absl::Status status = v.ToStatus("bad");
  EXPECT_NE(status.message().find("and 7 more"), absl::string_view::npos) << status;
  EXPECT_EQ(testing::ViolatedFields(status).size(), 10u);
}

TEST(GrpcStatusTest, BadRequestSurvivesTheRoundTripThroughGrpc) {
  FieldViolations v;
  v.Add("edition.questions[0].text", "must not be empty");
  const grpc::Status wire = ToGrpcStatus(v.ToStatus("bad edition"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(wire.error_details().empty());
  const absl::Status back = FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ViolatedFields(back), (std::set<std::string>{"edition.questions[0].text"}));
}

TEST(GrpcStatusTest, MapsCodesWithoutDetails) {
  const grpc::Status wire = ToGrpcStatus(absl::NotFoundError("no edition"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(wire.error_message(), "no edition");
  EXPECT_TRUE(wire.error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(PathTest, JoinsAndIndexes) {
  EXPECT_EQ(JoinPath("", "id"), "id");
  EXPECT_EQ(JoinPath("edition", "id"), "edition.id");
  EXPECT_EQ(IndexPath("edition.questions", 3), "edition.questions[3]");
}

}  // namespace
}  // namespace ahpl
