// The access policy matrix, over gRPC against a real server: every RPC of
// every service, called by every role on a resource inside and outside the
// role's scope, and with missing, malformed, unknown, revoked and expired
// tokens. Each cell is the exact status the call must get.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ahpl/sdk/access_client.h"
#include "ahpl/v1/access.grpc.pb.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "ahpl/v1/catalogue.grpc.pb.h"
#include "ahpl/v1/classification.grpc.pb.h"
#include "services/access/access_policy.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using assessment::testing::CompleteReturn;
using assessment::testing::MinimalDraft;

// What a call got: the status code's short name, and for lists the number
// of items ("OK1", "OK0"), for imports the first violated field ("OK:cycle").
using Outcome = std::string;

std::string Short(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UA";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PD";
    case grpc::StatusCode::NOT_FOUND:
      return "NF";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "IA";
    case grpc::StatusCode::ABORTED:
      return "AB";
    default:
      return absl::StrCat("code", static_cast<int>(code));
  }
}

// The resources a cell works on: "in" is inside a trust or region token's
// scope (trust RF4, region Y56), "out" is another trust in another region.
struct Target {
  v1::AssessmentReturn ret;  // a submitted return
  std::string region;
};

using Call = std::function<Outcome(std::shared_ptr<grpc::Channel>, const Target&)>;

template <typename Response>
Outcome Unary(const grpc::Status& status, const Response&) {
  return Short(status.error_code());
}

// One method's calls and expected outcomes per role, in the order trust,
// region, national, classifier, admin; each "in/out".
struct Row {
  std::string method;
  Call call;
  std::string expected;
};

constexpr v1::Role kRoles[] = {v1::ROLE_TRUST, v1::ROLE_REGION, v1::ROLE_NATIONAL,
                               v1::ROLE_CLASSIFIER, v1::ROLE_ADMIN};

