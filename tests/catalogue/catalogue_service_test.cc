// CatalogueService over a real gRPC channel against a real PostgreSQL.
#include <gtest/gtest.h>

#include <set>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/catalogue/catalogue_seed.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using testing::SetDeadline;
using testing::ViolatedFields;

class CatalogueServiceTest : public ::testing::Test {
 protected:
  CatalogueServiceTest()
      : stub_(v1::CatalogueService::NewStub(server_.channel())),
        admin_stub_(v1::CatalogueService::NewStub(server_.ChannelAs(v1::ROLE_ADMIN))) {}

  v1::Edition Shipped() {
    auto editions = catalogue::ShippedEditions();
    EXPECT_TRUE(editions.ok());
    return editions->front();
  }

  grpc::Status Publish(const v1::Edition& edition, v1::PublishEditionResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::PublishEditionRequest request;
    *request.mutable_edition() = edition;
    return admin_stub_->PublishEdition(&context, request, response);
  }

  testing::TestServer server_{"catalogue"};
  std::unique_ptr<v1::CatalogueService::Stub> stub_;
  std::unique_ptr<v1::CatalogueService::Stub> admin_stub_;  // publishes
};

TEST_F(CatalogueServiceTest, GetEditionDefaultsToTheLatest) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetEditionResponse response;
  ASSERT_TRUE(stub_->GetEdition(&context, v1::GetEditionRequest(), &response).ok());
  EXPECT_EQ(response.edition().id(), "2018-06");
  EXPECT_EQ(response.edition().questions_size(), 12);
  EXPECT_EQ(response.edition().typology_size(), 5);
  EXPECT_GT(response.edition().publish_time().seconds(), 0);
}

TEST_F(CatalogueServiceTest, GetEditionByIdMatchesTheShippedContent) {
  for (int attempt = 0; attempt < 2; ++attempt) {  // second time from the cache
    grpc::ClientContext context;
    SetDeadline(context);
    v1::GetEditionRequest request;
    request.set_edition_id("2018-06");
    v1::GetEditionResponse response;
    ASSERT_TRUE(stub_->GetEdition(&context, request, &response).ok());
    v1::Edition got = response.edition();
    got.clear_publish_time();
    EXPECT_EQ(got.SerializeAsString(), Shipped().SerializeAsString());
  }
}

TEST_F(CatalogueServiceTest, UnknownEditionIsNotFound) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetEditionRequest request;
  request.set_edition_id("1999-01");
  v1::GetEditionResponse response;
  EXPECT_EQ(stub_->GetEdition(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogueServiceTest, MalformedEditionIdIsInvalidArgument) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListQuestionsRequest request;
  request.set_edition_id("../etc");
  v1::ListQuestionsResponse response;
  const auto status = stub_->ListQuestions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"edition_id"}));
}

TEST_F(CatalogueServiceTest, ListQuestionsGroupsBySection) {
  std::map<std::string, int> expected = {{"concepts", 2},        {"contexts", 1},
                                         {"characteristics", 2}, {"capabilities", 3},
                                         {"challenges", 3},      {"consequences", 1}};
  for (const auto& [section, count] : expected) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListQuestionsRequest request;
    request.set_section_id(section);
    v1::ListQuestionsResponse response;
    ASSERT_TRUE(stub_->ListQuestions(&context, request, &response).ok());
    EXPECT_EQ(response.questions_size(), count) << section;
    ASSERT_EQ(response.sections_size(), 1);
    EXPECT_EQ(response.sections(0).id(), section);
    for (const auto& q : response.questions()) EXPECT_EQ(q.section_id(), section);
    EXPECT_EQ(response.scale().points_size(), 4);
  }
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListQuestionsResponse all;
  ASSERT_TRUE(stub_->ListQuestions(&context, v1::ListQuestionsRequest(), &all).ok());
  EXPECT_EQ(all.questions_size(), 12);
  EXPECT_EQ(all.sections_size(), 6);
  EXPECT_EQ(all.edition_id(), "2018-06");
}

TEST_F(CatalogueServiceTest, UnknownSectionIsInvalidArgument) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListQuestionsRequest request;
  request.set_section_id("courage");
  v1::ListQuestionsResponse response;
  const auto status = stub_->ListQuestions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"section_id"}));
}

