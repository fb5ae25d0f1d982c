// AssessmentService over a real gRPC channel against a real PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/summary.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;
using ahpl::testing::SetDeadline;
using ahpl::testing::ViolatedFields;

class AssessmentServiceTest : public ::testing::Test {
 protected:
  AssessmentServiceTest() : stub_(v1::AssessmentService::NewStub(server_.channel())) {}

  grpc::Status Create(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::CreateReturnRequest request;
    request.set_request_id(request_id);
    *request.mutable_assessment_return() = r;
    v1::CreateReturnResponse response;
    auto status = Writer(r.trust_ods_code())->CreateReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  // As the return's trust, or as trust `as`.
  grpc::Status Update(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out, const std::string& as = "") {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::UpdateReturnRequest request;
    request.set_request_id(request_id);
    *request.mutable_assessment_return() = r;
    v1::UpdateReturnResponse response;
    auto status = Writer(as.empty() ? r.trust_ods_code() : as)->UpdateReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  grpc::Status Submit(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SubmitReturnRequest request;
    request.set_request_id(request_id);
    request.set_name(r.name());
    request.set_etag(r.etag());
    v1::SubmitReturnResponse response;
    auto status = Writer(r.trust_ods_code())->SubmitReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  v1::AssessmentReturn MustSubmitNew(const std::string& key, const v1::AssessmentReturn& r) {
    v1::AssessmentReturn draft, submitted;
    EXPECT_TRUE(Create(key + "-c", r, &draft).ok());
    EXPECT_TRUE(Submit(key + "-s", draft, &submitted).ok());
    return submitted;
  }

  int Count(const std::string& sql) {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    return tx.exec(sql)[0][0].as<int>();
  }

  std::vector<v1::AssessmentReturn> ListAll(const v1::ReturnFilter& filter, int page_size) {
    std::vector<v1::AssessmentReturn> all;
    std::string token;
    do {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::ListReturnsRequest request;
      *request.mutable_filter() = filter;
      request.set_page_size(page_size);
      request.set_page_token(token);
      v1::ListReturnsResponse response;
      auto status = stub_->ListReturns(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& r : response.returns()) all.push_back(r);
      token = response.next_page_token();
    } while (!token.empty());
    return all;
  }

  // A stub calling as trust `ods_code` (returns are written by their trust).
  v1::AssessmentService::Stub* Writer(const std::string& ods_code) {
    auto& stub = writers_[ods_code];
    if (stub == nullptr) {
      stub = v1::AssessmentService::NewStub(server_.ChannelAs(v1::ROLE_TRUST, ods_code));
    }
    return stub.get();
  }

  ahpl::testing::TestServer server_{"assessment"};
  // Calls as the national team: reads everything, imports.
  std::unique_ptr<v1::AssessmentService::Stub> stub_;
  std::map<std::string, std::unique_ptr<v1::AssessmentService::Stub>> writers_;
};

TEST_F(AssessmentServiceTest, FullLifecycleKeepsEveryVersion) {
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("life-1", MinimalDraft(), &draft).ok());
  EXPECT_EQ(draft.status(), v1::RETURN_STATUS_DRAFT);
  EXPECT_EQ(draft.version(), 1);
  EXPECT_TRUE(draft.name().rfind("returns/", 0) == 0);
  EXPECT_FALSE(draft.etag().empty());
  EXPECT_FALSE(draft.written_by().empty());

  v1::AssessmentReturn filled = CompleteReturn();
  filled.set_name(draft.name());
  filled.set_etag(draft.etag());
  v1::AssessmentReturn updated;
  ASSERT_TRUE(Update("life-2", filled, &updated).ok());
  EXPECT_EQ(updated.version(), 2);
  EXPECT_EQ(updated.answers_size(), 12);

  v1::AssessmentReturn submitted;
  ASSERT_TRUE(Submit("life-3", updated, &submitted).ok());
  EXPECT_EQ(submitted.status(), v1::RETURN_STATUS_SUBMITTED);
  EXPECT_EQ(submitted.version(), 3);
  EXPECT_GT(submitted.submit_time().seconds(), 0);
  EXPECT_EQ(submitted.classification().typology(), v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(submitted.classification().ruleset_version(), "2018-06.1");

  v1::AssessmentReturn amended_content = submitted;
  amended_content.mutable_arrangement()->set_has_senior_ahp_leader(false);
  amended_content.mutable_arrangement()->clear_senior_leader();
  grpc::ClientContext amend_context;
  SetDeadline(amend_context);
  v1::AmendReturnRequest amend;
  amend.set_request_id("life-4");
  *amend.mutable_assessment_return() = amended_content;
  amend.set_reason("The AHP director post was vacated");
  v1::AmendReturnResponse amended;
  const auto amend_status = Writer("RF4")->AmendReturn(&amend_context, amend, &amended);
  ASSERT_TRUE(amend_status.ok()) << amend_status.error_code() << " " << amend_status.error_message();
  EXPECT_EQ(amended.assessment_return().version(), 4);
  EXPECT_EQ(amended.assessment_return().change_reason(), "The AHP director post was vacated");
  EXPECT_EQ(amended.assessment_return().classification().typology(), v1::TYPOLOGY_UNIPROFESSIONAL);
  EXPECT_EQ(amended.assessment_return().submit_time().seconds(), submitted.submit_time().seconds());

  grpc::ClientContext withdraw_context;
  SetDeadline(withdraw_context);
  v1::WithdrawReturnRequest withdraw;
  withdraw.set_request_id("life-5");
  withdraw.set_name(draft.name());
  withdraw.set_etag(amended.assessment_return().etag());
  withdraw.set_reason("Submitted by mistake");
  v1::WithdrawReturnResponse withdrawn;
  ASSERT_TRUE(Writer("RF4")->WithdrawReturn(&withdraw_context, withdraw, &withdrawn).ok());
  EXPECT_EQ(withdrawn.assessment_return().status(), v1::RETURN_STATUS_WITHDRAWN);
  EXPECT_EQ(withdrawn.assessment_return().version(), 5);
  EXPECT_EQ(withdrawn.assessment_return().answers_size(), 12);

  grpc::ClientContext versions_context;
  SetDeadline(versions_context);
  v1::ListReturnVersionsRequest versions_request;
  versions_request.set_name(draft.name());
  v1::ListReturnVersionsResponse versions;
  ASSERT_TRUE(stub_->ListReturnVersions(&versions_context, versions_request, &versions).ok());
  std::vector<v1::ReturnStatus> statuses;
  for (const auto& v : versions.versions()) statuses.push_back(v.status());
  EXPECT_EQ(statuses, (std::vector<v1::ReturnStatus>{
                          v1::RETURN_STATUS_DRAFT, v1::RETURN_STATUS_DRAFT, v1::RETURN_STATUS_SUBMITTED,
                          v1::RETURN_STATUS_SUBMITTED, v1::RETURN_STATUS_WITHDRAWN}));

  grpc::ClientContext get_context;
  SetDeadline(get_context);
  v1::GetReturnRequest get;
  get.set_name(draft.name());
  get.set_version(1);
  v1::GetReturnResponse first;
  ASSERT_TRUE(stub_->GetReturn(&get_context, get, &first).ok());
  EXPECT_EQ(first.assessment_return().answers_size(), 0);
  EXPECT_EQ(first.assessment_return().etag(), draft.etag());
}

TEST_F(AssessmentServiceTest, CreateCanSubmitInOneCall) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::CreateReturnRequest request;
  request.set_request_id("one-call");
  request.set_submit(true);
  *request.mutable_assessment_return() = CompleteReturn();
  v1::CreateReturnResponse response;
  ASSERT_TRUE(Writer("RF4")->CreateReturn(&context, request, &response).ok());
  EXPECT_EQ(response.assessment_return().status(), v1::RETURN_STATUS_SUBMITTED);
  EXPECT_EQ(response.assessment_return().version(), 1);
  EXPECT_EQ(response.assessment_return().classification().typology(),
            v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);

  grpc::ClientContext incomplete_context;
  SetDeadline(incomplete_context);
  request.set_request_id("one-call-incomplete");
  *request.mutable_assessment_return() = MinimalDraft();
  const auto status = Writer("RF4")->CreateReturn(&incomplete_context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status).count("assessment_return.respondent.name"), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
}

TEST_F(AssessmentServiceTest, SubmittingAnIncompleteDraftNamesEveryMissingFieldAndWritesNothing) {
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("inc-1", MinimalDraft(), &draft).ok());
  v1::AssessmentReturn out;
  const auto status = Submit("inc-2", draft, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto fields = ViolatedFields(status);
  for (const char* f : {"respondent.name", "respondent.role", "answers",
                        "arrangement.professions_employed", "arrangement.representation"}) {
    EXPECT_EQ(fields.count(f), 1u) << f;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), 1);
  EXPECT_EQ(Count("SELECT max(current_version) FROM returns"), 1);
}

TEST_F(AssessmentServiceTest, CreateValidatesIdentityFields) {
  v1::AssessmentReturn r = MinimalDraft("RF4");
  r.set_cycle("2018");
  r.set_edition_id("1999-01");
  r.add_answers()->set_question_id("nope");
  const auto status = Create("bad-1", r, nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"assessment_return.cycle", "assessment_return.edition_id"}));
  EXPECT_EQ(ViolatedFields(Create("", MinimalDraft(), nullptr)),
            (std::set<std::string>{"request_id"}));
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 0);
}

