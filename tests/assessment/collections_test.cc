// Collection seasons over gRPC against the real PostgreSQL: windows, late
// overrides, deadline changes, the counting return, attestation, per-trust
// summaries and who has not returned.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/assessment/fixtures.h"
#include "tests/assessment/service_fixture.h"
#include "tests/support/status_matchers.h"

namespace ahpl::assessment::testing {
namespace {

using ahpl::testing::SetDeadline;
using ahpl::testing::ViolatedFields;
using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp In(absl::Duration d) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() + d));
}

// The PreconditionFailure violations' subjects of `status`.
std::set<std::string> PreconditionSubjects(const grpc::Status& status) {
  std::set<std::string> subjects;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return subjects;
  for (const auto& any : details.details()) {
    google::rpc::PreconditionFailure failure;
    if (any.UnpackTo(&failure)) {
      for (const auto& v : failure.violations()) subjects.insert(v.subject());
    }
  }
  return subjects;
}

class CollectionsTest : public AssessmentServiceTest {
 protected:
  v1::AssessmentService::Stub& As(v1::Role role, const std::string& scope = "") {
    auto& stub = stubs_[{role, scope}];
    if (stub == nullptr) stub = v1::AssessmentService::NewStub(server_.ChannelAs(role, scope));
    return *stub;
  }

  grpc::Status CreateCollection(const std::string& cycle, absl::Duration opens_in,
                                std::optional<absl::Duration> closes_in,
                                bool attestation_required = false,
                                v1::Role role = v1::ROLE_NATIONAL) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::CreateCollectionRequest request;
    auto* c = request.mutable_collection();
    c->set_cycle(cycle);
    c->set_edition_id("2018-06");
    *c->mutable_open_time() = In(opens_in);
    if (closes_in.has_value()) *c->mutable_close_time() = In(*closes_in);
    c->set_attestation_required(attestation_required);
    v1::CreateCollectionResponse response;
    return As(role, role == v1::ROLE_TRUST ? "RF4" : "")
        .CreateCollection(&context, request, &response);
  }

  v1::Collection Get(const std::string& cycle, v1::Role role = v1::ROLE_NATIONAL,
                     const std::string& scope = "") {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::GetCollectionRequest request;
    request.set_name("collections/" + cycle);
    v1::GetCollectionResponse response;
    EXPECT_TRUE(As(role, scope).GetCollection(&context, request, &response).ok());
    return response.collection();
  }

  grpc::Status Close(const std::string& cycle) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::CloseCollectionRequest request;
    request.set_name("collections/" + cycle);
    request.set_reason("deadline reached");
    v1::CloseCollectionResponse response;
    return As(v1::ROLE_NATIONAL).CloseCollection(&context, request, &response);
  }

  grpc::Status Reopen(const std::string& cycle, v1::Role role) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ReopenCollectionRequest request;
    request.set_name("collections/" + cycle);
    *request.mutable_close_time() = In(absl::Hours(1));
    request.set_reason("returns lost in transit");
    v1::ReopenCollectionResponse response;
    return As(role).ReopenCollection(&context, request, &response);
  }

  grpc::Status Amend(const std::string& request_id, v1::AssessmentReturn r,
                     v1::AssessmentReturn* out) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::AmendReturnRequest request;
    request.set_request_id(request_id);
    request.set_reason("corrected");
    *request.mutable_assessment_return() = r;
    v1::AmendReturnResponse response;
    auto status = Writer(r.trust_ods_code())->AmendReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  grpc::Status Withdraw(const std::string& request_id, const v1::AssessmentReturn& r) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::WithdrawReturnRequest request;
    request.set_request_id(request_id);
    request.set_name(r.name());
    request.set_etag(r.etag());
    request.set_reason("sent in error");
    v1::WithdrawReturnResponse response;
    return Writer(r.trust_ods_code())->WithdrawReturn(&context, request, &response);
  }

  grpc::Status Attest(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out, const std::string& meeting_date = "2019-03-01") {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::AttestReturnRequest request;
    request.set_request_id(request_id);
    request.set_name(r.name());
    request.set_etag(r.etag());
    auto* a = request.mutable_attestation();
    a->set_attested_by_name("Dr A Patel");
    a->set_attested_by_role("Chief executive");
    a->set_meeting_date(meeting_date);
    a->set_minute_reference("TB 2019/045");
    a->set_statement("The board approved this self-assessment.");
    v1::AttestReturnResponse response;
    auto status = Writer(r.trust_ods_code())->AttestReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  // The names of the counting returns of `cycle`, as listed.
  std::set<std::string> Counting(const std::string& cycle) {
    v1::ReturnFilter filter;
    filter.set_cycle(cycle);
    filter.set_counting_only(true);
    std::set<std::string> names;
    for (const auto& r : ListAll(filter, 100)) {
      EXPECT_TRUE(r.counting()) << r.name();
      names.insert(r.name());
    }
    return names;
  }

  v1::AssessmentReturn Latest(const v1::AssessmentReturn& r) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::GetReturnRequest request;
    request.set_name(r.name());
    v1::GetReturnResponse response;
    EXPECT_TRUE(stub_->GetReturn(&context, request, &response).ok());
    return response.assessment_return();
  }

  v1::ListNonRespondersResponse NonResponders(const std::string& cycle, const std::string& region,
                                              v1::Role role, const std::string& scope,
                                              grpc::Status* status = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListNonRespondersRequest request;
    request.set_collection("collections/" + cycle);
    request.set_region_code(region);
    v1::ListNonRespondersResponse response;
    grpc::Status got = As(role, scope).ListNonResponders(&context, request, &response);
    if (status != nullptr) *status = got;
    return response;
  }

  // Audit rows of `action` whose detail contains `text`.
  int AuditRows(const std::string& action, const std::string& text) {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    return tx
        .exec_params(
            "SELECT count(*) FROM audit_events WHERE action = $1 AND strpos(detail, $2) > 0",
            action, text)[0][0]
        .as<int>();
  }

  std::map<std::pair<int, std::string>, std::unique_ptr<v1::AssessmentService::Stub>> stubs_;
};