TEST_F(CatalogueServiceTest, ListProfessionsGivesProfessionsGroupsAndBands) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListProfessionsResponse response;
  ASSERT_TRUE(stub_->ListProfessions(&context, v1::ListProfessionsRequest(), &response).ok());
  EXPECT_EQ(response.professions_size(), 14);
  EXPECT_EQ(response.non_ahp_groups_size(), 4);
  EXPECT_EQ(response.bands_size(), 6);
  EXPECT_EQ(response.bands(0).band(), v1::BAND_BELOW_8A);
  EXPECT_EQ(response.bands(5).band(), v1::BAND_9);
}

TEST_F(CatalogueServiceTest, RegionsCountTheirTrusts) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListRegionsResponse response;
  ASSERT_TRUE(stub_->ListRegions(&context, v1::ListRegionsRequest(), &response).ok());
  ASSERT_EQ(response.regions_size(), 7);
  std::map<std::string, int> counts;
  int total = 0;
  for (const auto& r : response.regions()) {
    counts[r.code()] = r.trust_count();
    total += r.trust_count();
  }
  EXPECT_EQ(counts, (std::map<std::string, int>{{"Y56", 31},
                                                {"Y58", 18},
                                                {"Y59", 29},
                                                {"Y60", 40},
                                                {"Y61", 21},
                                                {"Y62", 30},
                                                {"Y63", 33}}));
  EXPECT_EQ(total, 202);
  EXPECT_EQ(response.regions(0).name(), "London");
}

TEST_F(CatalogueServiceTest, ListTrustsPagesWithoutGapsOrRepeats) {
  std::set<std::string> seen;
  std::string token, previous;
  int pages = 0;
  do {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListTrustsRequest request;
    request.set_page_size(30);
    request.set_page_token(token);
    v1::ListTrustsResponse response;
    ASSERT_TRUE(stub_->ListTrusts(&context, request, &response).ok());
    EXPECT_EQ(response.total_size(), 202);
    EXPECT_LE(response.trusts_size(), 30);
    for (const auto& t : response.trusts()) {
      EXPECT_GT(t.ods_code(), previous) << "ODS code order";
      previous = t.ods_code();
      EXPECT_TRUE(seen.insert(t.ods_code()).second) << "repeated " << t.ods_code();
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 50);
  EXPECT_EQ(seen.size(), 202u);
  EXPECT_EQ(pages, 7);
}

TEST_F(CatalogueServiceTest, ListTrustsFiltersByRegion) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListTrustsRequest request;
  request.set_region_code("y60");
  request.set_page_size(500);
  v1::ListTrustsResponse response;
  ASSERT_TRUE(stub_->ListTrusts(&context, request, &response).ok());
  EXPECT_EQ(response.trusts_size(), 40);
  EXPECT_EQ(response.total_size(), 40);
  EXPECT_TRUE(response.next_page_token().empty());
  for (const auto& t : response.trusts()) {
    EXPECT_EQ(t.region_code(), "Y60");
    EXPECT_EQ(t.region_name(), "Midlands");
  }
}

TEST_F(CatalogueServiceTest, ListTrustsRefusesBadInput) {
  {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListTrustsRequest request;
    request.set_page_token("definitely-not-a-token");
    v1::ListTrustsResponse response;
    const auto status = stub_->ListTrusts(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"page_token"}));
  }
  {
    // A token from one region's listing is refused for another region.
    grpc::ClientContext first;
    SetDeadline(first);
    v1::ListTrustsRequest request;
    request.set_region_code("Y56");
    request.set_page_size(5);
    v1::ListTrustsResponse response;
    ASSERT_TRUE(stub_->ListTrusts(&first, request, &response).ok());
    ASSERT_FALSE(response.next_page_token().empty());
    grpc::ClientContext second;
    SetDeadline(second);
    request.set_region_code("Y58");
    request.set_page_token(response.next_page_token());
    const auto status = stub_->ListTrusts(&second, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"page_token"}));
  }
  {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListTrustsRequest request;
    request.set_region_code("London");
    request.set_page_size(-1);
    v1::ListTrustsResponse response;
    const auto status = stub_->ListTrusts(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"region_code", "page_size"}));
  }
  {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListTrustsRequest request;
    request.set_region_code("Y99");
    v1::ListTrustsResponse response;
    EXPECT_EQ(stub_->ListTrusts(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

TEST_F(CatalogueServiceTest, ListTrustsRegionFilterIsPatternFree) {
  for (const std::string bad : {"Y5%", "y5%", "Y5_", "%", "Y56%"}) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ListTrustsRequest request;
    request.set_region_code(bad);
    v1::ListTrustsResponse response;
    const auto status = stub_->ListTrusts(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"region_code"})) << bad;
    EXPECT_EQ(response.trusts_size(), 0) << bad;
  }
}