std::vector<Row> Matrix() {
  const std::string cat = "/ahpl.v1.CatalogueService/";
  const std::string ret = "/ahpl.v1.AssessmentService/";
  const std::string cls = "/ahpl.v1.ClassificationService/";
  const std::string acc = "/ahpl.v1.AccessService/";
  const std::string everyone = "OK/OK OK/OK OK/OK OK/OK OK/OK";
  const std::string admin_only = "PD/PD PD/PD PD/PD PD/PD OK/OK";
  const std::string trust_writes = "AB/NF PD/PD PD/PD PD/PD PD/PD";
  const std::string readers = "OK/NF OK/NF OK/OK PD/PD PD/PD";
  const std::string listing = "OK1/OK0 OK1/OK0 OK1/OK1 PD/PD PD/PD";
  const std::string classifying = "OK/OK OK/OK OK/OK OK/OK PD/PD";
  const std::string seasons = "OK/OK OK/OK OK/OK PD/PD OK/OK";
  const std::string season_runners = "PD/PD PD/PD IA/IA PD/PD IA/IA";

  auto catalogue = [](auto method) -> Call {
    return [method](std::shared_ptr<grpc::Channel> channel, const Target&) {
      return method(*v1::CatalogueService::NewStub(channel));
    };
  };
  auto assessment = [](auto method) -> Call {
    return [method](std::shared_ptr<grpc::Channel> channel, const Target& t) {
      return method(*v1::AssessmentService::NewStub(channel), t);
    };
  };
  auto classification = [](auto method) -> Call {
    return [method](std::shared_ptr<grpc::Channel> channel, const Target&) {
      return method(*v1::ClassificationService::NewStub(channel));
    };
  };
  auto access = [](auto method) -> Call {
    return [method](std::shared_ptr<grpc::Channel> channel, const Target&) {
      return method(*v1::AccessService::NewStub(channel));
    };
  };
#define AHPL_UNARY(Stub, Method, request)                                 \
  [&] {                                                                   \
    grpc::ClientContext context;                                          \
    SetDeadline(context);                                                 \
    v1::Method##Response response;                                        \
    return Short(stub.Method(&context, request, &response).error_code()); \
  }()

  return {
      {cat + "GetEdition", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, GetEdition, v1::GetEditionRequest());
       }),
       everyone},
      {cat + "ListEditions", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, ListEditions, v1::ListEditionsRequest());
       }),
       everyone},
      {cat + "ListQuestions", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, ListQuestions, v1::ListQuestionsRequest());
       }),
       everyone},
      {cat + "ListProfessions", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, ListProfessions, v1::ListProfessionsRequest());
       }),
       everyone},
      {cat + "ListRegions", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, ListRegions, v1::ListRegionsRequest());
       }),
       everyone},
      {cat + "ListTrusts", catalogue([](v1::CatalogueService::Stub& stub) {
         return AHPL_UNARY(stub, ListTrusts, v1::ListTrustsRequest());
       }),
       everyone},
      {cat + "GetTrust", catalogue([](v1::CatalogueService::Stub& stub) {
         v1::GetTrustRequest request;
         request.set_ods_code("RF4");
         return AHPL_UNARY(stub, GetTrust, request);
       }),
       everyone},
      {cat + "PublishEdition", catalogue([](v1::CatalogueService::Stub& stub) {
         // The shipped edition again: published before, so nothing changes.
         v1::PublishEditionRequest request;
         *request.mutable_edition() = classification::testing::Edition2018();
         return AHPL_UNARY(stub, PublishEdition, request);
       }),
       admin_only},

      // Writes that would change data are sent so that they stop just after
      // authorization: an invalid draft, or a stale etag.
      {ret + "CreateReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::CreateReturnRequest request;
         request.set_request_id(absl::StrCat("matrix-create-", t.ret.trust_ods_code()));
         *request.mutable_assessment_return() = MinimalDraft(t.ret.trust_ods_code());
         request.mutable_assessment_return()->set_cycle("1999");
         return AHPL_UNARY(stub, CreateReturn, request);
       }),
       "IA/PD PD/PD PD/PD PD/PD PD/PD"},
      {ret + "UpdateReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::UpdateReturnRequest request;
         request.set_request_id("matrix-update");
         *request.mutable_assessment_return() = t.ret;
         request.mutable_assessment_return()->set_etag("stale");
         return AHPL_UNARY(stub, UpdateReturn, request);
       }),
       trust_writes},
      {ret + "SubmitReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::SubmitReturnRequest request;
         request.set_request_id("matrix-submit");
         request.set_name(t.ret.name());
         request.set_etag("stale");
         return AHPL_UNARY(stub, SubmitReturn, request);
       }),
       trust_writes},
      {ret + "AmendReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::AmendReturnRequest request;
         request.set_request_id("matrix-amend");
         *request.mutable_assessment_return() = t.ret;
         request.mutable_assessment_return()->set_etag("stale");
         request.set_reason("matrix");
         return AHPL_UNARY(stub, AmendReturn, request);
       }),
       trust_writes},
      {ret + "WithdrawReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::WithdrawReturnRequest request;
         request.set_request_id("matrix-withdraw");
         request.set_name(t.ret.name());
         request.set_etag("stale");
         request.set_reason("matrix");
         return AHPL_UNARY(stub, WithdrawReturn, request);
       }),
       trust_writes},
      {ret + "GetReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::GetReturnRequest request;
         request.set_name(t.ret.name());
         return AHPL_UNARY(stub, GetReturn, request);
       }),
       readers},
      {ret + "ListReturnVersions",
       assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::ListReturnVersionsRequest request;
         request.set_name(t.ret.name());
         return AHPL_UNARY(stub, ListReturnVersions, request);
       }),
       readers},
      {ret + "ListReturns", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         grpc::ClientContext context;
         SetDeadline(context);
         v1::ListReturnsRequest request;
         request.mutable_filter()->set_trust_ods_code(t.ret.trust_ods_code());
         v1::ListReturnsResponse response;
         const auto status = stub.ListReturns(&context, request, &response);
         if (!status.ok()) return Short(status.error_code());
         return absl::StrCat("OK", response.returns_size());
       }),
       listing},
      {ret + "ExportReturns", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         grpc::ClientContext context;
         SetDeadline(context);
         v1::ExportReturnsRequest request;
         request.mutable_filter()->set_trust_ods_code(t.ret.trust_ods_code());
         auto reader = stub.ExportReturns(&context, request);
         v1::ExportReturnsResponse chunk;
         int n = 0;
         while (reader->Read(&chunk)) n += chunk.returns_size();
         const auto status = reader->Finish();
         if (!status.ok()) return Short(status.error_code());
         return absl::StrCat("OK", n);
       }),
       listing},
      {ret + "ImportReturns", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         grpc::ClientContext context;
         SetDeadline(context);
         auto stream = stub.ImportReturns(&context);
         v1::ImportReturnsRequest request;
         auto* item = request.add_items();
         item->set_request_id("matrix-import");
         *item->mutable_assessment_return() = MinimalDraft(t.ret.trust_ods_code());
         item->mutable_assessment_return()->set_cycle("1999");
         stream->Write(request);
         stream->WritesDone();
         v1::ImportReturnsResponse response;
         std::string field;
         while (stream->Read(&response)) {
           for (const auto& r : response.results()) {
             if (field.empty() && r.violations_size() > 0) field = r.violations(0).field();
           }
         }
         const auto status = stream->Finish();
         if (!status.ok()) return Short(status.error_code());
         std::string last = field.substr(field.rfind('.') + 1);
         return absl::StrCat("OK:", last);
       }),
       "OK:cycle/OK:trust_ods_code PD/PD OK:cycle/OK:cycle PD/PD PD/PD"},
      {ret + "SummarizeReturns", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::SummarizeReturnsRequest request;
         request.set_cycle("2018-19");
         request.set_region_code(t.region);
         return AHPL_UNARY(stub, SummarizeReturns, request);
       }),
       "PD/PD OK/PD OK/OK PD/PD PD/PD"},
      {ret + "BenchmarkReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::BenchmarkReturnRequest request;
         request.set_name(t.ret.name());
         return AHPL_UNARY(stub, BenchmarkReturn, request);
       }),
       readers},

      {ret + "AttestReturn", assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::AttestReturnRequest request;
         request.set_request_id("matrix-attest");
         request.set_name(t.ret.name());
         request.set_etag("stale");
         request.mutable_attestation()->set_attested_by_name("A Chair");
         request.mutable_attestation()->set_attested_by_role("Chair");
         request.mutable_attestation()->set_meeting_date("2019-03-01");
         request.mutable_attestation()->set_minute_reference("TB 1");
         return AHPL_UNARY(stub, AttestReturn, request);
       }),
       trust_writes},
      // Collection writes are sent without a reason or a valid collection:
      // the roles allowed get INVALID_ARGUMENT, nothing changes.
      {ret + "GetCollection", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         v1::GetCollectionRequest request;
         request.set_name("collections/2018-19");
         return AHPL_UNARY(stub, GetCollection, request);
       }),
       seasons},
      {ret + "ListCollections", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         return AHPL_UNARY(stub, ListCollections, v1::ListCollectionsRequest());
       }),
       seasons},
      {ret + "CreateCollection", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         return AHPL_UNARY(stub, CreateCollection, v1::CreateCollectionRequest());
       }),
       season_runners},
      {ret + "UpdateCollection", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         v1::UpdateCollectionRequest request;
         request.mutable_collection()->set_name("collections/2018-19");
         return AHPL_UNARY(stub, UpdateCollection, request);
       }),
       season_runners},
      {ret + "CloseCollection", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         v1::CloseCollectionRequest request;
         request.set_name("collections/2018-19");
         return AHPL_UNARY(stub, CloseCollection, request);
       }),
       season_runners},
      {ret + "AllowLateReturn", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         v1::AllowLateReturnRequest request;
         request.set_name("collections/2018-19");
         return AHPL_UNARY(stub, AllowLateReturn, request);
       }),
       season_runners},
      {ret + "ReopenCollection", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         v1::ReopenCollectionRequest request;
         request.set_name("collections/2018-19");
         return AHPL_UNARY(stub, ReopenCollection, request);
       }),
       "PD/PD PD/PD PD/PD PD/PD IA/IA"},
      {ret + "ListNonResponders",
       assessment([](v1::AssessmentService::Stub& stub, const Target& t) {
         v1::ListNonRespondersRequest request;
         request.set_collection("collections/2018-19");
         request.set_region_code(t.region);
         return AHPL_UNARY(stub, ListNonResponders, request);
       }),
       "OK/OK OK/PD OK/OK PD/PD PD/PD"},

      {cls + "ClassifyArrangement", classification([](v1::ClassificationService::Stub& stub) {
         v1::ClassifyArrangementRequest request;
         *request.mutable_arrangement() = classification::testing::StrategicLead();
         return AHPL_UNARY(stub, ClassifyArrangement, request);
       }),
       classifying},
      {cls + "ClassifyArrangements", classification([](v1::ClassificationService::Stub& stub) {
         grpc::ClientContext context;
         SetDeadline(context);
         auto stream = stub.ClassifyArrangements(&context);
         v1::ClassifyArrangementsRequest request;
         *request.add_arrangements() = classification::testing::StrategicLead();
         stream->Write(request);
         stream->WritesDone();
         v1::ClassifyArrangementsResponse response;
         while (stream->Read(&response)) {
         }
         return Short(stream->Finish().error_code());
       }),
       classifying},
      {cls + "EvaluateReturn", classification([](v1::ClassificationService::Stub& stub) {
         v1::EvaluateReturnRequest request;
         *request.mutable_arrangement() = classification::testing::StrategicLead();
         return AHPL_UNARY(stub, EvaluateReturn, request);
       }),
       classifying},
      {cls + "GetRuleset", classification([](v1::ClassificationService::Stub& stub) {
         return AHPL_UNARY(stub, GetRuleset, v1::GetRulesetRequest());
       }),
       classifying},

      {acc + "CreateToken", access([](v1::AccessService::Stub& stub) {
         v1::CreateTokenRequest request;
         request.set_role(v1::ROLE_CLASSIFIER);
         request.set_description("made by the matrix");
         return AHPL_UNARY(stub, CreateToken, request);
       }),
       admin_only},
      {acc + "ListTokens", access([](v1::AccessService::Stub& stub) {
         return AHPL_UNARY(stub, ListTokens, v1::ListTokensRequest());
       }),
       admin_only},
      {acc + "RevokeToken", access([](v1::AccessService::Stub& stub) {
         v1::RevokeTokenRequest request;
         request.set_name("tokens/999999999");
         return AHPL_UNARY(stub, RevokeToken, request);
       }),
       "PD/PD PD/PD PD/PD PD/PD NF/NF"},
      {acc + "ListAuditEvents", access([](v1::AccessService::Stub& stub) {
         return AHPL_UNARY(stub, ListAuditEvents, v1::ListAuditEventsRequest());
       }),
       admin_only},
      {ret + "GetDeployment", assessment([](v1::AssessmentService::Stub& stub, const Target&) {
         return AHPL_UNARY(stub, GetDeployment, v1::GetDeploymentRequest());
       }),
       everyone},
      {acc + "GetCaller", access([](v1::AccessService::Stub& stub) {
         return AHPL_UNARY(stub, GetCaller, v1::GetCallerRequest());
       }),
       everyone},
  };