TEST_F(CollectionsTest, ACollectionIsValidatedNamingEveryField) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::CreateCollectionRequest request;
  request.mutable_collection()->set_cycle("2035-37");
  request.mutable_collection()->set_suppress_below(1);
  *request.mutable_collection()->mutable_open_time() = In(absl::Hours(2));
  *request.mutable_collection()->mutable_close_time() = In(absl::Hours(1));
  v1::CreateCollectionResponse response;
  const auto status = As(v1::ROLE_NATIONAL).CreateCollection(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"collection.cycle", "collection.edition_id",
                                   "collection.close_time", "collection.suppress_below"}));
}

TEST_F(CollectionsTest, StatesFollowTheWindowAndACycleHasOneCollection) {
  ASSERT_TRUE(CreateCollection("2030-31", absl::Hours(1), absl::Hours(2)).ok());
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(1), absl::Hours(2)).ok());
  ASSERT_TRUE(CreateCollection("2032-33", -absl::Hours(2), -absl::Seconds(1)).ok());
  EXPECT_EQ(Get("2030-31").state(), v1::COLLECTION_STATE_SCHEDULED);
  EXPECT_EQ(Get("2031-32").state(), v1::COLLECTION_STATE_OPEN);
  EXPECT_EQ(Get("2032-33").state(), v1::COLLECTION_STATE_CLOSED);
  EXPECT_EQ(Get("2031-32").title(), "AHP leadership self-assessment 2031-32");
  EXPECT_EQ(CreateCollection("2031-32", absl::Hours(1), std::nullopt).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(
      CreateCollection("2033-34", absl::Hours(1), std::nullopt, false, v1::ROLE_TRUST).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CollectionsTest, AReturnNamesAKnownCollectionAndAnswersItsEdition) {
  v1::AssessmentReturn unknown = CompleteReturn("RF4", "2035-36");
  auto status = Create("unknown-cycle", unknown, nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status).count("assessment_return.cycle"), 1u) << status.error_message();

  v1::AssessmentReturn other_edition = MinimalDraft();
  other_edition.set_edition_id("2099-01");
  status = Create("wrong-edition", other_edition, nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status).count("assessment_return.edition_id"), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 0);
}

