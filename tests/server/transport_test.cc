// Transport: plaintext only on loopback unless allowed; TLS and mutual TLS
// handshakes with certificates generated for the test by openssl.
#include "services/common/transport.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

const testing::TestCertificates& Certs() {
  // Destroyed at exit, which removes its folder.
  static const testing::TestCertificates certs;
  return certs;
}

TEST(TransportTest, PlaintextBeyondLoopbackNeedsTheInsecureFlag) {
  TransportOptions plain;
  EXPECT_TRUE(ServerCredentialsFor("127.0.0.1:0", plain).ok());
  const auto refused = ServerCredentialsFor("0.0.0.0:0", plain);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("--insecure"), absl::string_view::npos);
  plain.allow_insecure = true;
  EXPECT_TRUE(ServerCredentialsFor("0.0.0.0:0", plain).ok());
}

TEST(TransportTest, BadTlsFilesAreNamed) {
  TransportOptions half;
  half.cert_file = "/nowhere/server.pem";
  EXPECT_EQ(ServerCredentialsFor("127.0.0.1:0", half).status().code(),
            absl::StatusCode::kInvalidArgument);
  half.key_file = "/nowhere/server.key";
  const auto missing = ServerCredentialsFor("127.0.0.1:0", half);
  EXPECT_NE(missing.status().message().find("/nowhere/server.pem"), absl::string_view::npos);
  TransportOptions ca_only;
  ca_only.client_ca_file = "/nowhere/ca.pem";
  EXPECT_FALSE(ServerCredentialsFor("127.0.0.1:0", ca_only).ok());
}

class TlsServerTest : public ::testing::Test {
 protected:
  void Start(bool mutual) {
    ASSERT_TRUE(Certs().ok()) << "openssl could not make the test certificates";
    HostOptions options = DefaultHostOptions(db_.url());
    options.listen_address = "127.0.0.1:0";
    options.transport.cert_file = Certs()("server.pem");
    options.transport.key_file = Certs()("server.key");
    if (mutual) options.transport.client_ca_file = Certs()("ca.pem");
    auto host = ServiceHost::Start(std::move(options), *SelectServices("catalogue"));
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = std::move(*host);
    token_ = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  }

  absl::Status Call(std::shared_ptr<grpc::ChannelCredentials> credentials) {
    sdk::ClientOptions options;
    options.target = "localhost:" + std::to_string(host_->port());
    options.credentials = std::move(credentials);
    options.token = token_;
    options.max_attempts = 1;
    options.deadline = absl::Seconds(3);
    return sdk::CatalogueClient(options).ListRegions().status();
  }

  std::shared_ptr<grpc::ChannelCredentials> Tls(const std::string& ca,
                                                const std::string& who = "") {
    auto credentials =
        sdk::TlsCredentials(Certs()(ca + ".pem"), who.empty() ? "" : Certs()(who + ".pem"),
                            who.empty() ? "" : Certs()(who + ".key"));
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    return *credentials;
  }

  testing::TestDatabase db_;
  std::unique_ptr<ServiceHost> host_;
  std::string token_;
};

TEST_F(TlsServerTest, TlsClientsTrustingTheCaGetIn) {
  Start(/*mutual=*/false);
  EXPECT_TRUE(Call(Tls("ca")).ok());
  EXPECT_EQ(Call(grpc::InsecureChannelCredentials()).code(), absl::StatusCode::kUnavailable)
      << "plaintext to a TLS server fails";
  EXPECT_EQ(Call(Tls("other-ca")).code(), absl::StatusCode::kUnavailable)
      << "a client that does not trust the server's CA refuses it";
}

TEST_F(TlsServerTest, MutualTlsNeedsAClientCertificateFromTheCa) {
  Start(/*mutual=*/true);
  EXPECT_TRUE(Call(Tls("ca", "client")).ok());
  EXPECT_EQ(Call(Tls("ca")).code(), absl::StatusCode::kUnavailable) << "no client certificate";
  EXPECT_EQ(Call(Tls("ca", "stranger")).code(), absl::StatusCode::kUnavailable)
      << "a client certificate from another CA";
}

