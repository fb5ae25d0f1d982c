// What an operator sees of a running server: Prometheus metrics for every
// call (checked with promtool), one access-log line per call in text or
// JSON, the plaintext health port, certificates re-read without a restart,
// and ports that are never shared.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/v1/catalogue.grpc.pb.h"
#include "ahpl/v1/classification.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "sdk/include/ahpl/sdk/catalogue_client.h"
#include "services/common/call_observer.h"
#include "services/common/log.h"
#include "services/common/service_host.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

// The body of GET http://127.0.0.1:PORT/PATH, or "" when it cannot be read.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[8192];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// promtool's verdict on `text`: its exit code and what it printed.
std::pair<int, std::string> Promtool(const std::string& text) {
  const std::string path = ::testing::TempDir() + "/metrics-" + std::to_string(getpid()) + ".txt";
  std::ofstream(path) << text;
  std::string output;
  FILE* pipe = popen(("promtool check metrics < " + path + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "cannot run promtool"};
  char buf[512];
  while (fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  const int status = pclose(pipe);
  std::remove(path.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The value of the series `series` (name and labels exactly as printed).
double Sample(const std::string& text, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, series + " ")) {
      return std::stod(std::string(line.substr(series.size() + 1)));
    }
  }
  return -1;
}

// Every log line written while it lives, in order.
class CapturedLog {
 public:
  CapturedLog() {
    SetLogOutput([this](absl::string_view lines) {
      absl::MutexLock lock(&mu_);
      text_.append(lines.data(), lines.size());
    });
  }
  ~CapturedLog() {
    SetLogOutput(nullptr);
    SetLogFormat(LogFormat::kText);
  }
  std::vector<std::string> Lines(absl::string_view containing) {
    FlushLogs();
    absl::MutexLock lock(&mu_);
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(text_, '\n', absl::SkipEmpty())) {
      if (absl::StrContains(line, containing)) lines.emplace_back(line);
    }
    return lines;
  }
  std::string All() {
    FlushLogs();
    absl::MutexLock lock(&mu_);
    return text_;
  }

 private:
  absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
};

grpc::Status ListEditions(const std::shared_ptr<grpc::Channel>& channel, const std::string& token,
                          const std::string& request_id = "",
                          std::multimap<std::string, std::string>* initial = nullptr) {
  auto stub = v1::CatalogueService::NewStub(channel);
  grpc::ClientContext context;
  testing::SetDeadline(context);
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  if (!request_id.empty()) context.AddMetadata(kRequestIdKey, request_id);
  v1::ListEditionsResponse response;
  grpc::Status status = stub->ListEditions(&context, v1::ListEditionsRequest(), &response);
  if (initial != nullptr) {
    for (const auto& [key, value] : context.GetServerInitialMetadata()) {
      initial->emplace(std::string(key.data(), key.size()),
                       std::string(value.data(), value.size()));
    }
  }
  return status;
}

std::shared_ptr<grpc::Channel> Plaintext(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

class ObservabilityTest : public ::testing::Test {
 protected:
  void Start(HostOptions options, const std::string& services = "catalogue,classification") {
    auto host = ServiceHost::Start(std::move(options), *SelectServices(services));
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = std::move(*host);
    channel_ = Plaintext(host_->port());
  }
  HostOptions Options() {
    HostOptions options = DefaultHostOptions(db_.url());
    options.listen_address = "127.0.0.1:0";
    options.observability.metrics_listen = "127.0.0.1:0";
    options.observability.version = "v9.9.9-test";
    return options;
  }

  testing::TestDatabase db_;
  std::unique_ptr<ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ObservabilityTest, MetricsCountEveryCallByMethodAndCodeAndPassPromtool) {
  Start(Options());
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ListEditions(channel_, token).ok());
  EXPECT_EQ(ListEditions(channel_, "ahpl_wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto classify = v1::ClassificationService::NewStub(channel_);
  grpc::ClientContext context;
  testing::SetDeadline(context);
  context.AddMetadata("authorization", "Bearer " + token);
  v1::ClassifyArrangementRequest bad;
  v1::ClassifyArrangementResponse answer;
  EXPECT_EQ(classify->ClassifyArrangement(&context, bad, &answer).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const std::string text = HttpGet(host_->metrics_port(), "/metrics");
  ASSERT_FALSE(text.empty()) << "nothing served at /metrics";
  const std::string editions =
      R"(grpc_method="ListEditions",grpc_service="ahpl.v1.CatalogueService")";
  EXPECT_EQ(Sample(text, "ahpl_grpc_server_started_total{" + editions + "}"), 4) << text;
  EXPECT_EQ(Sample(text, R"(ahpl_grpc_server_handled_total{grpc_code="OK",)" + editions + "}"), 3);
  EXPECT_EQ(Sample(text, R"(ahpl_grpc_server_handled_total{grpc_code="UNAUTHENTICATED",)" +
                             editions + "}"),
            1);
  EXPECT_EQ(
      Sample(text, R"(ahpl_grpc_server_handling_seconds_count{grpc_code="OK",)" + editions + "}"),
      3);
  EXPECT_EQ(
      Sample(text, R"(ahpl_grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",grpc_method=)"
                   R"("ClassifyArrangement",grpc_service="ahpl.v1.ClassificationService"})"),
      1);
  EXPECT_EQ(Sample(text, "ahpl_grpc_server_in_flight{" + editions + "}"), 0);
  EXPECT_EQ(Sample(text, R"(ahpl_db_pool_max_connections{pool="primary"})"), 8);
  EXPECT_GE(Sample(text, R"(ahpl_db_pool_open_connections{pool="primary"})"), 1);
  EXPECT_EQ(Sample(text, R"(ahpl_db_pool_in_use_connections{pool="primary"})"), 0);
  EXPECT_GE(Sample(text, R"(ahpl_db_pool_wait_seconds_count{pool="primary"})"), 1);
  EXPECT_EQ(Sample(text, R"(ahpl_token_checks_total{code="UNAUTHENTICATED",source="database"})"),
            1);
  EXPECT_GE(Sample(text, R"(ahpl_token_checks_total{code="OK",source="database"})") +
                Sample(text, R"(ahpl_token_checks_total{code="OK",source="cache"})"),
            4 - 1);
  EXPECT_EQ(Sample(text, R"(ahpl_build_info{grpc_version=")" + grpc::Version() +
                             R"(",version="v9.9.9-test"})"),
            1);
  EXPECT_GE(Sample(text, "ahpl_connections_accepted_total"), 1);

  const auto [code, verdict] = Promtool(text);
  EXPECT_EQ(code, 0) << "promtool check metrics: " << verdict;
}

