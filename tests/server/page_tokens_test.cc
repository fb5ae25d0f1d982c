// Page tokens over gRPC, for every paginated listing of every service: a
// token that does not verify (any character changed, truncated, unsigned,
// from another filter, a signed negative key) is INVALID_ARGUMENT naming
// page_token without repeating it, and a token from one server works on
// another server over the same database.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ahpl/v1/access.grpc.pb.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/common/page_token.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using ahpl::testing::ViolatedFields;

// What one page request got: the status, the items' names and the next
// page's token.
struct Page {
  grpc::Status status;
  std::vector<std::string> names;
  std::string next;
};

// A paginated listing: `call` asks for one item per page after `token`,
// under the listing's usual filter, or (with `other_filter`) another one.
struct Listing {
  std::string label;
  v1::Role role;
  std::function<Page(const std::shared_ptr<grpc::Channel>&, const std::string& token,
                     bool other_filter)>
      call;
  // The filter the server binds tokens of the usual filter to, and a key it
  // would issue, when the key is a number; empty otherwise.
  std::string numeric_filter;
  std::string numeric_key;
};

template <typename Request, typename Response, typename Stub, typename Items>
Page Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*), Stub& stub,
          const Request& request, Items items) {
  grpc::ClientContext context;
  SetDeadline(context);
  Response response;
  Page page;
  page.status = (stub.*method)(&context, request, &response);
  page.names = items(response);
  page.next = response.next_page_token();
  return page;
}

class PageTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    using assessment::testing::CompleteReturn;
    using assessment::testing::MinimalDraft;
    // Three returns of RF4, the first with three versions.
    auto writer = v1::AssessmentService::NewStub(server_.ChannelAs(v1::ROLE_TRUST, "RF4"));
    for (int i = 0; i < 3; ++i) {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::CreateReturnRequest request;
      request.set_request_id(absl::StrCat("pages-", i));
      *request.mutable_assessment_return() = MinimalDraft("RF4");
      v1::CreateReturnResponse response;
      ASSERT_TRUE(writer->CreateReturn(&context, request, &response).ok());
      returns_.push_back(response.assessment_return());
    }
    for (int v = 2; v <= 3; ++v) {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::UpdateReturnRequest request;
      request.set_request_id(absl::StrCat("pages-update-", v));
      *request.mutable_assessment_return() = CompleteReturn("RF4");
      request.mutable_assessment_return()->set_name(returns_[0].name());
      request.mutable_assessment_return()->set_etag(returns_[0].etag());
      v1::UpdateReturnResponse response;
      ASSERT_TRUE(writer->UpdateReturn(&context, request, &response).ok());
      returns_[0] = response.assessment_return();
    }
    // A second edition, so editions come in two pages of one.
    v1::Edition next = classification::testing::Edition2018();
    next.set_id("2026-01");
    next.set_title("A later edition");
    next.clear_publish_time();
    {
      grpc::ClientContext context;
      SetDeadline(context);
      v1::PublishEditionRequest request;
      *request.mutable_edition() = next;
      v1::PublishEditionResponse response;
      auto admin = v1::CatalogueService::NewStub(server_.ChannelAs(v1::ROLE_ADMIN));
      ASSERT_TRUE(admin->PublishEdition(&context, request, &response).ok());
    }
    // Tokens enough for pages of tokens (each made one token.created event).
    server_.Token(v1::ROLE_NATIONAL);
    server_.Token(v1::ROLE_REGION, "Y56");
  }

  std::vector<Listing> Listings() {
    const std::string versioned = returns_[0].name();
    const std::string other_return = returns_[1].name();
    return {
        {"ListReturns", v1::ROLE_NATIONAL,
         [](const std::shared_ptr<grpc::Channel>& channel, const std::string& token, bool other) {
           auto stub = v1::AssessmentService::NewStub(channel);
           v1::ListReturnsRequest request;
           if (other) request.mutable_filter()->set_cycle("2018-19");
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::AssessmentService::Stub::ListReturns, *stub, request,
                       [](const v1::ListReturnsResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.returns()) names.push_back(x.name());
                         return names;
                       });
         },
         v1::ReturnFilter().SerializeAsString(), "1"},
        {"ListReturnVersions", v1::ROLE_NATIONAL,
         [versioned, other_return](const std::shared_ptr<grpc::Channel>& channel,
                                   const std::string& token, bool other) {
           auto stub = v1::AssessmentService::NewStub(channel);
           v1::ListReturnVersionsRequest request;
           request.set_name(other ? other_return : versioned);
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::AssessmentService::Stub::ListReturnVersions, *stub, request,
                       [](const v1::ListReturnVersionsResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.versions()) {
                           names.push_back(absl::StrCat(x.name(), "@", x.version()));
                         }
                         return names;
                       });
         },
         versioned, "1"},
        {"ListTrusts", v1::ROLE_NATIONAL,
         [](const std::shared_ptr<grpc::Channel>& channel, const std::string& token, bool other) {
           auto stub = v1::CatalogueService::NewStub(channel);
           v1::ListTrustsRequest request;
           request.set_region_code(other ? "Y58" : "Y56");
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::CatalogueService::Stub::ListTrusts, *stub, request,
                       [](const v1::ListTrustsResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.trusts()) names.push_back(x.ods_code());
                         return names;
                       });
         },
         "", ""},
        {"ListEditions", v1::ROLE_NATIONAL,
         [](const std::shared_ptr<grpc::Channel>& channel, const std::string& token, bool) {
           auto stub = v1::CatalogueService::NewStub(channel);
           v1::ListEditionsRequest request;
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::CatalogueService::Stub::ListEditions, *stub, request,
                       [](const v1::ListEditionsResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.editions()) names.push_back(x.id());
                         return names;
                       });
         },
         "", ""},
        {"ListTokens", v1::ROLE_ADMIN,
         [](const std::shared_ptr<grpc::Channel>& channel, const std::string& token, bool other) {
           auto stub = v1::AccessService::NewStub(channel);
           v1::ListTokensRequest request;
           request.set_include_inactive(other);
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::AccessService::Stub::ListTokens, *stub, request,
                       [](const v1::ListTokensResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.tokens()) names.push_back(x.name());
                         return names;
                       });
         },
         "tokens:active", "2"},
        {"ListAuditEvents", v1::ROLE_ADMIN,
         [](const std::shared_ptr<grpc::Channel>& channel, const std::string& token, bool other) {
           auto stub = v1::AccessService::NewStub(channel);
           v1::ListAuditEventsRequest request;
           if (other) request.mutable_filter()->set_action("token.created");
           request.set_page_size(1);
           request.set_page_token(token);
           return Call(&v1::AccessService::Stub::ListAuditEvents, *stub, request,
                       [](const v1::ListAuditEventsResponse& r) {
                         std::vector<std::string> names;
                         for (const auto& x : r.events()) names.push_back(std::to_string(x.id()));
                         return names;
                       });
         },
         v1::AuditFilter().SerializeAsString(), "1"},
    };
  }

  // The codec the servers use, from the key in the database.
  PageTokenCodec ServersCodec() {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    const auto r = tx.exec("SELECT key FROM page_token_key");
    EXPECT_EQ(r.size(), 1u);
    auto codec = PageTokenCodec::Create(pqxx::binarystring(r[0][0]).str());
    EXPECT_TRUE(codec.ok()) << codec.status();
    return *std::move(codec);
  }

  // Expects `page` refused as a page token, without the token repeated.
  static void ExpectRefused(const Page& page, const std::string& token, const std::string& what) {
    EXPECT_EQ(page.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
    EXPECT_EQ(ViolatedFields(page.status), (std::set<std::string>{"page_token"})) << what;
    EXPECT_TRUE(page.names.empty()) << what;
    if (token.size() >= 4) {
      EXPECT_EQ(page.status.error_message().find(token), std::string::npos)
          << what << ": the message repeats the token";
      EXPECT_EQ(page.status.error_details().find(token), std::string::npos)
          << what << ": the details repeat the token";
    }
  }

  ahpl::testing::TestServer server_{"all"};
  std::vector<v1::AssessmentReturn> returns_;
};

