#include "core/request_limits.h"

#include <string>

#include <gtest/gtest.h>

#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/classification.pb.h"
#include "core/field_violations.h"
#include "core/grpc_status.h"
#include "tests/support/status_matchers.h"

namespace ahpl {
namespace {

TEST(RequestLimitsTest, WithinLimitsIsOk) {
  v1::CreateReturnRequest request;
  request.set_request_id("r1");
  request.mutable_assessment_return()->add_answers()->set_evidence(std::string(9000, 'e'));
  EXPECT_TRUE(CheckRequestLimits(request).ok());
}

TEST(RequestLimitsTest, NamesAnOverlongString) {
  v1::CreateReturnRequest request;
  request.mutable_assessment_return()->mutable_respondent()->set_role(std::string(200000, 'r'));
  const absl::Status status = CheckRequestLimits(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::ViolatedFields(status),
            (std::set<std::string>{"assessment_return.respondent.role"}));
  EXPECT_LT(status.message().size(), 1000u);
}

TEST(RequestLimitsTest, NamesAnOverlongRepeatedFieldWithoutLookingInside) {
  v1::ClassifyArrangementsRequest request;
  for (int i = 0; i < 1001; ++i) {
    // Each entry is itself over the limits; only the field is named.
    request.add_arrangements()->mutable_senior_leader()->set_job_title(std::string(5000, 'j'));
  }
  const absl::Status status = CheckRequestLimits(request);
  EXPECT_EQ(testing::ViolatedFields(status), (std::set<std::string>{"arrangements"}));
}

TEST(RequestLimitsTest, PerFieldExceptions) {
  v1::CreateReturnRequest request;
  for (int i = 0; i < 201; ++i) request.mutable_assessment_return()->add_answers();
  request.mutable_assessment_return()->mutable_answers(7)->set_evidence(std::string(10001, 'e'));
  EXPECT_EQ(testing::ViolatedFields(CheckRequestLimits(request)),
            (std::set<std::string>{"assessment_return.answers"}));
  request.mutable_assessment_return()->mutable_answers()->RemoveLast();
  EXPECT_EQ(testing::ViolatedFields(CheckRequestLimits(request, "items[2]")),
            (std::set<std::string>{"items[2].assessment_return.answers[7].evidence"}));
}

TEST(FieldViolationsBoundsTest, AnErrorStaysSmallWhateverTheInput) {
  FieldViolations v;
  const std::string huge(200000, 'x');
  for (int i = 0; i < 20; ++i) v.Add(huge, "\"" + huge + "\" is not a question");
  for (int i = 20; i < 100000; ++i) v.Add(IndexPath("answers", i), "wrong");
  EXPECT_EQ(v.size(), 100000u);
  EXPECT_GT(v.bad_request().field_violations_size(), 3);
  EXPECT_LE(v.bad_request().field_violations_size(), static_cast<int>(kMaxListedViolations));
  const absl::Status status = v.ToStatus(huge);
  EXPECT_LE(status.message().size(), kMaxStatusMessageBytes);
  EXPECT_NE(status.message().find("and 99997 more"), absl::string_view::npos);
  // Well within the 8 KiB of trailers, even base64- and percent-encoded.
  const grpc::Status wire = ToGrpcStatus(status);
  EXPECT_LT(wire.error_message().size() + wire.error_details().size(), 5000u);
}

TEST(FieldViolationsBoundsTest, MergeCountsWhatTheOtherDidNotList) {
  FieldViolations inner;
  for (int i = 0; i < 30; ++i) inner.Add(IndexPath("answers", i), "wrong");
  FieldViolations outer;
  outer.Merge(inner, "assessment_return");
  EXPECT_EQ(outer.size(), 30u);
}

TEST(FieldViolationsBoundsTest, EchoedInvalidUtf8StaysParseable) {
  const absl::Status status = InvalidField("name", "no return \"\xff\xfe\"");
  const grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(testing::ViolatedFields(FromGrpcStatus(wire)), (std::set<std::string>{"name"}));
}

TEST(GrpcStatusBoundsTest, LongMessagesAreCut) {
  const grpc::Status wire = ToGrpcStatus(absl::NotFoundError(std::string(100000, 'n')));
  EXPECT_LE(wire.error_message().size(), kMaxStatusMessageBytes);
}

}  // namespace
}  // namespace ahpl