TEST_F(CatalogueServiceTest, GetTrustByOdsCode) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetTrustRequest request;
  request.set_ods_code("RF4");
  v1::GetTrustResponse response;
  ASSERT_TRUE(stub_->GetTrust(&context, request, &response).ok());
  EXPECT_EQ(response.trust().name(),
            "Barking, Havering and Redbridge University Hospitals NHS Trust");
  EXPECT_EQ(response.trust().region_code(), "Y56");
  EXPECT_EQ(response.trust().trust_type(), "acute");

  grpc::ClientContext missing;
  SetDeadline(missing);
  request.set_ods_code("ZZZ");
  EXPECT_EQ(stub_->GetTrust(&missing, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext malformed;
  SetDeadline(malformed);
  request.set_ods_code("R; DROP");
  const auto status = stub_->GetTrust(&malformed, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"ods_code"}));
}

TEST_F(CatalogueServiceTest, PublishedEditionBecomesLatestAndListed) {
  v1::Edition next = Shipped();
  next.set_id("2026-01");
  next.set_title("A later edition");
  v1::PublishEditionResponse published;
  ASSERT_TRUE(Publish(next, &published).ok());
  EXPECT_TRUE(published.created());
  EXPECT_EQ(published.edition().id(), "2026-01");

  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetEditionResponse latest;
  ASSERT_TRUE(stub_->GetEdition(&context, v1::GetEditionRequest(), &latest).ok());
  EXPECT_EQ(latest.edition().id(), "2026-01");

  // Newest first, one per page, then the end.
  std::vector<std::string> ids;
  std::string token;
  do {
    grpc::ClientContext list_context;
    SetDeadline(list_context);
    v1::ListEditionsRequest request;
    request.set_page_size(1);
    request.set_page_token(token);
    v1::ListEditionsResponse response;
    ASSERT_TRUE(stub_->ListEditions(&list_context, request, &response).ok());
    for (const auto& e : response.editions()) {
      ids.push_back(e.id());
      EXPECT_EQ(e.question_count(), 12);
    }
    token = response.next_page_token();
  } while (!token.empty() && ids.size() < 10);
  EXPECT_EQ(ids, (std::vector<std::string>{"2026-01", "2018-06"}));
}

TEST_F(CatalogueServiceTest, RepublishingIdenticalContentWritesNothing) {
  v1::PublishEditionResponse response;
  ASSERT_TRUE(Publish(Shipped(), &response).ok());
  EXPECT_FALSE(response.created());
  EXPECT_EQ(response.edition().id(), "2018-06");
}

TEST_F(CatalogueServiceTest, ChangingAPublishedEditionIsRefused) {
  v1::Edition changed = Shipped();
  changed.mutable_questions(0)->set_text("Can the board name anyone at all?");
  v1::PublishEditionResponse response;
  EXPECT_EQ(Publish(changed, &response).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(CatalogueServiceTest, InvalidEditionNamesEveryFieldAndWritesNothing) {
  v1::Edition bad = Shipped();
  bad.set_id("2027-01");
  bad.mutable_questions(3)->set_section_id("nowhere");
  bad.mutable_questions(7)->set_id(bad.questions(6).id());
  bad.mutable_scale()->clear_points();
  bad.clear_attribution();
  v1::PublishEditionResponse response;
  const auto status = Publish(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::set<std::string>{"edition.questions[3].section_id", "edition.questions[7].id",
                                   "edition.scale.points", "edition.attribution"}));

  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetEditionRequest request;
  request.set_edition_id("2027-01");
  v1::GetEditionResponse got;
  EXPECT_EQ(stub_->GetEdition(&context, request, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogueServiceTest, PublishWithoutAnEditionIsInvalidArgument) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::PublishEditionResponse response;
  const auto status = admin_stub_->PublishEdition(&context, v1::PublishEditionRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"edition"}));
}

TEST_F(CatalogueServiceTest, BadEditionPageTokenIsInvalidArgument) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListEditionsRequest request;
  request.set_page_token("Zm9v");
  v1::ListEditionsResponse response;
  const auto status = stub_->ListEditions(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"page_token"}));
}

}  // namespace
}  // namespace ahpl
