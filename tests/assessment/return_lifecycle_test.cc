// AssessmentService writes: create, update, submit, amend, withdraw, request ids, etags, history.
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
  EXPECT_EQ(submitted.classification().typology(),
            v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
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
  ASSERT_TRUE(amend_status.ok()) << amend_status.error_code() << " "
                                 << amend_status.error_message();
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
  EXPECT_EQ(statuses,
            (std::vector<v1::ReturnStatus>{v1::RETURN_STATUS_DRAFT, v1::RETURN_STATUS_DRAFT,
                                           v1::RETURN_STATUS_SUBMITTED, v1::RETURN_STATUS_SUBMITTED,
                                           v1::RETURN_STATUS_WITHDRAWN}));

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
  ASSERT_TRUE(Update(
                  "same-2",
                  [&] {
                    auto r = CompleteReturn();
                    r.set_name(first.name());
                    r.set_etag(first.etag());
                    return r;
                  }(),
                  &first)
                  .ok());
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
        const auto s =
            Update("race-" + std::to_string(round) + "-" + std::to_string(i), change, nullptr);
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

  // NUL bytes and a megabyte of text are refused, naming the field. The
  // megabyte is over the edge limits, checked before validation, so it is
  // named alone.
  v1::AssessmentReturn nul = CompleteReturn();
  nul.mutable_respondent()->set_name(std::string("Alex\0Morgan", 11));
  nul.mutable_answers(1)->set_evidence(std::string(1 << 20, 'x'));
  v1::AssessmentReturn out;
  const auto refused = Create("evil-2", nul, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(refused),
            (std::set<std::string>{"assessment_return.answers[1].evidence"}));
  nul.mutable_answers(1)->set_evidence(std::string("evidence\0", 9));
  EXPECT_EQ(ViolatedFields(Create("evil-3", nul, &out)),
            (std::set<std::string>{"assessment_return.respondent.name",
                                   "assessment_return.answers[1].evidence"}));
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
}

}  // namespace
}  // namespace ahpl