TEST_F(AssessmentServiceTest, RetryingWithTheSameRequestIdWritesOnce) {
  v1::AssessmentReturn first, second;
  ASSERT_TRUE(Create("same-1", MinimalDraft(), &first).ok());
  ASSERT_TRUE(Create("same-1", MinimalDraft(), &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(first.etag(), second.etag());
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
  v1::AssessmentReturn submitted_once, submitted_twice;
  ASSERT_TRUE(Update("same-2", [&] {
                auto r = CompleteReturn();
                r.set_name(first.name());
                r.set_etag(first.etag());
                return r;
              }(), &first).ok());
  ASSERT_TRUE(Submit("same-3", first, &submitted_once).ok());
  ASSERT_TRUE(Submit("same-3", first, &submitted_twice).ok()) << "a retried submit is replayed";
  EXPECT_EQ(submitted_once.version(), submitted_twice.version());
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), 3);
}

TEST_F(AssessmentServiceTest, ReusingARequestIdForOtherContentIsRefused) {
  ASSERT_TRUE(Create("reuse-1", MinimalDraft("RF4"), nullptr).ok());
  const auto status = Create("reuse-1", MinimalDraft("RAL"), nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"request_id"}));
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
}

TEST_F(AssessmentServiceTest, StaleEtagIsAborted) {
  v1::AssessmentReturn v1r, v2r;
  ASSERT_TRUE(Create("stale-1", MinimalDraft(), &v1r).ok());
  ASSERT_TRUE(Update("stale-2", v1r, &v2r).ok());
  v1::AssessmentReturn out;
  EXPECT_EQ(Update("stale-3", v1r, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Submit("stale-4", v1r, &out).error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(AssessmentServiceTest, TwoConcurrentUpdatesFromOneEtagExactlyOneWins) {
  for (int round = 0; round < 5; ++round) {
    v1::AssessmentReturn base;
    ASSERT_TRUE(Create("race-base-" + std::to_string(round), MinimalDraft(), &base).ok());
    std::atomic<int> ok{0}, aborted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        v1::AssessmentReturn change = base;
        change.mutable_respondent()->set_name("Editor " + std::to_string(i));
        const auto s = Update("race-" + std::to_string(round) + "-" + std::to_string(i), change, nullptr);
        if (s.ok()) ++ok;
        if (s.error_code() == grpc::StatusCode::ABORTED) ++aborted;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(aborted.load(), 3);
  }
}

TEST_F(AssessmentServiceTest, StatusRulesAreEnforced) {
  v1::AssessmentReturn draft, out;
  ASSERT_TRUE(Create("st-1", MinimalDraft(), &draft).ok());
  grpc::ClientContext context;
  SetDeadline(context);
  v1::WithdrawReturnRequest withdraw;
  withdraw.set_request_id("st-2");
  withdraw.set_name(draft.name());
  withdraw.set_etag(draft.etag());
  withdraw.set_reason("no");
  v1::WithdrawReturnResponse withdrawn;
  EXPECT_EQ(Writer("RF4")->WithdrawReturn(&context, withdraw, &withdrawn).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  const auto submitted = MustSubmitNew("st-3", CompleteReturn());
  EXPECT_EQ(Update("st-4", submitted, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  grpc::ClientContext amend_context;
  SetDeadline(amend_context);
  v1::AmendReturnRequest amend;
  amend.set_request_id("st-5");
  *amend.mutable_assessment_return() = submitted;
  v1::AmendReturnResponse amended;
  const auto status = Writer("RF4")->AmendReturn(&amend_context, amend, &amended);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"reason"}));

  v1::AssessmentReturn other_trust = draft;
  other_trust.set_trust_ods_code("RAL");
  EXPECT_EQ(ViolatedFields(Update("st-6", other_trust, &out, "RF4")),
            (std::set<std::string>{"assessment_return.trust_ods_code"}));
}

TEST_F(AssessmentServiceTest, UnknownOrMalformedNames) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetReturnRequest request;
  request.set_name("returns/00000000-0000-4000-8000-000000000000");
  v1::GetReturnResponse response;
  EXPECT_EQ(stub_->GetReturn(&context, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext malformed;
  SetDeadline(malformed);
  request.set_name("returns/'; DROP TABLE returns; --");
  const auto status = stub_->GetReturn(&malformed, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"name"}));
}

TEST_F(AssessmentServiceTest, ListFiltersByTrustRegionCycleStatusAndTypology) {
  MustSubmitNew("f-1", CompleteReturn("RF4"));            // London, strategic
  MustSubmitNew("f-2", CompleteReturn("RF4", "2019-20"));  // London, next cycle
  auto no_post = CompleteReturn("RAL");
  no_post.mutable_arrangement()->set_has_senior_ahp_leader(false);
  no_post.mutable_arrangement()->clear_senior_leader();
  MustSubmitNew("f-3", no_post);                           // London, uniprofessional
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
      "SELECT count(*)::int FROM returns WHERE seq <= (SELECT seq FROM returns WHERE id = $1::uuid)",
      last)[0][0].as<int>();
  EXPECT_EQ(before, static_cast<int>(seen.size()));
}

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
        EXPECT_EQ(r.violations(0).field(), "assessment_return.trust_ods_code") << "not in the register";
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
  const auto second = import({{"rep-a", "RF4"}, {"rep-b", "RF4"}, {"rep-c", "RF4"}, {"rep-c", "RF4"}});
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
  const int expected = Count(
      "SELECT count(*) FROM returns WHERE trust_ods_code = 'RF4' AND cycle = '2018-19'");
  EXPECT_EQ(static_cast<int>(names.size()), expected);
  EXPECT_GT(expected, 500);
  EXPECT_GT(chunks, 1);
  const auto listed = ListAll(request.filter(), 500);
  ASSERT_EQ(listed.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(listed[i].name(), names[i]) << i;
}

TEST_F(AssessmentServiceTest, HistoryCannotBeChangedOrDeletedInSql) {
  MustSubmitNew("hist", CompleteReturn());
  pqxx::connection conn(server_.database().url());
  for (const char* sql : {"UPDATE return_versions SET written_by = 'x'",
                          "DELETE FROM return_versions", "DELETE FROM returns"}) {
    pqxx::work tx(conn);
    EXPECT_THROW(tx.exec(sql), pqxx::sql_error) << sql;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), 2);
}