#undef AHPL_UNARY
}

// Every method of every ahpl service, by full name.
std::set<std::string> AllMethods() {
  std::set<std::string> out;
  for (const char* name : {"ahpl.v1.CatalogueService", "ahpl.v1.AssessmentService",
                           "ahpl.v1.ClassificationService", "ahpl.v1.AccessService"}) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      out.insert(absl::StrCat("/", service->full_name(), "/", service->method(i)->name()));
    }
  }
  return out;
}

// A channel whose calls carry `token` as their bearer token (none if empty).
std::shared_ptr<grpc::Channel> ChannelWithToken(const std::string& address,
                                                const std::string& token) {
  sdk::ClientOptions options;
  options.target = address;
  options.token = token;
  return sdk::MakeChannel(options);
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ahpl::testing::TestServer("all");
    in_ = new Target{Submit("RF4"), "Y56"};
    v1::GetTrustResponse rx3;
    {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::GetTrustRequest request;
      request.set_ods_code("RX3");
      ASSERT_TRUE(v1::CatalogueService::NewStub(server_->channel())
                      ->GetTrust(&context, request, &rx3)
                      .ok());
    }
    ASSERT_NE(rx3.trust().region_code(), "Y56");
    out_ = new Target{Submit("RX3"), rx3.trust().region_code()};
  }
  static void TearDownTestSuite() {
    delete in_;
    delete out_;
    delete server_;
  }

  // A submitted return of trust `ods_code`, written by that trust.
  static v1::AssessmentReturn Submit(const std::string& ods_code) {
    auto stub = v1::AssessmentService::NewStub(server_->ChannelAs(v1::ROLE_TRUST, ods_code));
    grpc::ClientContext context;
    SetDeadline(context);
    v1::CreateReturnRequest request;
    request.set_request_id("matrix-" + ods_code);
    request.set_submit(true);
    *request.mutable_assessment_return() = CompleteReturn(ods_code);
    v1::CreateReturnResponse response;
    EXPECT_TRUE(stub->CreateReturn(&context, request, &response).ok());
    return response.assessment_return();
  }

  static std::string ScopeOf(v1::Role role) {
    if (role == v1::ROLE_TRUST) return "RF4";
    if (role == v1::ROLE_REGION) return "Y56";
    return "";
  }

  static ahpl::testing::TestServer* server_;
  static Target* in_;
  static Target* out_;
};