TEST(ServerToServerTlsTest, SubmissionsAreClassifiedOverMutualTls) {
  ASSERT_TRUE(Certs().ok());
  // The classification service alone, requiring client certificates.
  testing::TestDatabase classification_db;
  HostOptions classification = DefaultHostOptions(classification_db.url());
  classification.listen_address = "localhost:0";
  classification.transport.cert_file = Certs()("server.pem");
  classification.transport.key_file = Certs()("server.key");
  classification.transport.client_ca_file = Certs()("ca.pem");
  auto classifier =
      ServiceHost::Start(std::move(classification), *SelectServices("classification"));
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  const std::string target = "localhost:" + std::to_string((*classifier)->port());

  // The assessment service calling it with TLS and its own certificate.
  testing::TestDatabase db;
  HostOptions assessment = DefaultHostOptions(db.url());
  assessment.listen_address = "127.0.0.1:0";
  RemoteClassificationSettings& remote = assessment.settings.assessment.classification;
  remote.target = target;
  remote.token = testing::MakeToken(classification_db.url(), v1::ROLE_CLASSIFIER);
  remote.ca_file = Certs()("ca.pem");
  remote.cert_file = Certs()("client.pem");
  remote.key_file = Certs()("client.key");
  auto host = ServiceHost::Start(std::move(assessment), *SelectServices("assessment"));
  ASSERT_TRUE(host.ok()) << host.status();
  ahpl::testing::OpenTestCollections(db.url());

  sdk::ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string((*host)->port());
  options.token = testing::MakeToken(db.url(), v1::ROLE_TRUST, "RF4");
  auto submitted = sdk::AssessmentClient(options).Create(assessment::testing::CompleteReturn("RF4"),
                                                         /*submit=*/true);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->classification().typology(),
            v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(submitted->classification().ruleset_version(), "2018-06.1");
}

TEST(SdkTransportTest, EncryptedBeyondLoopbackUnlessInsecure) {
  const std::string address = testing::NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "this machine has no address beyond loopback to call";
  testing::TestDatabase db;
  HostOptions plaintext = DefaultHostOptions(db.url());
  plaintext.listen_address = address + ":0";
  plaintext.transport.allow_insecure = true;
  auto host = ServiceHost::Start(std::move(plaintext), *SelectServices("catalogue"));
  ASSERT_TRUE(host.ok()) << host.status();

  sdk::ClientOptions options;
  options.target = address + ":" + std::to_string((*host)->port());
  options.token = testing::MakeToken(db.url(), v1::ROLE_NATIONAL);
  options.max_attempts = 1;
  options.deadline = absl::Seconds(3);
  EXPECT_EQ(sdk::CatalogueClient(options).ListRegions().status().code(),
            absl::StatusCode::kUnavailable)
      << "TLS with the system's CAs by default: the handshake with a plaintext server fails";
  options.insecure = true;
  EXPECT_TRUE(sdk::CatalogueClient(options).ListRegions().ok()) << "plaintext when asked for";

  // A server calling another (assessment calling classification) follows the
  // same rule.
  auto connects = [&](bool allow_insecure) {
    auto credentials = ChannelCredentialsFor(options.target, "", "", "", allow_insecure);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    if (!credentials.ok()) return false;
    auto channel = grpc::CreateChannel(options.target, *credentials);
    return channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(3));
  };
  EXPECT_FALSE(connects(false)) << "TLS by default: no handshake with a plaintext server";
  EXPECT_TRUE(connects(true));
}

TEST(TransportTest, ServerToServerCredentialsAreCheckedBeforeUse) {
  EXPECT_TRUE(ChannelCredentialsFor("127.0.0.1:5", "", "", "", false).ok());
  EXPECT_TRUE(ChannelCredentialsFor("10.0.0.5:5", "", "", "", false).ok())
      << "beyond loopback without a CA: TLS trusting the system's CAs";
  EXPECT_TRUE(ChannelCredentialsFor("10.0.0.5:5", "", "", "", true).ok());
  EXPECT_EQ(ChannelCredentialsFor("10.0.0.5:5", "/nowhere/ca.pem", "", "", false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ChannelCredentialsFor("10.0.0.5:5", "", Certs()("client.pem"), "", false).status().code(),
      absl::StatusCode::kInvalidArgument)
      << "a client certificate without its key";
}

TEST(TransportProcessTest, ServerRefusesPlaintextBeyondLoopback) {
  const std::string command = std::string(AHPL_SERVER_BINARY) +
                              " --database_url=postgresql://postgres@127.0.0.1:1/none"
                              " --listen=0.0.0.0:0 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  const int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(out.find("refusing to listen on 0.0.0.0:0 without TLS"), std::string::npos) << out;
}

}  // namespace
}  // namespace ahpl