TEST_F(CollectionsTest, BeforeTheWindowOnlyDraftsAreWritten) {
  ASSERT_TRUE(CreateCollection("2030-31", absl::Hours(1), absl::Hours(2)).ok());
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("early-draft", CompleteReturn("RF4", "2030-31"), &draft).ok());
  const auto status = Submit("early-submit", draft, nullptr);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_EQ(PreconditionSubjects(status), std::set<std::string>{"collections/2030-31"});
  EXPECT_NE(status.error_message().find("not open yet"), std::string::npos);
  EXPECT_EQ(Latest(draft).status(), v1::RETURN_STATUS_DRAFT);
}

TEST_F(CollectionsTest, AfterTheWindowNothingIsWrittenUntilALateOverride) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(2), absl::Hours(1)).ok());
  v1::AssessmentReturn rf4, rgn;
  ASSERT_TRUE(Create("late-rf4", CompleteReturn("RF4", "2031-32"), &rf4).ok());
  ASSERT_TRUE(Create("late-rgn", CompleteReturn("RGN", "2031-32"), &rgn).ok());
  ASSERT_TRUE(Close("2031-32").ok());

  auto refused = Submit("late-rf4-s1", rf4, nullptr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(PreconditionSubjects(refused), std::set<std::string>{"collections/2031-32"});
  EXPECT_EQ(Create("late-draft", CompleteReturn("RF4", "2031-32"), nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION)
      << "a closed collection takes no drafts either";

  const auto updated_before = Get("2031-32", v1::ROLE_TRUST, "RGN").update_time();
  grpc::ClientContext context;
  SetDeadline(context);
  v1::AllowLateReturnRequest allow;
  allow.set_name("collections/2031-32");
  allow.set_trust_ods_code("RF4");
  *allow.mutable_until_time() = In(absl::Hours(1));
  allow.set_reason("board met after the deadline");
  v1::AllowLateReturnResponse allowed;
  ASSERT_TRUE(As(v1::ROLE_NATIONAL).AllowLateReturn(&context, allow, &allowed).ok());
  ASSERT_EQ(allowed.collection().late_allowances_size(), 1);

  v1::AssessmentReturn submitted;
  ASSERT_TRUE(Submit("late-rf4-s2", rf4, &submitted).ok());
  EXPECT_EQ(submitted.status(), v1::RETURN_STATUS_SUBMITTED);
  EXPECT_EQ(Submit("late-rgn-s", rgn, nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "the override is for one trust";
  EXPECT_EQ(AuditRows("collection.late_allowed", "board met after the deadline"), 1);
  EXPECT_EQ(AuditRows("return.submitted", "late: allowed until"), 1);
  // Other trusts do not see the override.
  EXPECT_EQ(Get("2031-32", v1::ROLE_TRUST, "RGN").late_allowances_size(), 0);
  EXPECT_EQ(Get("2031-32", v1::ROLE_TRUST, "RGN").update_time().seconds(),
            updated_before.seconds());
  EXPECT_EQ(Get("2031-32", v1::ROLE_TRUST, "RGN").update_time().nanos(), updated_before.nanos())
      << "another trust's override moves nothing it can see";
  EXPECT_EQ(Get("2031-32", v1::ROLE_TRUST, "RF4").late_allowances_size(), 1);
}

TEST_F(CollectionsTest, ARetryAcrossTheDeadlineGetsWhatTheFirstAttemptWrote) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(2), absl::Hours(1)).ok());
  v1::AssessmentReturn first, retried;
  ASSERT_TRUE(Create("retry-1", CompleteReturn("RF4", "2031-32"), &first).ok());
  ASSERT_TRUE(Close("2031-32").ok());
  ASSERT_TRUE(Create("retry-1", CompleteReturn("RF4", "2031-32"), &retried).ok());
  EXPECT_EQ(retried.name(), first.name());
  EXPECT_EQ(Create("retry-2", CompleteReturn("RF4", "2031-32"), nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// A write checks its window and writes in one transaction holding the
// collection: a close that comes while a submission waits is ordered after
// it, never before (no write lands after the close without an override).
TEST_F(CollectionsTest, NoSubmissionLandsAfterTheCloseThatRacedIt) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(1), absl::Hours(1)).ok());
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("race-draft", CompleteReturn("RF4", "2031-32"), &draft).ok());

  pqxx::connection holder(server_.database().url());
  pqxx::work hold(holder);
  hold.exec("SELECT 1 FROM returns WHERE trust_ods_code = 'RF4' AND cycle = '2031-32' FOR UPDATE");
  auto waiting = [&](int n) {
    pqxx::connection conn(server_.database().url());
    for (int i = 0; i < 2000; ++i) {
      pqxx::nontransaction tx(conn);
      if (tx.exec("SELECT count(*) FROM pg_locks WHERE NOT granted")[0][0].as<int>() >= n) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    return false;
  };
  grpc::Status submitted, closed;
  std::thread submit([&] { submitted = Submit("race-submit", draft, nullptr); });
  ASSERT_TRUE(waiting(1)) << "the submission waits for the held return";
  std::thread close([&] { closed = Close("2031-32"); });
  ASSERT_TRUE(waiting(2)) << "the close waits for the submission's transaction";
  hold.commit();
  submit.join();
  close.join();
  ASSERT_TRUE(submitted.ok()) << submitted.error_message();
  ASSERT_TRUE(closed.ok()) << closed.error_message();
  EXPECT_EQ(
      Count("SELECT count(*) FROM audit_events s, audit_events c "
            "WHERE s.action = 'return.submitted' AND c.action = 'collection.closed' "
            "AND c.resource = 'collections/2031-32' AND s.id < c.id "
            "AND s.event_time <= (SELECT close_time FROM collections WHERE cycle = '2031-32')"),
      1);
}

