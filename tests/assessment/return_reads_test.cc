// AssessmentService reads: get by name, filtered listing, and pages while returns are added.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "tests/assessment/fixtures.h"
#include "tests/assessment/service_fixture.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using ahpl::testing::ViolatedFields;
using assessment::testing::AssessmentServiceTest;
using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;

TEST_F(AssessmentServiceTest, UnknownOrMalformedNames) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetReturnRequest request;
  request.set_name("returns/00000000-0000-4000-8000-000000000000");
  v1::GetReturnResponse response;
  EXPECT_EQ(stub_->GetReturn(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext malformed;
  SetDeadline(malformed);
  request.set_name("returns/'; DROP TABLE returns; --");
  const auto status = stub_->GetReturn(&malformed, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"name"}));
}

TEST_F(AssessmentServiceTest, ListFiltersByTrustRegionCycleStatusAndTypology) {
  MustSubmitNew("f-1", CompleteReturn("RF4"));             // London, strategic
  MustSubmitNew("f-2", CompleteReturn("RF4", "2019-20"));  // London, next cycle
  auto no_post = CompleteReturn("RAL");
  no_post.mutable_arrangement()->set_has_senior_ahp_leader(false);
  no_post.mutable_arrangement()->clear_senior_leader();
  MustSubmitNew("f-3", no_post);                                  // London, uniprofessional
  ASSERT_TRUE(Create("f-4", MinimalDraft("RX3"), nullptr).ok());  // North East, draft

  v1::ReturnFilter filter;
  EXPECT_EQ(ListAll(filter, 2).size(), 4u);
  filter.set_region_code("Y56");
  EXPECT_EQ(ListAll(filter, 2).size(), 3u);
  filter.set_cycle("2018-19");
  EXPECT_EQ(ListAll(filter, 2).size(), 2u);
  filter.set_typology(v1::TYPOLOGY_UNIPROFESSIONAL);
  const auto uni = ListAll(filter, 2);
  ASSERT_EQ(uni.size(), 1u);
  EXPECT_EQ(uni[0].trust_ods_code(), "RAL");
  v1::ReturnFilter drafts;
  drafts.set_status(v1::RETURN_STATUS_DRAFT);
  EXPECT_EQ(ListAll(drafts, 10).size(), 1u);
  v1::ReturnFilter trust;
  trust.set_trust_ods_code("RF4");
  EXPECT_EQ(ListAll(trust, 10).size(), 2u);

  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListReturnsRequest bad;
  bad.mutable_filter()->set_cycle("2018");
  bad.mutable_filter()->set_region_code("London");
  v1::ListReturnsResponse response;
  EXPECT_EQ(ViolatedFields(stub_->ListReturns(&context, bad, &response)),
            (std::set<std::string>{"filter.cycle", "filter.region_code"}));
}

TEST_F(AssessmentServiceTest, PagesHaveNoGapsOrRepeatsWhileReturnsAreAdded) {
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(Create("page-" + std::to_string(i), MinimalDraft(), nullptr).ok());
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 200; ++i) {
      Create("page-more-" + std::to_string(i), MinimalDraft(), nullptr);
    }
  });
  std::set<std::string> seen;
  std::vector<std::string> order;
  std::string token;
  do {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListReturnsRequest request;
    request.set_page_size(7);
    request.set_page_token(token);
    v1::ListReturnsResponse response;
    ASSERT_TRUE(stub_->ListReturns(&context, request, &response).ok());
    for (const auto& r : response.returns()) {
      EXPECT_TRUE(seen.insert(r.name()).second) << "repeated " << r.name();
      order.push_back(r.name());
    }
    token = response.next_page_token();
  } while (!token.empty() && seen.size() < 100);
  stop = true;
  writer.join();
  EXPECT_GE(seen.size(), 30u);
  // No gaps: every return created before the listing ended is in it, up to
  // the last one listed.
  pqxx::connection conn(server_.database().url());
  pqxx::read_transaction tx(conn);
  const auto last = order.back().substr(std::string("returns/").size());
  const int before = tx.exec_params(
                           "SELECT count(*)::int FROM returns "
                           "WHERE seq <= (SELECT seq FROM returns WHERE id = $1::uuid)",
                           last)[0][0]
                         .as<int>();
  EXPECT_EQ(before, static_cast<int>(seen.size()));
}

}  // namespace
}  // namespace ahpl