TEST_F(ObservabilityTest, OneAccessLineACallWithCallerAndRequestIdNeverTheSecret) {
  CapturedLog log;
  Start(Options());
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  std::multimap<std::string, std::string> initial;
  ASSERT_TRUE(ListEditions(channel_, token, "trust-run-42", &initial).ok());
  EXPECT_EQ(initial.count(kRequestIdKey), 1u);
  EXPECT_EQ(initial.find(kRequestIdKey)->second, "trust-run-42") << "echoed back";
  EXPECT_EQ(initial.count("x-ahpl-observed-caller"), 0u);

  std::multimap<std::string, std::string> made;
  EXPECT_FALSE(ListEditions(channel_, "ahpl_wrong", "has spaces; and {braces}", &made).ok());

  std::vector<std::string> lines = log.Lines("method=/ahpl.v1.CatalogueService/ListEditions");
  ASSERT_EQ(lines.size(), 2u) << log.All();
  EXPECT_TRUE(absl::StrContains(lines[0], " INFO call ")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " code=OK ")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " role=national ")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " caller=tokens/")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " request_id=trust-run-42 ")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " peer=ipv4:127.0.0.1:")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[0], " duration_ms=")) << lines[0];
  EXPECT_TRUE(absl::StrContains(lines[1], " code=UNAUTHENTICATED ")) << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[1], " caller=- role=- ")) << lines[1];
  ASSERT_EQ(made.count(kRequestIdKey), 1u);
  const std::string generated = made.find(kRequestIdKey)->second;
  EXPECT_NE(generated, "has spaces; and {braces}") << "a malformed id is replaced";
  EXPECT_TRUE(absl::StrContains(lines[1], " request_id=" + generated + " ")) << lines[1];
  EXPECT_FALSE(absl::StrContains(log.All(), token)) << "the secret is never logged";
  EXPECT_FALSE(absl::StrContains(log.All(), token.substr(5, 20)));
}

TEST_F(ObservabilityTest, JsonLinesCarryTheSameFields) {
  CapturedLog log;
  SetLogFormat(LogFormat::kJson);
  Start(Options());
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  ASSERT_TRUE(ListEditions(channel_, token, "json-1").ok());
  std::vector<std::string> lines =
      log.Lines("\"method\":\"/ahpl.v1.CatalogueService/ListEditions\"");
  ASSERT_EQ(lines.size(), 1u) << log.All();
  const std::string& line = lines[0];
  EXPECT_TRUE(absl::StartsWith(line, "{\"time\":\"")) << line;
  EXPECT_TRUE(absl::EndsWith(line, "}")) << line;
  EXPECT_TRUE(absl::StrContains(line, "\"level\":\"info\",\"msg\":\"call\"")) << line;
  EXPECT_TRUE(absl::StrContains(line, "\"code\":\"OK\"")) << line;
  EXPECT_TRUE(absl::StrContains(line, "\"role\":\"national\"")) << line;
  EXPECT_TRUE(absl::StrContains(line, "\"request_id\":\"json-1\"")) << line;
  EXPECT_TRUE(absl::StrContains(line, "\"duration_ms\":")) << line;
  for (const std::string& any : log.Lines("")) {
    EXPECT_TRUE(absl::StartsWith(any, "{") && absl::EndsWith(any, "}")) << "not JSON: " << any;
  }
}

