// AssessmentService streaming import and export over gRPC against a real PostgreSQL.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "tests/assessment/fixtures.h"
#include "tests/assessment/service_fixture.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using assessment::testing::AssessmentServiceTest;
using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;

TEST_F(AssessmentServiceTest, ImportStoresGoodItemsAndReportsBadOnes) {
  grpc::ClientContext context;
  SetDeadline(context, 60);
  auto stream = stub_->ImportReturns(&context);
  constexpr int kChunks = 3, kPerChunk = 40;
  int64_t accepted = 0, rejected = 0;
  std::vector<int64_t> indexes;
  for (int c = 0; c < kChunks; ++c) {
    v1::ImportReturnsRequest request;
    for (int i = 0; i < kPerChunk; ++i) {
      auto* item = request.add_items();
      item->set_request_id("imp-" + std::to_string(c) + "-" + std::to_string(i));
      item->set_submit(true);
      *item->mutable_assessment_return() = CompleteReturn(i % 2 ? "RF4" : "RAL");
      if (i % 10 == 3) item->mutable_assessment_return()->set_cycle("1999");
      if (i % 10 == 7) item->mutable_assessment_return()->mutable_answers(2)->set_rating(9);
      if (i % 10 == 9) item->mutable_assessment_return()->set_trust_ods_code("ZZZZ");
    }
    ASSERT_TRUE(stream->Write(request));
    v1::ImportReturnsResponse response;
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_EQ(response.results_size(), kPerChunk);
    for (int i = 0; i < kPerChunk; ++i) {
      const auto& r = response.results(i);
      indexes.push_back(r.index());
      if (i % 10 == 3) {
        ASSERT_EQ(r.violations_size(), 1);
        EXPECT_EQ(r.violations(0).field(), "assessment_return.cycle");
      } else if (i % 10 == 7) {
        ASSERT_EQ(r.violations_size(), 1);
        EXPECT_EQ(r.violations(0).field(), "assessment_return.answers[2].rating");
      } else if (i % 10 == 9) {
        ASSERT_EQ(r.violations_size(), 1);
        EXPECT_EQ(r.violations(0).field(), "assessment_return.trust_ods_code")
            << "not in the register";
      } else {
        EXPECT_TRUE(r.violations().empty());
        EXPECT_FALSE(r.name().empty());
      }
    }
    accepted = response.accepted_count();
    rejected = response.rejected_count();
  }
  stream->WritesDone();
  ASSERT_TRUE(stream->Finish().ok());
  for (size_t i = 0; i < indexes.size(); ++i) EXPECT_EQ(indexes[i], static_cast<int64_t>(i));
  EXPECT_EQ(accepted, kChunks * 28);
  EXPECT_EQ(rejected, kChunks * 12);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), kChunks * 28);
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), kChunks * 28);
  EXPECT_EQ(Count("SELECT count(*) FROM returns WHERE status = 2 AND typology > 0 "
                  "AND array_length(ratings, 1) = 12"),
            kChunks * 28);
  const std::string metrics = server_.host().metrics().Scrape();
  EXPECT_NE(metrics.find("ahpl_import_items_total{result=\"accepted\"} 84\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ahpl_import_items_total{result=\"rejected\"} 36\n"), std::string::npos)
      << metrics;
}

TEST_F(AssessmentServiceTest, ImportReplaysItemsSeenBefore) {
  auto import = [&](const std::vector<std::pair<std::string, std::string>>& items) {
    grpc::ClientContext context;
    SetDeadline(context, 30);
    auto stream = stub_->ImportReturns(&context);
    v1::ImportReturnsRequest request;
    for (const auto& [id, trust] : items) {
      auto* item = request.add_items();
      item->set_request_id(id);
      *item->mutable_assessment_return() = MinimalDraft(trust);
    }
    EXPECT_TRUE(stream->Write(request));
    v1::ImportReturnsResponse response;
    EXPECT_TRUE(stream->Read(&response));
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
    return response;
  };
  const auto first = import({{"rep-a", "RF4"}, {"rep-b", "RAL"}});
  const auto second =
      import({{"rep-a", "RF4"}, {"rep-b", "RF4"}, {"rep-c", "RF4"}, {"rep-c", "RF4"}});
  EXPECT_TRUE(second.results(0).replayed());
  EXPECT_EQ(second.results(0).name(), first.results(0).name());
  EXPECT_EQ(second.results(1).violations(0).field(), "request_id") << "same id, other content";
  EXPECT_FALSE(second.results(2).replayed());
  EXPECT_TRUE(second.results(3).replayed()) << "a repeat within one chunk";
  EXPECT_EQ(second.results(3).name(), second.results(2).name());
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 3);
}

TEST_F(AssessmentServiceTest, ExportStreamsALargeFilteredSetInOrder) {
  {
    grpc::ClientContext context;
    SetDeadline(context, 60);
    auto stream = stub_->ImportReturns(&context);
    for (int c = 0; c < 3; ++c) {
      v1::ImportReturnsRequest request;
      for (int i = 0; i < 500; ++i) {
        auto* item = request.add_items();
        item->set_request_id("exp-" + std::to_string(c) + "-" + std::to_string(i));
        item->set_submit(true);
        *item->mutable_assessment_return() =
            CompleteReturn(i % 3 == 0 ? "RX3" : "RF4", i % 5 == 0 ? "2019-20" : "2018-19");
      }
      ASSERT_TRUE(stream->Write(request));
      v1::ImportReturnsResponse response;
      ASSERT_TRUE(stream->Read(&response));
    }
    stream->WritesDone();
    ASSERT_TRUE(stream->Finish().ok());
  }
  grpc::ClientContext context;
  SetDeadline(context, 60);
  v1::ExportReturnsRequest request;
  request.mutable_filter()->set_region_code("Y56");
  request.mutable_filter()->set_cycle("2018-19");
  auto reader = stub_->ExportReturns(&context, request);
  v1::ExportReturnsResponse chunk;
  std::vector<std::string> names;
  int chunks = 0;
  while (reader->Read(&chunk)) {
    ++chunks;
    for (const auto& r : chunk.returns()) {
      EXPECT_EQ(r.trust_ods_code(), "RF4");
      EXPECT_EQ(r.cycle(), "2018-19");
      EXPECT_EQ(r.answers_size(), 12);
      names.push_back(r.name());
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  const int expected =
      Count("SELECT count(*) FROM returns WHERE trust_ods_code = 'RF4' AND cycle = '2018-19'");
  EXPECT_EQ(static_cast<int>(names.size()), expected);
  EXPECT_GT(expected, 500);
  EXPECT_GT(chunks, 1);
  const auto listed = ListAll(request.filter(), 500);
  ASSERT_EQ(listed.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(listed[i].name(), names[i]) << i;
}

}  // namespace
}  // namespace ahpl
