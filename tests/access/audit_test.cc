// The audit log over gRPC: one row per write, in the write's transaction,
// none for a write that fails; read by admins with filters and pages.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <set>

#include "ahpl/sdk/access_client.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;

class AuditTest : public ::testing::Test {
 protected:
  std::vector<v1::AuditEvent> Events(const v1::AuditFilter& filter, int page_size = 100) {
    sdk::ClientOptions options = server_.ClientOptionsAs(v1::ROLE_ADMIN);
    options.page_size = page_size;
    std::vector<v1::AuditEvent> out;
    const auto status = sdk::AccessClient(options).ListAuditEvents(
        filter, 0, [&](const v1::AuditEvent& e) { out.push_back(e); });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  int CountRows() {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    return tx.exec("SELECT count(*) FROM audit_events")[0][0].as<int>();
  }

  std::string TokenName(v1::Role role, const std::string& scope = "") {
    sdk::ClientOptions options = server_.ClientOptionsAs(role, scope);
    return sdk::AccessClient(options).GetCaller()->name();
  }

  ahpl::testing::TestServer server_{"all"};
};

TEST_F(AuditTest, EveryChangeToAReturnIsRecordedWithWhoWhatAndTheRequestId) {
  sdk::AssessmentClient trust(server_.ClientOptionsAs(v1::ROLE_TRUST, "RF4"));
  auto draft = trust.Create(MinimalDraft("RF4"), false, "audit-1");
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::AssessmentReturn complete = CompleteReturn("RF4");
  complete.set_name(draft->name());
  complete.set_etag(draft->etag());
  auto updated = trust.Update(complete, "audit-2");
  ASSERT_TRUE(updated.ok()) << updated.status();
  auto submitted = trust.Submit(updated->name(), updated->etag(), "audit-3");
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  auto amended_content = *submitted;
  amended_content.mutable_respondent()->set_name("Sam Patel");
  auto amended = trust.Amend(amended_content, "new respondent", "audit-4");
  ASSERT_TRUE(amended.ok()) << amended.status();
  auto withdrawn = trust.Withdraw(amended->name(), amended->etag(), "sent twice", "audit-5");
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();

  v1::AuditFilter filter;
  filter.set_resource(draft->name());
  const auto events = Events(filter);
  ASSERT_EQ(events.size(), 5u);
  const std::string actions[] = {"return.created", "return.updated", "return.submitted",
                                 "return.amended", "return.withdrawn"};
  const std::string writer = TokenName(v1::ROLE_TRUST, "RF4");
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].action(), actions[i]);
    EXPECT_EQ(events[i].version(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(events[i].request_id(), "audit-" + std::to_string(i + 1));
    EXPECT_EQ(events[i].actor(), writer);
    EXPECT_EQ(events[i].actor_role(), v1::ROLE_TRUST);
  }
  EXPECT_EQ(withdrawn->written_by(), writer) << "each version names its writer";
}

TEST_F(AuditTest, ImportedReturnsAreRecordedAsTheNationalTeams) {
  std::vector<v1::ImportItem> items;
  for (int i = 0; i < 30; ++i) {
    v1::ImportItem item;
    item.set_request_id("audit-import-" + std::to_string(i));
    item.set_submit(true);
    *item.mutable_assessment_return() = CompleteReturn(i % 2 ? "RF4" : "RAL");
    items.push_back(std::move(item));
  }
  auto report = sdk::AssessmentClient(server_.ClientOptionsAs()).Import(items);
  ASSERT_TRUE(report.ok()) << report.status();
  v1::AuditFilter filter;
  filter.set_actor(TokenName(v1::ROLE_NATIONAL));
  filter.set_action("return.submitted");
  const auto events = Events(filter);
  EXPECT_EQ(events.size(), 30u);
  std::set<std::string> request_ids;
  for (const auto& e : events) request_ids.insert(e.request_id());
  EXPECT_EQ(request_ids.size(), 30u);
}