TEST_F(PageTokensTest, EveryAlteredTokenIsRefusedOnEveryListing) {
  for (const Listing& listing : Listings()) {
    SCOPED_TRACE(listing.label);
    auto channel = server_.ChannelAs(listing.role);
    const Page first = listing.call(channel, "", false);
    ASSERT_TRUE(first.status.ok()) << first.status.error_message();
    ASSERT_EQ(first.names.size(), 1u);
    const std::string token = first.next;
    ASSERT_FALSE(token.empty()) << "no second page to test with";
    const Page second = listing.call(channel, token, false);
    ASSERT_TRUE(second.status.ok()) << second.status.error_message();
    ASSERT_EQ(second.names.size(), 1u);
    EXPECT_NE(second.names, first.names);

    // Any one character changed.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < token.size(); ++i) {
      std::string altered = token;
      altered[i] = alphabet[(alphabet.find(token[i]) + 1) % alphabet.size()];
      ExpectRefused(listing.call(channel, altered, false), altered,
                    absl::StrCat("character ", i, " changed"));
    }
    // Truncated, extended.
    for (size_t n : {size_t{1}, token.size() / 2, token.size() - 1}) {
      const std::string cut = token.substr(0, n);
      ExpectRefused(listing.call(channel, cut, false), cut, absl::StrCat("cut to ", n));
    }
    ExpectRefused(listing.call(channel, token + "AAAA", false), token + "AAAA", "extended");
    // Unsigned, as servers issued before signing: "p1", filter, key.
    const std::string unsigned_token =
        absl::WebSafeBase64Escape(absl::StrCat("p1\x1f", listing.numeric_filter, "\x1f", "0"));
    ExpectRefused(listing.call(channel, unsigned_token, false), unsigned_token, "unsigned");
    // From the same listing under another filter.
    if (listing.label != "ListEditions") {
      ExpectRefused(listing.call(channel, token, true), token, "another filter");
    }
  }
}

TEST_F(PageTokensTest, SignedNegativeKeysAreRefused) {
  const PageTokenCodec codec = ServersCodec();
  for (const Listing& listing : Listings()) {
    if (listing.numeric_filter.empty() && listing.numeric_key.empty()) continue;
    SCOPED_TRACE(listing.label);
    auto channel = server_.ChannelAs(listing.role);
    // Signed with the servers' key, so only the key's value is wrong...
    const std::string good = codec.Encode(listing.numeric_filter, listing.numeric_key);
    const Page accepted = listing.call(channel, good, false);
    ASSERT_TRUE(accepted.status.ok()) << accepted.status.error_message();
    // ...and a negative one is refused.
    for (const char* key : {"-1", "-9223372036854775808"}) {
      const std::string negative = codec.Encode(listing.numeric_filter, key);
      ExpectRefused(listing.call(channel, negative, false), negative, key);
    }
  }
}

TEST_F(PageTokensTest, ATokenFromOneServerWorksOnAnotherOverTheSameDatabase) {
  HostOptions options = DefaultHostOptions(server_.database().url());
  options.listen_address = "127.0.0.1:0";
  auto other = ServiceHost::Start(std::move(options), *SelectServices("all"));
  ASSERT_TRUE(other.ok()) << other.status();
  const std::string other_address = absl::StrCat("127.0.0.1:", (*other)->port());

  for (const Listing& listing : Listings()) {
    SCOPED_TRACE(listing.label);
    auto here = server_.ChannelAs(listing.role);
    sdk::ClientOptions there_options = server_.ClientOptionsAs(listing.role);
    there_options.target = other_address;
    auto there = sdk::MakeChannel(there_options);

    const Page first = listing.call(here, "", false);
    ASSERT_TRUE(first.status.ok()) << first.status.error_message();
    ASSERT_FALSE(first.next.empty());
    const Page second_here = listing.call(here, first.next, false);
    const Page second_there = listing.call(there, first.next, false);
    ASSERT_TRUE(second_there.status.ok()) << second_there.status.error_message();
    EXPECT_EQ(second_there.names, second_here.names);
    EXPECT_EQ(second_there.next, second_here.next) << "both servers sign alike";
  }
  (*other)->Shutdown();
}

}  // namespace
}  // namespace ahpl