TEST_F(CollectionsTest, AChangeRetriedAfterReadingTheReturnAgainReplays) {
  v1::AssessmentReturn draft, submitted, again;
  ASSERT_TRUE(Create("reread-draft", CompleteReturn("RF4"), &draft).ok());
  ASSERT_TRUE(Submit("reread-submit", draft, &submitted).ok());
  // The retry read the return first: it carries the submitted version's etag.
  ASSERT_TRUE(Submit("reread-submit", submitted, &again).ok());
  EXPECT_EQ(again.version(), submitted.version());

  v1::AssessmentReturn attested, attested_again;
  ASSERT_TRUE(Attest("reread-attest", submitted, &attested).ok());
  ASSERT_TRUE(Attest("reread-attest", attested, &attested_again).ok());
  EXPECT_EQ(attested_again.version(), attested.version()) << "no second attestation written";
  EXPECT_EQ(Latest(submitted).version(), attested.version());
}

TEST_F(CollectionsTest, ADeadlineIsExtendedWithAReasonAndOnlyAnAdminReopens) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(2), absl::Hours(1)).ok());
  grpc::ClientContext context;
  SetDeadline(context);
  v1::UpdateCollectionRequest extend;
  extend.mutable_collection()->set_name("collections/2031-32");
  *extend.mutable_collection()->mutable_close_time() = In(absl::Hours(48));
  extend.mutable_update_mask()->add_paths("close_time");
  extend.set_reason("national system outage");
  v1::UpdateCollectionResponse extended;
  ASSERT_TRUE(As(v1::ROLE_NATIONAL).UpdateCollection(&context, extend, &extended).ok());
  EXPECT_GT(extended.collection().close_time().seconds(), In(absl::Hours(47)).seconds());
  EXPECT_EQ(AuditRows("collection.updated", "national system outage"), 1);

  ASSERT_TRUE(Close("2031-32").ok());
  EXPECT_EQ(Get("2031-32").state(), v1::COLLECTION_STATE_CLOSED);
  grpc::ClientContext again;
  SetDeadline(again);
  extend.set_reason("too late");
  EXPECT_EQ(As(v1::ROLE_NATIONAL).UpdateCollection(&again, extend, &extended).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reopen("2031-32", v1::ROLE_NATIONAL).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Reopen("2031-32", v1::ROLE_ADMIN).ok());
  EXPECT_EQ(Get("2031-32").state(), v1::COLLECTION_STATE_OPEN);
  EXPECT_EQ(AuditRows("collection.reopened", "returns lost in transit"), 1);
  EXPECT_EQ(AuditRows("collection.closed", "deadline reached"), 1);
}

