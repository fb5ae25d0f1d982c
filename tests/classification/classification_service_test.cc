// ClassificationService over a real gRPC channel.
#include <gtest/gtest.h>

#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "ahpl/v1/classification.grpc.pb.h"
#include "services/server/hosted_services.h"
#include "tests/classification/fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using ahpl::testing::ViolatedFields;
using classification::testing::NoPost;
using classification::testing::StrategicLead;

class ClassificationServiceTest : public ::testing::Test {
 protected:
  ClassificationServiceTest() : stub_(v1::ClassificationService::NewStub(server_.channel())) {}
  ahpl::testing::TestServer server_{"classification"};
  std::unique_ptr<v1::ClassificationService::Stub> stub_;
};

TEST_F(ClassificationServiceTest, ClassifiesOneArrangement) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ClassifyArrangementRequest request;
  *request.mutable_arrangement() = NoPost();
  v1::ClassifyArrangementResponse response;
  ASSERT_TRUE(stub_->ClassifyArrangement(&context, request, &response).ok());
  EXPECT_EQ(response.classification().typology(), v1::TYPOLOGY_UNIPROFESSIONAL);
  EXPECT_EQ(response.classification().label(), "Uniprofessional – eg profession-specific leads");
  EXPECT_EQ(response.classification().ruleset_version(), "2018-06.1");
  ASSERT_EQ(response.findings_size(), 1);
  EXPECT_EQ(response.findings(0).code(), "NO_IDENTIFIABLE_LEADER");
}

TEST_F(ClassificationServiceTest, BasicViewHoldsTheOutcomeWithoutTheWords) {
  auto classify = [&](const v1::LeadershipArrangement& arrangement, v1::ClassificationView view,
                      v1::ClassifyArrangementResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ClassifyArrangementRequest request;
    *request.mutable_arrangement() = arrangement;
    request.set_view(view);
    return stub_->ClassifyArrangement(&context, request, response);
  };
  auto part_time = StrategicLead();
  part_time.mutable_senior_leader()->set_whole_time_equivalent(0.5);
  part_time.mutable_senior_leader()->set_band(v1::BAND_8B);
  for (const auto& arrangement : {NoPost(), StrategicLead(), part_time}) {
    v1::ClassifyArrangementResponse full, unset, basic;
    ASSERT_TRUE(classify(arrangement, v1::CLASSIFICATION_VIEW_FULL, &full).ok());
    ASSERT_TRUE(classify(arrangement, v1::CLASSIFICATION_VIEW_UNSPECIFIED, &unset).ok());
    ASSERT_TRUE(classify(arrangement, v1::CLASSIFICATION_VIEW_BASIC, &basic).ok());
    EXPECT_EQ(unset.SerializeAsString(), full.SerializeAsString()) << "unset means full";
    EXPECT_FALSE(full.classification().reasons().empty());
    EXPECT_FALSE(full.classification().label().empty());

    const auto& b = basic.classification();
    EXPECT_EQ(b.typology(), full.classification().typology());
    EXPECT_EQ(b.band_fit(), full.classification().band_fit());
    EXPECT_EQ(b.scope(), full.classification().scope());
    EXPECT_EQ(b.ruleset_version(), full.classification().ruleset_version());
    EXPECT_EQ(b.typical_bands_size(), full.classification().typical_bands_size());
    EXPECT_TRUE(b.reasons().empty());
    EXPECT_TRUE(b.label().empty() && b.board_relationship().empty() && b.exemplars().empty());
    ASSERT_EQ(basic.findings_size(), full.findings_size());
    for (int i = 0; i < basic.findings_size(); ++i) {
      EXPECT_EQ(basic.findings(i).code(), full.findings(i).code());
      EXPECT_EQ(basic.findings(i).severity(), full.findings(i).severity());
      EXPECT_EQ(basic.findings(i).section_id(), full.findings(i).section_id());
      EXPECT_TRUE(basic.findings(i).explanation().empty());
    }
    EXPECT_LT(basic.ByteSizeLong(), full.ByteSizeLong() / 3);
  }
  v1::ClassifyArrangementResponse response;
  const auto bad = classify(StrategicLead(), static_cast<v1::ClassificationView>(7), &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), (std::set<std::string>{"view"}));
}

TEST_F(ClassificationServiceTest, InvalidArrangementNamesFieldsUnderArrangement) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ClassifyArrangementRequest request;
  *request.mutable_arrangement() = StrategicLead();
  request.mutable_arrangement()->mutable_senior_leader()->clear_band();
  request.mutable_arrangement()->clear_representation();
  v1::ClassifyArrangementResponse response;
  const auto status = stub_->ClassifyArrangement(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"arrangement.senior_leader.band",
                                                           "arrangement.representation"}));
}

