// AssessmentService reads: get by name, filtered listing, and pages while returns are added.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

// What a reader is told about a return it cannot see, with the id and the
// version it asked for masked: the same for a return that does not exist,
// another trust's (any version, existing or not) and a missing version of
// its own.
std::string Masked(const grpc::Status& status, const std::string& id, int64_t version) {
  std::string message = status.error_message();
  for (const std::string& echoed : {id, std::to_string(version)}) {
    if (echoed == "0") continue;
    for (size_t at; (at = message.find(echoed)) != std::string::npos;) {
      message.replace(at, echoed.size(), "<echoed>");
    }
  }
  return absl::StrCat(static_cast<int>(status.error_code()), " ", message);
}

TEST_F(AssessmentServiceTest, OutOfScopeAndMissingReturnsAndVersionsReadTheSame) {
  // RF4 (London, Y56) has a return of one version; RX3 (North East) one of
  // two versions.
  v1::AssessmentReturn own, other, other_v2;
  ASSERT_TRUE(Create("same-own", MinimalDraft("RF4"), &own).ok());
  ASSERT_TRUE(Create("same-other", MinimalDraft("RX3"), &other).ok());
  v1::AssessmentReturn changed = CompleteReturn("RX3");
  changed.set_name(other.name());
  changed.set_etag(other.etag());
  ASSERT_TRUE(Update("same-other-2", changed, &other_v2).ok());
  ASSERT_EQ(other_v2.version(), 2);
  const std::string missing = "returns/00000000-0000-4000-8000-000000000000";

  struct Case {
    std::string label;
    std::string name;
    int64_t version;
  };
  // As RF4's trust token, and as London's region token: another trust's
  // existing version, another trust's missing version, a return that does
  // not exist; for the trust, a missing version of its own return too.
  for (const auto& [role, scope] : std::vector<std::pair<v1::Role, std::string>>{
           {v1::ROLE_TRUST, "RF4"}, {v1::ROLE_REGION, "Y56"}}) {
    auto stub = v1::AssessmentService::NewStub(server_.ChannelAs(role, scope));
    const std::vector<Case> cases = {
        {"another trust's version 1", other.name(), 1},
        {"another trust's version 2 (its latest)", other_v2.name(), 2},
        {"another trust's missing version", other.name(), 7},
        {"a return that does not exist", missing, 1},
        {"a missing version of one's own return", own.name(), 7},
    };
    std::set<std::string> answers;
    for (const Case& c : cases) {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::GetReturnRequest request;
      request.set_name(c.name);
      request.set_version(c.version);
      v1::GetReturnResponse response;
      const auto status = stub->GetReturn(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << scope << ": " << c.label;
      answers.insert(Masked(status, c.name.substr(8), c.version));
    }
    EXPECT_EQ(answers.size(), 1u) << scope
                                  << ": the answers differ: " << absl::StrJoin(answers, " | ");

    // The latest version, version history and benchmark: another trust's
    // return reads as one that does not exist.
    std::set<std::string> latest, history, benchmark;
    for (const std::string& name : {other.name(), missing}) {
      const std::string id = name.substr(8);
      {
        grpc::ClientContext context;
        SetDeadline(context);
        v1::GetReturnRequest request;
        request.set_name(name);
        v1::GetReturnResponse response;
        latest.insert(Masked(stub->GetReturn(&context, request, &response), id, 0));
      }
      {
        grpc::ClientContext context;
        SetDeadline(context);
        v1::ListReturnVersionsRequest request;
        request.set_name(name);
        v1::ListReturnVersionsResponse response;
        const auto status = stub->ListReturnVersions(&context, request, &response);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << scope << " " << name;
        history.insert(Masked(status, id, 0));
      }
      {
        grpc::ClientContext context;
        SetDeadline(context);
        v1::BenchmarkReturnRequest request;
        request.set_name(name);
        v1::BenchmarkReturnResponse response;
        const auto status = stub->BenchmarkReturn(&context, request, &response);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << scope << " " << name;
        benchmark.insert(Masked(status, id, 0));
      }
    }
    EXPECT_EQ(latest.size(), 1u) << absl::StrJoin(latest, " | ");
    EXPECT_EQ(history.size(), 1u) << absl::StrJoin(history, " | ");
    EXPECT_EQ(benchmark.size(), 1u) << absl::StrJoin(benchmark, " | ");
    EXPECT_EQ(*latest.begin(), *history.begin());
  }

  // Its own trust still reads every version.
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetReturnRequest request;
  request.set_name(other.name());
  request.set_version(1);
  v1::GetReturnResponse response;
  ASSERT_TRUE(Writer("RX3")->GetReturn(&context, request, &response).ok());
  EXPECT_EQ(response.assessment_return().version(), 1);
}

TEST_F(AssessmentServiceTest, RegionFiltersArePatternFree) {
  // What a person might type to match many regions: refused by the code
  // rule, never handed to SQL as a pattern.
  for (const std::string bad : {"Y5%", "y5%", "Y5_", "%", "Y%", "Y56%"}) {
    {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::ListReturnsRequest request;
      request.mutable_filter()->set_region_code(bad);
      v1::ListReturnsResponse response;
      const auto status = stub_->ListReturns(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
      EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"filter.region_code"})) << bad;
    }
    {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::ExportReturnsRequest request;
      request.mutable_filter()->set_region_code(bad);
      auto reader = stub_->ExportReturns(&context, request);
      v1::ExportReturnsResponse chunk;
      int chunks = 0;
      while (reader->Read(&chunk)) ++chunks;
      const auto status = reader->Finish();
      EXPECT_EQ(chunks, 0) << bad;
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
      EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"filter.region_code"})) << bad;
    }
    {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::SummarizeReturnsRequest request;
      request.set_cycle("2018-19");
      request.set_region_code(bad);
      v1::SummarizeReturnsResponse response;
      const auto status = stub_->SummarizeReturns(&context, request, &response);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
      EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"region_code"})) << bad;
    }
  }
}

}  // namespace
}  // namespace ahpl