TEST_F(CollectionsTest, TheLatestSubmittedReturnCountsThroughAmendAndWithdraw) {
  const v1::AssessmentReturn a = MustSubmitNew("count-a", CompleteReturn("RF4"));
  const v1::AssessmentReturn b = MustSubmitNew("count-b", CompleteReturn("RF4"));
  MustSubmitNew("count-other", CompleteReturn("RGN"));
  EXPECT_EQ(Counting("2018-19").count(b.name()), 1u);
  EXPECT_EQ(Counting("2018-19").count(a.name()), 0u);
  EXPECT_EQ(Counting("2018-19").size(), 2u) << "one per trust";
  EXPECT_FALSE(Latest(a).counting());
  EXPECT_TRUE(Latest(b).counting());

  v1::AssessmentReturn amended;
  ASSERT_TRUE(Amend("count-a-amend", a, &amended).ok());
  EXPECT_TRUE(Latest(a).counting()) << "amending makes it the latest submitted";
  EXPECT_FALSE(Latest(b).counting());

  ASSERT_TRUE(Withdraw("count-a-withdraw", amended).ok());
  EXPECT_FALSE(Latest(a).counting());
  EXPECT_TRUE(Latest(b).counting()) << "the other submitted return counts again";
}

TEST_F(CollectionsTest, WhereAttestationIsRequiredOnlyAnAttestedReturnCounts) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(1), absl::Hours(2), true).ok());
  const v1::AssessmentReturn r = MustSubmitNew("attest", CompleteReturn("RF4", "2031-32"));
  EXPECT_FALSE(Latest(r).counting());
  auto chase = NonResponders("2031-32", "", v1::ROLE_TRUST, "RF4");
  ASSERT_EQ(chase.trusts_size(), 1);
  EXPECT_EQ(chase.trusts(0).progress(), v1::RETURN_PROGRESS_SUBMITTED_NOT_ATTESTED);

  auto bad = Attest("attest-bad", r, nullptr, "2999-01-01");
  EXPECT_EQ(ViolatedFields(bad), std::set<std::string>{"attestation.meeting_date"});

  v1::AssessmentReturn attested;
  ASSERT_TRUE(Attest("attest-1", r, &attested).ok());
  EXPECT_EQ(attested.version(), r.version() + 1);
  EXPECT_EQ(attested.attestation().attested_by_name(), "Dr A Patel");
  EXPECT_FALSE(attested.attestation().recorded_by().empty());
  EXPECT_TRUE(attested.counting()) << "the write's answer says so too";
  EXPECT_TRUE(Latest(r).counting());
  EXPECT_EQ(AuditRows("return.attested", ""), 1);
  EXPECT_EQ(NonResponders("2031-32", "", v1::ROLE_TRUST, "RF4").trusts_size(), 0);

  v1::AssessmentReturn amended;
  ASSERT_TRUE(Amend("attest-amend", attested, &amended).ok());
  EXPECT_FALSE(amended.has_attestation()) << "an amendment clears the attestation";
  EXPECT_FALSE(amended.counting());
  EXPECT_FALSE(Latest(r).counting());
}