TEST_F(ClassificationServiceTest, StreamKeepsOrderAndSurvivesBadItems) {
  grpc::ClientContext context;
  SetDeadline(context, 30);
  auto stream = stub_->ClassifyArrangements(&context);
  constexpr int kChunks = 20, kPerChunk = 50;
  int64_t expected_index = 0;
  int bad = 0, good = 0;
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    v1::ClassifyArrangementsRequest request;
    // Odd chunks ask for the basic view.
    if (chunk % 2 == 1) request.set_view(v1::CLASSIFICATION_VIEW_BASIC);
    for (int i = 0; i < kPerChunk; ++i) {
      v1::LeadershipArrangement a = (i % 2 == 0) ? StrategicLead() : NoPost();
      if (i == 17) a.mutable_senior_leader()->set_band(static_cast<v1::Band>(77));
      *request.add_arrangements() = a;
    }
    ASSERT_TRUE(stream->Write(request));
    v1::ClassifyArrangementsResponse response;
    ASSERT_TRUE(stream->Read(&response));
    ASSERT_EQ(response.results_size(), kPerChunk);
    for (int i = 0; i < kPerChunk; ++i) {
      const auto& r = response.results(i);
      EXPECT_EQ(r.index(), expected_index++);
      if (i == 17) {
        ASSERT_EQ(r.violations_size(), 1);
        EXPECT_EQ(r.violations(0).field(), "senior_leader.band");
        EXPECT_FALSE(r.has_classification());
        ++bad;
      } else {
        EXPECT_TRUE(r.violations().empty());
        EXPECT_EQ(r.classification().typology(),
                  i % 2 == 0 ? v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL
                             : v1::TYPOLOGY_UNIPROFESSIONAL);
        EXPECT_EQ(r.classification().reasons().empty(), chunk % 2 == 1) << "the chunk's view";
        ++good;
      }
    }
  }
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(bad, kChunks);
  EXPECT_EQ(good, kChunks * (kPerChunk - 1));
}

TEST_F(ClassificationServiceTest, EvaluatesAReturn) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::EvaluateReturnRequest request;
  *request.mutable_arrangement() = StrategicLead();
  auto* answer = request.add_answers();
  answer->set_question_id("challenges.demonstrate-impact");
  answer->set_rating(1);
  v1::EvaluateReturnResponse response;
  ASSERT_TRUE(stub_->EvaluateReturn(&context, request, &response).ok());
  EXPECT_EQ(response.classification().typology(),
            v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(response.section_gaps_size(), 6);
  ASSERT_EQ(response.recommendations_size(), 1);
  EXPECT_EQ(response.recommendations(0).consideration_id(), "demonstrate-ahp-value");
  EXPECT_EQ(response.recommendations(0).title(), "Demonstrating AHPs' value");
}

TEST_F(ClassificationServiceTest, EvaluateAgainstAnUnknownEditionIsInvalidArgument) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::EvaluateReturnRequest request;
  request.set_edition_id("1999-01");
  *request.mutable_arrangement() = StrategicLead();
  v1::EvaluateReturnResponse response;
  const auto status = stub_->EvaluateReturn(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::set<std::string>{"edition_id"}));
}

TEST_F(ClassificationServiceTest, EvaluateAgainstTheEditionByNameReadsItOnce) {
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::EvaluateReturnRequest request;
    request.set_edition_id("2018-06");
    *request.mutable_arrangement() = NoPost();
    v1::EvaluateReturnResponse response;
    ASSERT_TRUE(stub_->EvaluateReturn(&context, request, &response).ok());
    EXPECT_EQ(response.classification().typology(), v1::TYPOLOGY_UNIPROFESSIONAL);
  }
}

TEST_F(ClassificationServiceTest, GetRulesetServesTheRulesInForce) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetRulesetResponse response;
  ASSERT_TRUE(stub_->GetRuleset(&context, v1::GetRulesetRequest(), &response).ok());
  EXPECT_EQ(response.ruleset().version(), "2018-06.1");
  EXPECT_EQ(response.ruleset().typology_rules_size(), 7);
}

TEST(ClassificationReloadTest, ReloadSwapsTheRulesetAndKeepsTheOldOneOnError) {
  auto shipped = classification::ShippedRuleset();
  ASSERT_TRUE(shipped.ok());
  const std::string path = ::testing::TempDir() + "/ruleset-reload.json";
  auto write = [&](const v1::Ruleset& r) {
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(r, &json).ok());
    std::ofstream(path) << json;
  };
  write(*shipped);

  ahpl::testing::TestDatabase db;
  HostOptions options = DefaultHostOptions(db.url());
  options.listen_address = "127.0.0.1:0";
  options.settings.classification.ruleset_file = path;
  auto host = ServiceHost::Start(std::move(options), *SelectServices("classification"));
  ASSERT_TRUE(host.ok()) << host.status();
  sdk::ClientOptions client;
  client.target = "127.0.0.1:" + std::to_string((*host)->port());
  client.token = ahpl::testing::MakeToken(db.url(), v1::ROLE_CLASSIFIER);
  auto stub = v1::ClassificationService::NewStub(sdk::MakeChannel(client));
  auto version = [&] {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::GetRulesetResponse response;
    EXPECT_TRUE(stub->GetRuleset(&context, v1::GetRulesetRequest(), &response).ok());
    return response.ruleset().version();
  };
  EXPECT_EQ(version(), "2018-06.1");

  v1::Ruleset next = *shipped;
  next.set_version("2018-06.2");
  write(next);
  EXPECT_TRUE((*host)->Reload().ok());
  EXPECT_EQ(version(), "2018-06.2");

  std::ofstream(path) << "{ not json";
  EXPECT_FALSE((*host)->Reload().ok());
  EXPECT_EQ(version(), "2018-06.2") << "a bad file leaves the rules in force";
}

}  // namespace
}  // namespace ahpl