TEST_F(AuditTest, AWriteThatFailsLeavesNoAuditRow) {
  sdk::AssessmentClient trust(server_.ClientOptionsAs(v1::ROLE_TRUST, "RF4"));
  sdk::AssessmentClient other(server_.ClientOptionsAs(v1::ROLE_TRUST, "RAL"));
  auto draft = trust.Create(MinimalDraft("RF4"), false, "fail-1");
  ASSERT_TRUE(draft.ok());
  const int before = CountRows();
  // Invalid: an incomplete draft cannot be submitted.
  EXPECT_EQ(trust.Submit(draft->name(), draft->etag(), "fail-2").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Stale: the etag of no version.
  EXPECT_EQ(trust.Submit(draft->name(), "stale", "fail-3").status().code(),
            absl::StatusCode::kAborted);
  // Refused: another trust's return.
  EXPECT_EQ(other.Withdraw(draft->name(), draft->etag(), "not mine", "fail-4").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(other.Create(MinimalDraft("RF4"), false, "fail-5").status().code(),
            absl::StatusCode::kPermissionDenied);
  // A replay writes nothing new either.
  EXPECT_TRUE(trust.Create(MinimalDraft("RF4"), false, "fail-1").ok());
  EXPECT_EQ(CountRows(), before);
}

TEST_F(AuditTest, TokensAndEditionsAreAuditedToo) {
  sdk::AccessClient admin(server_.ClientOptionsAs(v1::ROLE_ADMIN));
  auto created = admin.CreateToken(v1::ROLE_CLASSIFIER, "", "the typology service");
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(admin.RevokeToken(created->token().name()).ok());
  v1::Edition edition = classification::testing::Edition2018();
  edition.set_id("2027-01");
  auto published =
      sdk::CatalogueClient(server_.ClientOptionsAs(v1::ROLE_ADMIN)).PublishEdition(edition);
  ASSERT_TRUE(published.ok()) << published.status();

  v1::AuditFilter filter;
  filter.set_resource(created->token().name());
  const auto token_events = Events(filter);
  ASSERT_EQ(token_events.size(), 2u);
  EXPECT_EQ(token_events[0].action(), "token.created");
  EXPECT_EQ(token_events[1].action(), "token.revoked");
  EXPECT_EQ(token_events[1].actor(), TokenName(v1::ROLE_ADMIN));

  filter.set_resource("editions/2027-01");
  const auto edition_events = Events(filter);
  ASSERT_EQ(edition_events.size(), 1u);
  EXPECT_EQ(edition_events[0].action(), "edition.published");
  EXPECT_EQ(edition_events[0].actor_role(), v1::ROLE_ADMIN);

  filter.set_resource("editions/2018-06");
  const auto seeded = Events(filter);
  ASSERT_EQ(seeded.size(), 1u);
  EXPECT_EQ(seeded[0].actor(), "seed") << "shipped editions are published by the seed";
}

TEST_F(AuditTest, PagesFiltersAndBadFilters) {
  sdk::AssessmentClient trust(server_.ClientOptionsAs(v1::ROLE_TRUST, "RF4"));
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(trust.Create(MinimalDraft("RF4"), false, "page-" + std::to_string(i)).ok());
  }
  v1::AuditFilter drafts;
  drafts.set_action("return.created");
  const auto paged = Events(drafts, 2);
  const auto whole = Events(drafts, 100);
  ASSERT_EQ(paged.size(), 9u);
  ASSERT_EQ(whole.size(), 9u);
  for (size_t i = 0; i < paged.size(); ++i) {
    EXPECT_EQ(paged[i].id(), whole[i].id());
    if (i > 0) {
      EXPECT_GT(paged[i].id(), paged[i - 1].id()) << "oldest first, no repeats";
    }
  }
  v1::AuditFilter later = drafts;
  *later.mutable_start_time() = whole[4].time();
  EXPECT_GE(Events(later).size(), 5u);
  later.mutable_start_time()->set_seconds(whole[8].time().seconds() + 3600);
  EXPECT_TRUE(Events(later).empty());

  auto stub = v1::AccessService::NewStub(server_.ChannelAs(v1::ROLE_ADMIN));
  grpc::ClientContext context;
  ahpl::testing::SetDeadline(context);
  v1::ListAuditEventsRequest bad;
  bad.mutable_filter()->set_actor("alice");
  bad.mutable_filter()->set_action("return.deleted");
  bad.mutable_filter()->mutable_end_time()->set_nanos(-1);
  bad.set_page_size(-1);
  v1::ListAuditEventsResponse response;
  const auto status = stub->ListAuditEvents(&context, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      ahpl::testing::ViolatedFields(status),
      (std::set<std::string>{"filter.actor", "filter.action", "filter.end_time", "page_size"}));
}

TEST_F(AuditTest, TheAuditLogCannotBeChangedInSql) {
  ASSERT_GT(CountRows(), 0);
  pqxx::connection conn(server_.database().url());
  for (const char* sql :
       {"UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"}) {
    pqxx::work tx(conn);
    EXPECT_THROW(tx.exec(sql), pqxx::sql_error) << sql;
  }
}

}  // namespace
}  // namespace ahpl