TEST(LogFormatTest, ValuesCannotForgeFieldsOrLines) {
  CapturedLog log;
  LogEvent(LogLevel::kInfo, "evil\nmessage", {{"a", "x y=z"}, {"b", "q\"\n"}, {"n", int64_t{7}}});
  SetLogFormat(LogFormat::kJson);
  LogEvent(LogLevel::kInfo, "evil\"}\n", {{"a", "\x01"}, {"n", 2.5}});
  const std::string all = log.All();
  const std::vector<std::string> lines = absl::StrSplit(all, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << all;
  EXPECT_TRUE(absl::EndsWith(lines[0], R"(INFO evil\x0amessage a="x y=z" b="q\"\n" n=7)"))
      << lines[0];
  EXPECT_TRUE(absl::EndsWith(lines[1], R"("msg":"evil\"}\n","a":"\u0001","n":2.5})")) << lines[1];
}

TEST_F(ObservabilityTest, TheHealthPortAnswersWithoutAClientCertificate) {
  testing::TestCertificates certs;
  ASSERT_TRUE(certs.ok());
  HostOptions options = Options();
  options.transport.cert_file = certs("server.pem");
  options.transport.key_file = certs("server.key");
  options.transport.client_ca_file = certs("ca.pem");
  options.health_listen = "127.0.0.1:0";
  Start(std::move(options));
  ASSERT_GT(host_->health_port(), 0);
  auto health = grpc::health::v1::Health::NewStub(Plaintext(host_->health_port()));
  for (const std::string service : {"", "ahpl.v1.CatalogueService"}) {
    grpc::ClientContext context;
    testing::SetDeadline(context);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  EXPECT_EQ(ListEditions(Plaintext(host_->health_port()), token).error_code(),
            grpc::StatusCode::UNIMPLEMENTED)
      << "the health port serves health alone";
  EXPECT_EQ(ListEditions(Plaintext(host_->port()), token).error_code(),
            grpc::StatusCode::UNAVAILABLE)
      << "the main port still wants TLS";
}

TEST_F(ObservabilityTest, APortInUseFailsTheStartInsteadOfBeingShared) {
  Start(Options());
  const std::string taken = "127.0.0.1:" + std::to_string(host_->port());
  HostOptions same = Options();
  same.listen_address = taken;
  auto second = ServiceHost::Start(std::move(same), *SelectServices("catalogue"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(second.status().message(), taken)) << second.status();

  HostOptions metrics = Options();
  metrics.observability.metrics_listen = "127.0.0.1:" + std::to_string(host_->metrics_port());
  auto third = ServiceHost::Start(std::move(metrics), *SelectServices("catalogue"));
  ASSERT_FALSE(third.ok());
  EXPECT_TRUE(absl::StrContains(third.status().message(), "metrics")) << third.status();

  HostOptions health = Options();
  health.health_listen = taken;
  auto fourth = ServiceHost::Start(std::move(health), *SelectServices("catalogue"));
  ASSERT_FALSE(fourth.ok());
  EXPECT_TRUE(absl::StrContains(fourth.status().message(), "health")) << fourth.status();

  // The first server still answers every call.
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(ListEditions(channel_, token).ok()) << i;
}

// A client trusting only `ca` reaches `port` on localhost.
bool Reaches(int port, const std::string& ca, const std::string& token) {
  sdk::ClientOptions options;
  options.target = "localhost:" + std::to_string(port);
  auto credentials = sdk::TlsCredentials(ca, "", "");
  if (!credentials.ok()) return false;
  options.credentials = *credentials;
  options.token = token;
  options.max_attempts = 1;
  options.deadline = absl::Seconds(3);
  return sdk::CatalogueClient(options).ListRegions().ok();
}

TEST_F(ObservabilityTest, ARenewedCertificateIsServedWithoutARestart) {
  testing::TestCertificates first;
  testing::TestCertificates second;
  ASSERT_TRUE(first.ok() && second.ok());
  const std::string live = ::testing::TempDir() + "/live-tls-" + std::to_string(getpid());
  std::filesystem::create_directories(live);
  const auto install = [&](const testing::TestCertificates& from) {
    // As a renewal tool does: new files written aside, then renamed over.
    for (const std::string name : {"server.pem", "server.key"}) {
      std::filesystem::copy_file(from(name), live + "/" + name + ".new",
                                 std::filesystem::copy_options::overwrite_existing);
      std::filesystem::rename(live + "/" + name + ".new", live + "/" + name);
    }
  };
  install(first);
  HostOptions options = Options();
  options.transport.cert_file = live + "/server.pem";
  options.transport.key_file = live + "/server.key";
  options.transport.reload_interval = absl::Seconds(1);
  Start(std::move(options));
  const std::string token = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  ASSERT_TRUE(Reaches(host_->port(), first("ca.pem"), token));
  ASSERT_FALSE(Reaches(host_->port(), second("ca.pem"), token));

  install(second);
  bool renewed = false;
  for (int i = 0; i < 100 && !renewed; ++i) {
    renewed = Reaches(host_->port(), second("ca.pem"), token);
    if (!renewed) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(renewed) << "the renewed certificate was never served";
  EXPECT_FALSE(Reaches(host_->port(), first("ca.pem"), token)) << "the old one is gone";
  std::filesystem::remove_all(live);
}

}  // namespace
}  // namespace ahpl
