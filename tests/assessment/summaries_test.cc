// AssessmentService summaries per region under disclosure control, and kept counts vs a
// recount.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/disclosure.h"
#include "core/summary.h"
#include "services/assessment/assessment_store.h"
#include "services/common/pg_pool.h"
#include "tests/assessment/fixtures.h"
#include "tests/assessment/service_fixture.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using assessment::testing::AssessmentServiceTest;
using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;

TEST_F(AssessmentServiceTest, SummaryCountsSubmittedReturnsPerRegionInSql) {
  // London: 6 returns from 3 trusts; North East and Yorkshire: 2 from 1.
  // Drafts and withdrawn returns are not counted.
  auto lead8c = CompleteReturn("RF4");
  lead8c.mutable_arrangement()->mutable_senior_leader()->set_band(v1::BAND_8C);
  lead8c.mutable_arrangement()->mutable_senior_leader()->set_job_title("Head of Therapies");
  auto no_post = CompleteReturn("RAL");
  no_post.mutable_arrangement()->set_has_senior_ahp_leader(false);
  no_post.mutable_arrangement()->clear_senior_leader();
  auto lead8a = CompleteReturn("RF4");
  lead8a.mutable_arrangement()->mutable_senior_leader()->set_band(v1::BAND_8A);
  lead8a.mutable_arrangement()->mutable_senior_leader()->set_job_title("head of  therapies!");
  for (int i = 0; i < 3; ++i) MustSubmitNew("sum-a-" + std::to_string(i), lead8c);
  MustSubmitNew("sum-b", no_post);
  MustSubmitNew("sum-c", lead8a);
  MustSubmitNew("sum-d", CompleteReturn("G6V2S"));
  for (int i = 0; i < 2; ++i) MustSubmitNew("sum-e-" + std::to_string(i), CompleteReturn("RX3"));
  MustSubmitNew("sum-f", CompleteReturn("RX3", "2019-20"));
  ASSERT_TRUE(Create("sum-draft", MinimalDraft("RF4"), nullptr).ok());

  auto summarize = [&](const std::string& region, int suppress_below) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SummarizeReturnsRequest request;
    request.set_cycle("2018-19");
    request.set_region_code(region);
    request.set_suppress_below(suppress_below);
    v1::SummarizeReturnsResponse response;
    EXPECT_TRUE(stub_->SummarizeReturns(&context, request, &response).ok());
    return response;
  };
  auto count = [](const google::protobuf::RepeatedPtrField<v1::Count>& counts,
                  const std::string& key) {
    for (const auto& c : counts) {
      if (c.key() == key) return c.count();
    }
    return int64_t{-1};
  };

  // Exact counts come from the store only: no answer shows them.
  auto exact = assessment::testing::ExactSummaries(server_.database().url(), "2018-19");
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(exact->size(), 7u);
  v1::ReturnSummary total;
  for (const auto& r : *exact) assessment::MergeInto(total, r);
  EXPECT_EQ(total.trusts_in_register(), 202);
  EXPECT_EQ(total.returns(), 8);
  EXPECT_EQ(total.trusts_responding(), 4);
  EXPECT_NEAR(total.response_rate_percent(), 400.0 / 202, 1e-9);
  EXPECT_EQ(count(total.typology(), "TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL"), 7);
  EXPECT_EQ(count(total.typology(), "TYPOLOGY_UNIPROFESSIONAL"), 1);
  EXPECT_EQ(count(total.bands(), "BAND_8C"), 3);
  EXPECT_EQ(count(total.bands(), "BAND_8A"), 1);
  EXPECT_EQ(count(total.bands(), "BAND_8D"), 3);
  EXPECT_EQ(count(total.bands(), "NO_POST"), 1);
  EXPECT_EQ(total.returns_with_leader(), 7);
  EXPECT_EQ(total.leaders_at_8c_or_above(), 6);
  EXPECT_EQ(count(total.findings(), "NO_IDENTIFIABLE_LEADER"), 1);
  EXPECT_EQ(count(total.findings(), "LEADER_BELOW_8C"), 1);
  EXPECT_EQ(count(total.leader_titles(), "head of therapies"), 4) << "case and punctuation folded";
  EXPECT_EQ(total.distinct_leader_titles(), 2);
  ASSERT_EQ(total.questions_size(), 12);
  int64_t rated = 0;
  for (const auto& q : total.questions()) {
    for (const auto& r : q.ratings()) rated += r.count();
  }
  EXPECT_EQ(rated, 8 * 12);

  // The answer hides small counts, in regions and in England, whatever
  // threshold the request asks for; London's 3 at band 8c among them.
  const auto all = summarize("", 1);
  EXPECT_EQ(all.regions_size(), 7);
  EXPECT_EQ(all.total().suppress_below(), assessment::kDefaultSuppressBelow);
  EXPECT_TRUE(assessment::IsSuppressed(all.total(), "bands[BAND_8A]")) << "1 in England";
  const auto london = summarize("Y56", 0);
  ASSERT_EQ(london.regions_size(), 1);
  const auto& y56 = london.regions(0);
  EXPECT_EQ(count(y56.bands(), "BAND_8C"), 0);
  EXPECT_TRUE(assessment::IsSuppressed(y56, "bands[BAND_8C]"));
  for (int below : {1, 2, 4}) {
    const auto asked = summarize("Y56", below);
    EXPECT_EQ(asked.regions(0).SerializeAsString(), y56.SerializeAsString())
        << "asking for " << below << " cannot lower the threshold";
  }
  // The region-filtered total is the region, under the same control.
  v1::ReturnSummary region_total = london.total();
  region_total.set_region_code("Y56");
  EXPECT_EQ(region_total.SerializeAsString(), y56.SerializeAsString());
  // Raising the threshold hides more, never less.
  const auto raised = summarize("Y56", 7);
  EXPECT_EQ(raised.regions(0).suppress_below(), 7);
  for (const auto& path : y56.suppressed_cells()) {
    EXPECT_TRUE(assessment::IsSuppressed(raised.regions(0), path)) << path;
  }
}