ahpl::testing::TestServer* AccessMatrixTest::server_ = nullptr;
Target* AccessMatrixTest::in_ = nullptr;
Target* AccessMatrixTest::out_ = nullptr;

TEST_F(AccessMatrixTest, TheMatrixAndThePolicyCoverEveryMethod) {
  std::set<std::string> in_matrix, in_policy;
  for (const auto& row : Matrix()) in_matrix.insert(row.method);
  for (const auto& p : access::AccessPolicy()) in_policy.insert(p.method);
  EXPECT_EQ(in_matrix, AllMethods());
  EXPECT_EQ(in_policy, AllMethods());
}

TEST_F(AccessMatrixTest, EveryRoleGetsExactlyWhatThePolicyGivesIt) {
  for (const auto& row : Matrix()) {
    const std::vector<std::string> cells = absl::StrSplit(row.expected, ' ');
    ASSERT_EQ(cells.size(), 5u) << row.method;
    for (size_t r = 0; r < 5; ++r) {
      const v1::Role role = kRoles[r];
      const std::vector<std::string> in_out = absl::StrSplit(cells[r], '/');
      ASSERT_EQ(in_out.size(), 2u) << row.method;
      auto channel = server_->ChannelAs(role, ScopeOf(role));
      EXPECT_EQ(row.call(channel, *in_), in_out[0])
          << row.method << " as " << v1::Role_Name(role) << " on a resource in scope";
      EXPECT_EQ(row.call(channel, *out_), in_out[1])
          << row.method << " as " << v1::Role_Name(role) << " on a resource out of scope";
    }
  }
}