TEST_F(AssessmentServiceTest, FreeTextIsStoredVerbatim) {
  v1::AssessmentReturn r = CompleteReturn();
  const std::string evil = "Robert'); DROP TABLE returns; -- \"quoted\" \\ backslash ünïcödé";
  r.mutable_respondent()->set_name(evil);
  r.mutable_answers(0)->set_evidence(evil);
  const auto submitted = MustSubmitNew("evil", r);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetReturnRequest get;
  get.set_name(submitted.name());
  v1::GetReturnResponse got;
  ASSERT_TRUE(stub_->GetReturn(&context, get, &got).ok());
  EXPECT_EQ(got.assessment_return().respondent().name(), evil);
  EXPECT_EQ(got.assessment_return().answers(0).evidence(), evil);

  // NUL bytes and a megabyte of text are refused, naming the field.
  v1::AssessmentReturn nul = CompleteReturn();
  nul.mutable_respondent()->set_name(std::string("Alex\0Morgan", 11));
  nul.mutable_answers(1)->set_evidence(std::string(1 << 20, 'x'));
  v1::AssessmentReturn out;
  const auto refused = Create("evil-2", nul, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(refused),
            (std::set<std::string>{"assessment_return.respondent.name",
                                   "assessment_return.answers[1].evidence"}));
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
}

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
  auto count = [](const google::protobuf::RepeatedPtrField<v1::Count>& counts, const std::string& key) {
    for (const auto& c : counts) {
      if (c.key() == key) return c.count();
    }
    return int64_t{-1};
  };

  const auto all = summarize("", 1);
  EXPECT_EQ(all.regions_size(), 7);
  const auto& total = all.total();
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

  // The regions add up to the total.
  v1::ReturnSummary sum;
  for (const auto& r : all.regions()) assessment::MergeInto(sum, r);
  sum.clear_region_code();
  EXPECT_EQ(sum.returns(), total.returns());
  EXPECT_EQ(sum.trusts_responding(), total.trusts_responding());
  EXPECT_EQ(count(sum.bands(), "BAND_8C"), 3);

  // Regional output suppresses small cells by default.
  const auto london = summarize("Y56", 0);
  ASSERT_EQ(london.regions_size(), 1);
  const auto& y56 = london.regions(0);
  EXPECT_EQ(y56.returns(), 6);
  EXPECT_EQ(count(y56.bands(), "BAND_8C"), 0);
  EXPECT_FALSE(y56.suppressed_cells().empty());
  bool band_suppressed = false;
  for (const auto& cell : y56.suppressed_cells()) band_suppressed |= cell == "bands[BAND_8C]";
  EXPECT_TRUE(band_suppressed);
  const auto unsuppressed = summarize("Y56", 1);
  EXPECT_EQ(count(unsuppressed.regions(0).bands(), "BAND_8C"), 3);
  EXPECT_TRUE(unsuppressed.regions(0).suppressed_cells().empty());
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
      "r.has_senior_leader, r.band, r.board_relationship, r.leader_title, r.finding_codes, r.ratings) f "
      "WHERE r.status = 2 GROUP BY 1, 2, 3, 4, 5";
  const char* kept =
      "SELECT cycle, trust_ods_code, edition_id, kind, key, n FROM return_counts WHERE n <> 0";
  EXPECT_EQ(Count(std::string("SELECT count(*) FROM ((") + recount + ") EXCEPT (" + kept + ")) d"), 0);
  EXPECT_EQ(Count(std::string("SELECT count(*) FROM ((") + kept + ") EXCEPT (" + recount + ")) d"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM return_counts WHERE n < 0"), 0);
  EXPECT_EQ(Count("SELECT sum(n)::int FROM return_counts WHERE kind = 0"), 41);
}

TEST(AssessmentRemoteClassificationTest, SubmissionIsClassifiedOverGrpcWhenServicesRunApart) {
  ahpl::testing::TestServer classifier("classification");
  ahpl::testing::TestDatabase db;
  HostOptions options = DefaultHostOptions(db.url());
  options.listen_address = "127.0.0.1:0";
  options.settings.assessment.classification.target = classifier.address();
  options.settings.assessment.classification.token = classifier.Token(v1::ROLE_CLASSIFIER);
  auto host = ServiceHost::Start(std::move(options), *SelectServices("assessment"));
  ASSERT_TRUE(host.ok()) << host.status();
  sdk::ClientOptions client;
  client.target = "127.0.0.1:" + std::to_string((*host)->port());
  client.token = ahpl::testing::MakeToken(db.url(), v1::ROLE_TRUST, "RF4");
  auto stub = v1::AssessmentService::NewStub(sdk::MakeChannel(client));
  grpc::ClientContext create_context;
  SetDeadline(create_context);
  v1::CreateReturnRequest create;
  create.set_request_id("remote-1");
  *create.mutable_assessment_return() = CompleteReturn();
  v1::CreateReturnResponse created;
  ASSERT_TRUE(stub->CreateReturn(&create_context, create, &created).ok());
  grpc::ClientContext submit_context;
  SetDeadline(submit_context);
  v1::SubmitReturnRequest submit;
  submit.set_request_id("remote-2");
  submit.set_name(created.assessment_return().name());
  submit.set_etag(created.assessment_return().etag());
  v1::SubmitReturnResponse submitted;
  const auto status = stub->SubmitReturn(&submit_context, submit, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(submitted.assessment_return().classification().typology(),
            v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(submitted.assessment_return().classification().ruleset_version(), "2018-06.1");
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