TEST_F(AssessmentServiceTest, KeptCountsAlwaysEqualARecountOfTheReturns) {
  // Drafts, submissions, amendments, withdrawals and an import.
  const auto submitted = MustSubmitNew("cnt-1", CompleteReturn("RF4"));
  MustSubmitNew("cnt-2", CompleteReturn("RAL"));
  ASSERT_TRUE(Create("cnt-3", MinimalDraft("RX3"), nullptr).ok());
  v1::AssessmentReturn amended_content = submitted;
  amended_content.mutable_arrangement()->set_has_senior_ahp_leader(false);
  amended_content.mutable_arrangement()->clear_senior_leader();
  {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::AmendReturnRequest amend;
    amend.set_request_id("cnt-4");
    *amend.mutable_assessment_return() = amended_content;
    amend.set_reason("post vacated");
    v1::AmendReturnResponse amended;
    ASSERT_TRUE(Writer("RF4")->AmendReturn(&context, amend, &amended).ok());
    grpc::ClientContext withdraw_context;
    SetDeadline(withdraw_context);
    v1::WithdrawReturnRequest withdraw;
    withdraw.set_request_id("cnt-5");
    withdraw.set_name(submitted.name());
    withdraw.set_etag(amended.assessment_return().etag());
    withdraw.set_reason("duplicate");
    v1::WithdrawReturnResponse withdrawn;
    ASSERT_TRUE(Writer("RF4")->WithdrawReturn(&withdraw_context, withdraw, &withdrawn).ok());
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, 30);
    auto stream = stub_->ImportReturns(&context);
    v1::ImportReturnsRequest request;
    for (int i = 0; i < 50; ++i) {
      auto* item = request.add_items();
      item->set_request_id("cnt-import-" + std::to_string(i));
      item->set_submit(i % 5 != 0);
      *item->mutable_assessment_return() = CompleteReturn(i % 2 ? "RX4" : "RRF");
    }
    ASSERT_TRUE(stream->Write(request));
    v1::ImportReturnsResponse response;
    ASSERT_TRUE(stream->Read(&response));
    stream->WritesDone();
    ASSERT_TRUE(stream->Finish().ok());
  }
  const char* recount =
      "SELECT r.cycle, r.trust_ods_code, r.edition_id, f.kind, f.key, count(*) "
      "FROM returns r CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, r.typology, "
      "r.has_senior_leader, r.band, r.board_relationship, r.leader_title, r.finding_codes, "
      "r.ratings) f "
      "WHERE r.status = 2 GROUP BY 1, 2, 3, 4, 5";
  const char* kept =
      "SELECT cycle, trust_ods_code, edition_id, kind, key, n FROM return_counts WHERE n <> 0";
  EXPECT_EQ(Count(std::string("SELECT count(*) FROM ((") + recount + ") EXCEPT (" + kept + ")) d"),
            0);
  EXPECT_EQ(Count(std::string("SELECT count(*) FROM ((") + kept + ") EXCEPT (" + recount + ")) d"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM return_counts WHERE n < 0"), 0);
  EXPECT_EQ(Count("SELECT sum(n)::int FROM return_counts WHERE kind = 0"), 41);
}

}  // namespace
}  // namespace ahpl