TEST_F(CollectionsTest, PerTrustAndPerReturnSummariesAgreeWithARecount) {
  MustSubmitNew("sum-1", CompleteReturn("RF4"));
  MustSubmitNew("sum-2", CompleteReturn("RF4"));
  MustSubmitNew("sum-3", CompleteReturn("RGN"));
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("sum-draft", CompleteReturn("RJ1"), &draft).ok());

  auto per_return =
      ExactSummaries(server_.database().url(), "2018-19", v1::SUMMARY_BASIS_PER_RETURN);
  auto per_trust = ExactSummaries(server_.database().url(), "2018-19", v1::SUMMARY_BASIS_PER_TRUST);
  ASSERT_TRUE(per_return.ok() && per_trust.ok());
  int64_t returns = 0, trust_returns = 0, responding = 0;
  for (const auto& s : *per_return) returns += s.returns();
  for (const auto& s : *per_trust) {
    trust_returns += s.returns();
    responding += s.trusts_responding();
    EXPECT_EQ(s.returns(), s.trusts_responding()) << s.region_code();
  }
  v1::ReturnFilter submitted;
  submitted.set_cycle("2018-19");
  submitted.set_status(v1::RETURN_STATUS_SUBMITTED);
  EXPECT_EQ(returns, static_cast<int64_t>(ListAll(submitted, 100).size()));
  EXPECT_EQ(trust_returns, static_cast<int64_t>(Counting("2018-19").size()));
  EXPECT_EQ(responding, 2);

  grpc::ClientContext context;
  SetDeadline(context);
  v1::SummarizeReturnsRequest request;
  request.set_cycle("2018-19");
  request.set_basis(v1::SUMMARY_BASIS_PER_TRUST);
  v1::SummarizeReturnsResponse response;
  ASSERT_TRUE(stub_->SummarizeReturns(&context, request, &response).ok());
  EXPECT_EQ(response.total().basis(), v1::SUMMARY_BASIS_PER_TRUST);
  EXPECT_TRUE(response.total().provisional()) << "the collection is open";
}