TEST_F(AccessMatrixTest, NoMethodAnswersWithoutAValidToken) {
  // Revoked: used once (so it is cached), then revoked.
  sdk::AccessClient admin(server_->ClientOptionsAs(v1::ROLE_ADMIN));
  auto revoked = admin.CreateToken(v1::ROLE_NATIONAL, "", "revoked in the matrix");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  auto revoked_channel = ChannelWithToken(server_->address(), revoked->secret());
  ASSERT_EQ(Matrix()[0].call(revoked_channel, *in_), "OK");
  ASSERT_TRUE(admin.RevokeToken(revoked->token().name()).ok());
  // Expired: a token that lived for one second.
  auto expired =
      admin.CreateToken(v1::ROLE_NATIONAL, "", "expired in the matrix", absl::Seconds(1));
  ASSERT_TRUE(expired.ok()) << expired.status();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  // (Headers that are not "Bearer ..." are refused by the same check, see
  // token_secret_test.cc.)
  const std::map<std::string, std::string> tokens = {
      {"missing", ""},
      {"malformed", "not-a-token"},
      {"unknown", "ahpl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
      {"revoked", revoked->secret()},
      {"expired", expired->secret()},
  };
  for (const auto& [what, token] : tokens) {
    auto channel = ChannelWithToken(server_->address(), token);
    for (const auto& row : Matrix()) {
      EXPECT_EQ(row.call(channel, *in_), "UA") << row.method << " with a " << what << " token";
    }
  }
}

}  // namespace
}  // namespace ahpl
