// The hosted assessment service classifying submissions over gRPC when services run apart.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using assessment::testing::CompleteReturn;

TEST(AssessmentRemoteClassificationTest, SubmissionIsClassifiedOverGrpcWhenServicesRunApart) {
  ahpl::testing::TestServer classifier("classification");
  ahpl::testing::TestDatabase db;
  HostOptions options = DefaultHostOptions(db.url());
  options.listen_address = "127.0.0.1:0";
  options.settings.assessment.classification.target = classifier.address();
  options.settings.assessment.classification.token = classifier.Token(v1::ROLE_CLASSIFIER);
  auto host = ServiceHost::Start(std::move(options), *SelectServices("assessment"));
  ASSERT_TRUE(host.ok()) << host.status();
  ahpl::testing::OpenTestCollections(db.url());
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

}  // namespace
}  // namespace ahpl