TEST_F(CollectionsTest, SummariesOfAClosedCollectionAreFinal) {
  ASSERT_TRUE(CreateCollection("2031-32", -absl::Hours(1), absl::Hours(2)).ok());
  MustSubmitNew("final-1", CompleteReturn("RF4", "2031-32"));
  ASSERT_TRUE(Close("2031-32").ok());
  grpc::ClientContext context;
  SetDeadline(context);
  v1::SummarizeReturnsRequest request;
  request.set_cycle("2031-32");
  v1::SummarizeReturnsResponse response;
  ASSERT_TRUE(stub_->SummarizeReturns(&context, request, &response).ok());
  EXPECT_FALSE(response.total().provisional());
  EXPECT_EQ(response.total().basis(), v1::SUMMARY_BASIS_PER_RETURN);

  // A late allowance reopens the figures, visibly, while it runs.
  grpc::ClientContext allow_context;
  SetDeadline(allow_context);
  v1::AllowLateReturnRequest allow;
  allow.set_name("collections/2031-32");
  allow.set_trust_ods_code("RGN");
  *allow.mutable_until_time() = In(absl::Hours(1));
  allow.set_reason("board met late");
  v1::AllowLateReturnResponse allowed;
  ASSERT_TRUE(As(v1::ROLE_NATIONAL).AllowLateReturn(&allow_context, allow, &allowed).ok());
  grpc::ClientContext again_context;
  SetDeadline(again_context);
  ASSERT_TRUE(stub_->SummarizeReturns(&again_context, request, &response).ok());
  EXPECT_TRUE(response.total().provisional());

  // Ending the allowance (a time not in the future) makes them final again,
  // and the trust is refused.
  grpc::ClientContext end_context;
  SetDeadline(end_context);
  *allow.mutable_until_time() = In(-absl::Hours(1));
  allow.set_reason("returned");
  ASSERT_TRUE(As(v1::ROLE_NATIONAL).AllowLateReturn(&end_context, allow, &allowed).ok());
  grpc::ClientContext final_context;
  SetDeadline(final_context);
  ASSERT_TRUE(stub_->SummarizeReturns(&final_context, request, &response).ok());
  EXPECT_FALSE(response.total().provisional());
  EXPECT_EQ(Create("after-end", CompleteReturn("RGN", "2031-32"), nullptr).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(AuditRows("collection.late_allowed", "allowance ended: returned"), 1);

  grpc::ClientContext unknown_context;
  SetDeadline(unknown_context);
  request.set_cycle("2035-36");
  EXPECT_EQ(stub_->SummarizeReturns(&unknown_context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CollectionsTest, NonRespondersAreTheRegisterMinusRespondersInEveryRegion) {
  MustSubmitNew("chase-1", CompleteReturn("RF4"));
  MustSubmitNew("chase-2", CompleteReturn("RGN"));
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("chase-draft", CompleteReturn("RJ1"), &draft).ok());

  std::map<std::string, std::set<std::string>> register_by_region;
  {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    for (const auto& row : tx.exec("SELECT region_code, ods_code FROM trusts WHERE active")) {
      register_by_region[row[0].as<std::string>()].insert(row[1].as<std::string>());
    }
  }
  ASSERT_GT(register_by_region.size(), 1u);

  const std::set<std::string> responders = {"RF4", "RGN"};
  for (const auto& [region, trusts] : register_by_region) {
    std::set<std::string> expected;
    for (const auto& t : trusts) {
      if (responders.count(t) == 0) expected.insert(t);
    }
    for (v1::Role role : {v1::ROLE_NATIONAL, v1::ROLE_REGION}) {
      const auto got =
          NonResponders("2018-19", region, role, role == v1::ROLE_REGION ? region : "");
      std::set<std::string> listed;
      for (const auto& t : got.trusts()) {
        listed.insert(t.trust_ods_code());
        EXPECT_FALSE(t.trust_name().empty());
        EXPECT_EQ(t.region_code(), region);
        EXPECT_EQ(t.progress(), t.trust_ods_code() == "RJ1" ? v1::RETURN_PROGRESS_DRAFT_ONLY
                                                            : v1::RETURN_PROGRESS_NOTHING_STARTED);
      }
      EXPECT_EQ(listed, expected) << region;
      EXPECT_EQ(got.trusts_in_scope(), static_cast<int64_t>(trusts.size()));
      EXPECT_EQ(got.trusts_returned(), static_cast<int64_t>(trusts.size() - expected.size()));
    }
  }
}

TEST_F(CollectionsTest, EachRoleSeesItsOwnPartOfTheChaseList) {
  v1::AssessmentReturn draft;
  ASSERT_TRUE(Create("view-draft", CompleteReturn("RJ1"), &draft).ok());
  const auto own = NonResponders("2018-19", "", v1::ROLE_TRUST, "RJ1");
  ASSERT_EQ(own.trusts_size(), 1);
  EXPECT_EQ(own.trusts(0).trust_ods_code(), "RJ1");
  EXPECT_EQ(own.trusts_in_scope(), 1);
  // Naming another region changes nothing for a trust token.
  EXPECT_EQ(NonResponders("2018-19", "Y61", v1::ROLE_TRUST, "RJ1").trusts_size(), 1);

  grpc::Status status;
  NonResponders("2018-19", "Y61", v1::ROLE_REGION, "Y56", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const auto region = NonResponders("2018-19", "", v1::ROLE_REGION, "Y56");
  for (const auto& t : region.trusts()) EXPECT_EQ(t.region_code(), "Y56");
  const auto national = NonResponders("2018-19", "", v1::ROLE_NATIONAL, "");
  EXPECT_GT(national.trusts_size(), region.trusts_size());
}

}  // namespace
}  // namespace ahpl::assessment::testing
