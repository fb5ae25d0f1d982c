// The ahpl command line, run as a process against a real server.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "ahpl/sdk/assessment_client.h"
#include "sdk/cli/season_text.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_certificates.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

// Runs ahpl with `token` in $AHPL_TOKEN (token secrets need no quoting),
// after `env` (assignments such as "AHPL_INSECURE=1 "); the caller's own
// AHPL_CA, AHPL_INSECURE, AHPL_TOKEN_FILE and gRPC roots do not leak in.
CliRun Ahpl(const std::string& args, const std::string& server, const std::string& token = "",
            const std::string& env = "") {
  const std::string command =
      "env -u AHPL_CA -u AHPL_CERT -u AHPL_KEY -u AHPL_INSECURE -u AHPL_TOKEN_FILE "
      "-u GRPC_DEFAULT_SSL_ROOTS_FILE_PATH " +
      env + " AHPL_TOKEN=" + token + " " + std::string(AHPL_CLI_BINARY) + " --server " + server +
      " --timeout 5 " + args + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(content.c_str(), f);
  std::fclose(f);
  return path;
}

std::string ReadText(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  EXPECT_NE(f, nullptr) << path;
  std::string text;
  if (f == nullptr) return text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  return text;
}

class CliTest : public ::testing::Test {
 protected:
  testing::TestServer server_{"catalogue,access"};
  CliRun Cli(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_NATIONAL));
  }
  CliRun AsAdmin(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_ADMIN));
  }
};

TEST_F(CliTest, ShowGroupsTheTwelveQuestionsBySection) {
  const CliRun run = Cli("catalogue show");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("5. Challenges - AHP leadership challenges"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("Q12 Do your current leadership arrangements"), std::string::npos);
  EXPECT_NE(run.out.find("[a \"yes\" signals a gap]"), std::string::npos);
}

TEST_F(CliTest, CsvAndJsonOutputs) {
  const CliRun csv = Cli("catalogue regions --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.out;
  EXPECT_EQ(csv.out.substr(0, csv.out.find('\n')), "code,region,trusts");
  EXPECT_NE(csv.out.find("Y60,Midlands,40"), std::string::npos);
  const CliRun json = Cli("--format json catalogue trust RF4");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  EXPECT_NE(json.out.find("\"ods_code\": \"RF4\""), std::string::npos) << json.out;
  const CliRun typology = Cli("--format csv catalogue typology");
  EXPECT_NE(typology.out.find("Strategic overarching multiprofessional"), std::string::npos);
  EXPECT_NE(typology.out.find("\"8d, 9\""), std::string::npos) << typology.out;
}

TEST_F(CliTest, ExitCodesDistinguishFailures) {
  EXPECT_EQ(Cli("catalogue trust ZZZ").exit_code, 4);
  const CliRun invalid = Cli("catalogue show --section courage");
  EXPECT_EQ(invalid.exit_code, 3);
  EXPECT_NE(invalid.out.find("section_id:"), std::string::npos) << invalid.out;
  EXPECT_EQ(Cli("catalogue").exit_code, 2);
  EXPECT_EQ(Cli("--format xml catalogue regions").exit_code, 2);
  EXPECT_EQ(Ahpl("catalogue regions", "127.0.0.1:1").exit_code, 5);
}

TEST_F(CliTest, ChangingAPublishedEditionIsAConflict) {
  // Different content under the published id 2018-06.
  const std::string path =
      WriteTemp("changed.json",
                "{\"id\": \"2018-06\", \"title\": \"t\", \"attribution\": \"a\", "
                "\"sections\": [{\"id\": \"s\", \"position\": 1, \"title\": \"S\"}], "
                "\"questions\": [{\"id\": \"q\", \"section_id\": \"s\", \"position\": 1, "
                "\"text\": \"Q?\", \"polarity\": \"POLARITY_YES_IS_STRENGTH\"}], "
                "\"scale\": {\"points\": [{\"value\": 1, \"code\": \"no\", \"label\": \"No\"}, "
                "{\"value\": 2, \"code\": \"yes\", \"label\": \"Yes\"}], \"yes_threshold\": 2}, "
                "\"professions\": [{\"profession\": \"PROFESSION_PARAMEDIC\", \"code\": \"p\", "
                "\"name\": \"paramedics\"}], \"bands\": [{\"band\": \"BAND_8A\", \"code\": \"8a\", "
                "\"label\": \"8a\", \"rank\": 1}]}");
  const CliRun run = AsAdmin("catalogue publish " + path);
  EXPECT_EQ(run.exit_code, 7) << run.out;
  EXPECT_NE(run.out.find("ALREADY_EXISTS"), std::string::npos) << run.out;
}

TEST_F(CliTest, PublishReportsEveryViolationByField) {
  const std::string path = WriteTemp(
      "bad-edition.json",
      R"({"id": "2030-01", "title": "t", "questions": [{"id": "q", "section_id": "none"}]})");
  const CliRun run = AsAdmin("catalogue publish " + path);
  EXPECT_EQ(run.exit_code, 3) << run.out;
  for (const char* field :
       {"edition.attribution", "edition.sections", "edition.questions[0].section_id",
        "edition.questions[0].text", "edition.scale.points"}) {
    EXPECT_NE(run.out.find(std::string("  ") + field + ":"), std::string::npos) << field << run.out;
  }
  const CliRun malformed = AsAdmin("catalogue publish /nonexistent/edition.json");
  EXPECT_EQ(malformed.exit_code, 4);
}

TEST_F(CliTest, AdminCommandsManageTokensAndReadTheAuditLog) {
  const CliRun created =
      AsAdmin("admin token create --role trust --scope RF4 --description 'RF4 lead' --secret-only");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  const std::string secret = created.out.substr(0, created.out.find('\n'));
  const std::string file = WriteTemp("rf4.token", secret + "\n");

  const CliRun who = Ahpl("--token-file " + file + " whoami", server_.address());
  ASSERT_EQ(who.exit_code, 0) << who.out;
  EXPECT_NE(who.out.find("trust  RF4"), std::string::npos) << who.out;
  const size_t at = who.out.find("tokens/");
  const std::string name = who.out.substr(at, who.out.find(' ', at) - at);

  const CliRun listed = AsAdmin("--format csv admin token list");
  EXPECT_NE(listed.out.find(name + ",trust,RF4,active"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(secret), std::string::npos) << "secrets are never listed";
  EXPECT_EQ(Ahpl("--token-file " + file + " admin token list", server_.address()).exit_code, 6)
      << "a trust token does not administer tokens";

  ASSERT_EQ(AsAdmin("admin token revoke " + name).exit_code, 0);
  const CliRun refused = Ahpl("--token-file " + file + " whoami", server_.address());
  EXPECT_EQ(refused.exit_code, 6) << refused.out;
  EXPECT_NE(refused.out.find("revoked"), std::string::npos) << refused.out;
  EXPECT_EQ(Ahpl("whoami", server_.address()).exit_code, 6) << "no token at all";

  const CliRun audit = AsAdmin("--format csv admin audit --resource " + name);
  ASSERT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_NE(audit.out.find("token.created"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("token.revoked"), std::string::npos) << audit.out;
  EXPECT_EQ(AsAdmin("admin audit --since yesterday").exit_code, 2);
}

// Deep nesting is refused before any parser recurses into it (protobuf's
// JSON parser and JsonPathLines both recurse once per level). Nothing is
// sent, so no server is needed: one that is not there would be exit code 5.
std::string DeepArray(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }
std::string DeepObject(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  return text + "1" + std::string(depth, '}');
}
int Lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST(CliInputTest, DeeplyNestedJsonIsRefusedNamingTheFileAndLine) {
  const std::string nowhere = "127.0.0.1:1";
  for (const auto& [kind, deep] :
       {std::pair<std::string, std::string>{"arrays", DeepArray(100000)},
        std::pair<std::string, std::string>{"objects", DeepObject(100000)}}) {
    // On line 3, inside a field of a return.
    const std::string path = WriteTemp(
        "deep-" + kind + ".json", "{\n  \"cycle\": \"2018-19\",\n  \"answers\": " + deep + "\n}\n");
    for (const char* command : {"return validate", "return submit", "return draft", "evaluate",
                                "classify", "catalogue publish"}) {
      const CliRun run = Ahpl(std::string(command) + " " + path, nowhere);
      EXPECT_EQ(run.exit_code, 3) << command << " " << kind << ": " << run.out.substr(0, 300);
      EXPECT_EQ(Lines(run.out), 1) << command << " " << kind << ": " << run.out.substr(0, 300);
      EXPECT_NE(run.out.find(path + ": line 3, column "), std::string::npos)
          << command << " " << kind << ": " << run.out.substr(0, 300);
      EXPECT_NE(run.out.find("nested deeper than 64"), std::string::npos)
          << command << " " << kind << ": " << run.out.substr(0, 300);
    }
    const CliRun amend = Ahpl("return amend " + path + " --reason deep", nowhere);
    EXPECT_EQ(amend.exit_code, 3) << amend.out.substr(0, 300);
    EXPECT_EQ(Lines(amend.out), 1) << amend.out.substr(0, 300);

    // The second line of a JSON lines import.
    const std::string lines =
        WriteTemp("deep-" + kind + ".jsonl", "{\"cycle\": \"2018-19\"}\n" + deep + "\n");
    const CliRun jsonl = Ahpl("import " + lines, nowhere);
    EXPECT_EQ(jsonl.exit_code, 3) << jsonl.out.substr(0, 300);
    EXPECT_EQ(Lines(jsonl.out), 1) << jsonl.out.substr(0, 300);
    // The 65th opening bracket: [ after 64 others, or {"a": after 64 others.
    const std::string column = kind == "arrays" ? "65" : "321";
    EXPECT_NE(jsonl.out.find(lines + ":2: line 1, column " + column + ": JSON nested deeper"),
              std::string::npos)
        << jsonl.out.substr(0, 300);

    // A file of an import folder.
    const std::string folder = ::testing::TempDir() + "/deep-folder-" + kind;
    std::filesystem::create_directories(folder);
    const std::string file = WriteTemp("deep-folder-" + kind + "/r.json", deep);
    const CliRun imported = Ahpl("import " + folder, nowhere);
    EXPECT_EQ(imported.exit_code, 3) << imported.out.substr(0, 300);
    EXPECT_EQ(Lines(imported.out), 1) << imported.out.substr(0, 300);
    EXPECT_NE(imported.out.find(file + ": line 1, column " + column), std::string::npos)
        << imported.out.substr(0, 300);
  }
}

TEST(CliInputTest, NestingUpToTheLimitReachesTheParser) {
  // 64 levels (the object and 63 arrays) pass the depth check, so the
  // parser names the real mistake inside; 65 do not.
  auto doc = [](int arrays) {
    return "{\"answers\": " + std::string(arrays, '[') + "1,]" + std::string(arrays - 1, ']') + "}";
  };
  const CliRun at_limit =
      Ahpl("return validate " + WriteTemp("deep-64.json", doc(63)), "127.0.0.1:1");
  EXPECT_EQ(at_limit.exit_code, 3) << at_limit.out;
  EXPECT_NE(at_limit.out.find("unexpected character ']'"), std::string::npos) << at_limit.out;
  const CliRun over = Ahpl("return validate " + WriteTemp("deep-65.json", doc(64)), "127.0.0.1:1");
  EXPECT_EQ(over.exit_code, 3) << over.out;
  EXPECT_NE(over.out.find("line 1, column 76: JSON nested deeper than 64"), std::string::npos)
      << over.out;
}

// The season commands check their arguments before calling: a mistake is a
// usage error (exit code 2) naming the flag, and nothing is sent, so no
// server is needed (one that is not there would be exit code 5).
TEST(CliSeasonArgumentsTest, MistakesAreUsageErrorsNamingTheFlag) {
  const std::string nowhere = "127.0.0.1:1";
  const std::string bad_name =
      WriteTemp("other-name.json", "{\"name\": \"returns/other\", \"cycle\": \"2018-19\"}");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"collection create 2035 --edition 2018-06 --opens 2035-04-01 --closes 2035-07-01",
       "reporting year"},
      {"collection create 2019-20 --edition 2018-06 --opens 2019-07-01 --closes 2019-04-01",
       "--closes: must be after --opens"},
      {"collection create 2019-20 --edition 2018-06 --opens soon --closes 2019-04-01", "--opens"},
      {"collection extend 2019-20 --closes tomorrow --reason late", "--closes"},
      {"collection reopen 2019-20 --closes 30/06/2020 --reason again", "--closes"},
      {"collection show 19-20", "reporting year"},
      {"collection allow-late 2019-20 --trust 'R!' --until 2020-07-07 --reason r", "--trust"},
      {"collection allow-late 2019-20 --trust RAT --until never --reason r", "--until"},
      {"return attest returns/x --by 'A B' --role Chair --meeting-date 2019-02-29 --minute M1",
       "--meeting-date"},
      {"chase --cycle 2018", "reporting year"},
      {"chase --cycle 2018-19 --region London", "--region"},
      {"aggregate --basis region", "--basis"},
      {"benchmark returns/x --basis region", "--basis"},
      {"return update returns/x " + bad_name, "is returns/other, not returns/x"},
  };
  for (const auto& [args, says] : cases) {
    const CliRun run = Ahpl(args, nowhere);
    EXPECT_EQ(run.exit_code, 2) << args << ": " << run.out;
    EXPECT_NE(run.out.find(says), std::string::npos) << args << ": " << run.out;
  }
  // Required flags.
  for (const char* args :
       {"collection extend 2019-20 --closes 2020-07-01", "collection close 2019-20",
        "collection reopen 2019-20",
        "return attest returns/x --by A --role Chair --meeting-date 2019-05-30", "chase"}) {
    EXPECT_EQ(Ahpl(args, nowhere).exit_code, 2) << args;
  }
}

TEST(CliSeasonArgumentsTest, SubmitTakesAFileOrTheNameOfAStoredDraft) {
  const std::string nowhere = "127.0.0.1:1";
  // A name that is no file goes to the server (here: none, exit code 5).
  const CliRun by_name =
      Ahpl("return submit returns/00000000-0000-4000-8000-000000000000", nowhere);
  EXPECT_EQ(by_name.exit_code, 5) << by_name.out;
  // A missing file is still a missing file.
  const CliRun missing = Ahpl("return submit /no/such/return.json", nowhere);
  EXPECT_EQ(missing.exit_code, 4) << missing.out;
}

int Occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(CliTest, LoopbackIsPlaintextWithoutAWarning) {
  const CliRun plain = Cli("catalogue regions");
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_EQ(plain.out.find("warning"), std::string::npos) << plain.out;
  const CliRun insecure = Cli("--insecure catalogue regions");
  ASSERT_EQ(insecure.exit_code, 0) << insecure.out;
  EXPECT_EQ(insecure.out.find("warning"), std::string::npos)
      << "plaintext on loopback is no risk: " << insecure.out;
  const CliRun bad = Ahpl("catalogue regions", server_.address(), "", "AHPL_INSECURE=perhaps");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("AHPL_INSECURE"), std::string::npos) << bad.out;
}

// The catalogue and access services on `host`, an address of this machine
// beyond loopback: in plaintext (allowed, as ahpl-server --insecure does) or,
// given certificates, with TLS.
class ServerBeyondLoopback {
 public:
  ServerBeyondLoopback(const std::string& host, const testing::TestCertificates* certs,
                       const std::string& services = "catalogue,access") {
    HostOptions options = DefaultHostOptions(db_.url());
    options.listen_address = host + ":0";
    options.shutdown_grace = absl::Seconds(1);
    if (certs == nullptr) {
      options.transport.allow_insecure = true;
    } else {
      options.transport.cert_file = (*certs)("server.pem");
      options.transport.key_file = (*certs)("server.key");
    }
    auto started = ServiceHost::Start(std::move(options), *SelectServices(services));
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return;
    host_ = std::move(*started);
    address_ = host + ":" + std::to_string(host_->port());
    token_ = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
    if (services == "all") testing::OpenTestCollections(db_.url());
  }
  ~ServerBeyondLoopback() {
    if (host_ != nullptr) host_->Shutdown();
  }
  bool ok() const { return host_ != nullptr; }
  const std::string& address() const { return address_; }
  const std::string& token() const { return token_; }

 private:
  testing::TestDatabase db_;
  std::unique_ptr<ServiceHost> host_;
  std::string address_;
  std::string token_;
};

std::string Warning(const std::string& target) {
  return "ahpl: warning: plaintext to " + target + ": the token travels unencrypted\n";
}

TEST(CliTransportTest, PlaintextBeyondLoopbackOnlyWithInsecure) {
  const std::string host = testing::NonLoopbackAddress();
  if (host.empty()) GTEST_SKIP() << "this machine has no address beyond loopback to call";
  ServerBeyondLoopback server(host, nullptr);
  ASSERT_TRUE(server.ok());

  const CliRun tls = Ahpl("catalogue regions", server.address(), server.token());
  EXPECT_EQ(tls.exit_code, 5) << "TLS by default: the handshake with a plaintext server fails\n"
                              << tls.out;
  EXPECT_EQ(tls.out.find("Y56"), std::string::npos) << tls.out;

  const CliRun flag = Ahpl("--insecure catalogue regions", server.address(), server.token());
  EXPECT_EQ(flag.exit_code, 0) << flag.out;
  EXPECT_NE(flag.out.find("Y56"), std::string::npos) << flag.out;
  EXPECT_EQ(Occurrences(flag.out, Warning(server.address())), 1) << flag.out;

  const CliRun env = Ahpl("catalogue regions", server.address(), server.token(), "AHPL_INSECURE=1");
  EXPECT_EQ(env.exit_code, 0) << env.out;
  EXPECT_EQ(Occurrences(env.out, Warning(server.address())), 1) << env.out;
}

TEST(CliTransportTest, AggregateWarnsForEachServerInPlaintext) {
  const std::string host = testing::NonLoopbackAddress();
  if (host.empty()) GTEST_SKIP() << "this machine has no address beyond loopback to call";
  ServerBeyondLoopback server(host, nullptr, "all"), other(host, nullptr, "all");
  ASSERT_TRUE(server.ok() && other.ok());
  const std::string token_file = WriteTemp("other-token", other.token());
  const std::string servers =
      server.address() + " --endpoint " + other.address() + "=" + token_file;
  const CliRun tls =
      Ahpl("aggregate --cycle 2018-19 --servers " + servers, "127.0.0.1:1", server.token());
  EXPECT_EQ(tls.exit_code, 5) << tls.out;
  const CliRun insecure = Ahpl("--insecure aggregate --cycle 2018-19 --servers " + servers,
                               "127.0.0.1:1", server.token());
  EXPECT_EQ(insecure.exit_code, 0) << insecure.out;
  EXPECT_EQ(Occurrences(insecure.out, Warning(server.address())), 1) << insecure.out;
  EXPECT_EQ(Occurrences(insecure.out, Warning(other.address())), 1) << insecure.out;
  EXPECT_EQ(insecure.out.find("127.0.0.1:1"), std::string::npos)
      << "no warning for a loopback --server that is not called\n"
      << insecure.out;
}

TEST(CliTransportTest, BeyondLoopbackTlsTrustsTheSystemsCas) {
  const std::string host = testing::NonLoopbackAddress();
  if (host.empty()) GTEST_SKIP() << "this machine has no address beyond loopback to call";
  const std::string ip = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  const testing::TestCertificates certs("IP:" + ip);
  ASSERT_TRUE(certs.ok()) << "openssl could not make the test certificates";
  ServerBeyondLoopback server(host, &certs);
  ASSERT_TRUE(server.ok());

  // The system's CAs do not include the test CA.
  const CliRun untrusted = Ahpl("catalogue regions", server.address(), server.token());
  EXPECT_EQ(untrusted.exit_code, 5) << untrusted.out;
  // gRPC takes its roots from $GRPC_DEFAULT_SSL_ROOTS_FILE_PATH first.
  const CliRun roots = Ahpl("catalogue regions", server.address(), server.token(),
                            "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=" + certs("ca.pem"));
  EXPECT_EQ(roots.exit_code, 0) << roots.out;
  EXPECT_NE(roots.out.find("Y56"), std::string::npos) << roots.out;
  EXPECT_EQ(roots.out.find("warning"), std::string::npos) << roots.out;
  const CliRun ca =
      Ahpl("--ca " + certs("ca.pem") + " catalogue regions", server.address(), server.token());
  EXPECT_EQ(ca.exit_code, 0) << ca.out;
  // --insecure allows plaintext; it does not turn TLS off where a CA is given.
  const CliRun both = Ahpl("--insecure --ca " + certs("ca.pem") + " catalogue regions",
                           server.address(), server.token());
  EXPECT_EQ(both.exit_code, 0) << both.out;
  EXPECT_EQ(both.out.find("warning"), std::string::npos) << both.out;
}

TEST_F(CliTest, ServerTakesTheAddressesOfSeveralReplicas) {
  // The first address answers nothing: calls go to the one that does.
  const CliRun two = Ahpl("catalogue regions", "127.0.0.1:1," + server_.address(),
                          server_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(two.exit_code, 0) << two.out;
  EXPECT_NE(two.out.find("Y56"), std::string::npos) << two.out;
  EXPECT_EQ(two.out.find("warning"), std::string::npos) << "all on loopback: " << two.out;
  const CliRun from_env = Ahpl("catalogue regions", "\"\"", server_.Token(v1::ROLE_NATIONAL),
                               "AHPL_SERVER=localhost:1," + server_.address());
  EXPECT_EQ(from_env.exit_code, 0) << from_env.out;

  // Mistakes in a list are usage errors, found before anything is sent.
  for (const auto& [list, why] : std::vector<std::pair<std::string, std::string>>{
           {"127.0.0.1:1,[::1]:2", "mixes IPv4 and IPv6"},
           {"127.0.0.1:1,localhost", "has no port"},
           {"127.0.0.1:1,,127.0.0.1:2", "empty address"},
           {"127.0.0.1:1,::1:2", "in brackets"},
           {"127.0.0.1:1,127.0.0.1:70000", "port from 1 to 65535"}}) {
    const CliRun bad = Ahpl("catalogue regions", "'" + list + "'", "");
    EXPECT_EQ(bad.exit_code, 2) << list << "\n" << bad.out;
    EXPECT_NE(bad.out.find("ahpl: --server: "), std::string::npos) << bad.out;
    EXPECT_NE(bad.out.find(why), std::string::npos) << bad.out;
  }
}

TEST(CliTransportTest, ReplicasWithTlsAreCheckedAgainstOneName) {
  const testing::TestCertificates certs("DNS:ahpl.test");
  ASSERT_TRUE(certs.ok()) << "openssl could not make the test certificates";
  ServerBeyondLoopback server("127.0.0.1", &certs);
  ASSERT_TRUE(server.ok());
  const std::string ca = " --ca " + certs("ca.pem");
  const std::string port = server.address().substr(server.address().rfind(':') + 1);
  // The first address of each list answers nothing, so every call reaches
  // the server after it, whose certificate is checked against the first
  // address's host (127.0.0.1 or localhost, both named by the certificate),
  // or against --tls-server-name.
  for (const std::string& list : {"127.0.0.1:1,127.0.0.1:" + port, "localhost:1,127.0.0.1:" + port,
                                  "127.0.0.1:1,localhost:" + port}) {
    const CliRun run = Ahpl(ca + " catalogue regions", list, server.token());
    EXPECT_EQ(run.exit_code, 0) << list << "\n" << run.out;
    EXPECT_NE(run.out.find("Y56"), std::string::npos) << run.out;
  }
  const std::string list = "127.0.0.1:1,127.0.0.1:" + port;
  const CliRun named =
      Ahpl(ca + " --tls-server-name ahpl.test catalogue regions", list, server.token());
  EXPECT_EQ(named.exit_code, 0) << named.out;
  const CliRun wrong =
      Ahpl(ca + " --tls-server-name other.test catalogue regions", list, server.token());
  EXPECT_EQ(wrong.exit_code, 5) << "the certificate does not name other.test\n" << wrong.out;
  // Without a CA, a list all on loopback is called in plaintext, which the
  // TLS server refuses.
  const CliRun untrusted = Ahpl("catalogue regions", list, server.token());
  EXPECT_EQ(untrusted.exit_code, 5) << untrusted.out;
}

std::string DemoReturn() { return ReadText(AHPL_DEMO_DIR "/my-return.json"); }

class CliReturnTest : public ::testing::Test {
 protected:
  ahpl::testing::TestServer server_{"all"};
  CliRun Cli(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_NATIONAL));
  }
  // As the demo return's trust.
  CliRun AsTrust(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_TRUST, "RAT"));
  }
};

TEST_F(CliReturnTest, ValidateNamesTheLineOfEachProblem) {
  std::string text = DemoReturn();
  const size_t rating = text.find("\"rating\": ", text.find("contexts.model-fit"));
  text.replace(rating, std::string("\"rating\": ").size() + 1, "\"rating\": 9");
  const std::string path = WriteTemp("bad-rating.json", text);
  const CliRun run = Cli("return validate " + path);
  EXPECT_EQ(run.exit_code, 3) << run.out;
  int line = 1;
  for (size_t i = 0; i < rating; ++i) line += text[i] == '\n';
  EXPECT_NE(run.out.find(path + ":" + std::to_string(line) + ": answers[2].rating"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(Cli("return validate " + WriteTemp("good.json", DemoReturn())).exit_code, 0);
}

TEST_F(CliReturnTest, MalformedJsonAndWrongTypesAreClearErrors) {
  const CliRun malformed =
      Cli("return validate " +
          WriteTemp("broken.json", "{\n  \"cycle\": \"2018-19\",\n  \"answers\": [1,,2]\n}"));
  EXPECT_EQ(malformed.exit_code, 3);
  EXPECT_NE(malformed.out.find("line 3"), std::string::npos) << malformed.out;
  const CliRun wrong_type = Cli("return validate " + WriteTemp("type.json", "{\"cycle\": 2018}"));
  EXPECT_EQ(wrong_type.exit_code, 3) << wrong_type.out;
  const CliRun unknown =
      Cli("return validate " + WriteTemp("unknown.json", "{\"colour\": \"red\"}"));
  EXPECT_EQ(unknown.exit_code, 3) << unknown.out;
  EXPECT_EQ(Cli("return validate /no/such/file.json").exit_code, 4);
}

TEST_F(CliReturnTest, SubmitListHistoryWithdrawAndExport) {
  const std::string path = WriteTemp("mine.json", DemoReturn());
  const CliRun submitted = AsTrust("--format json return submit " + path + " --request-id cli-1");
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out;
  const size_t at = submitted.out.find("returns/");
  ASSERT_NE(at, std::string::npos);
  const std::string name = submitted.out.substr(at, std::string("returns/").size() + 36);
  EXPECT_NE(submitted.out.find("TYPOLOGY_"), std::string::npos);
  EXPECT_NE(AsTrust("return list --cycle 2018-19").out.find(name), std::string::npos);
  EXPECT_NE(Cli("return list --cycle 2018-19").out.find(name), std::string::npos)
      << "the national team sees it too";
  // Amend from a file naming the return (the etag is looked up).
  std::string amended = DemoReturn();
  amended.insert(amended.find('{') + 1, "\n  \"name\": \"" + name + "\",");
  const size_t job = amended.find("\"job_title\": \"");
  ASSERT_NE(job, std::string::npos);
  amended.insert(job + std::string("\"job_title\": \"").size(), "Interim ");
  const CliRun amend =
      AsTrust("return amend " + WriteTemp("amend.json", amended) + " --reason 'new title'");
  ASSERT_EQ(amend.exit_code, 0) << amend.out;
  EXPECT_NE(AsTrust("--format json return get " + name).out.find("Interim "), std::string::npos);
  EXPECT_EQ(AsTrust("return withdraw " + name).exit_code, 2) << "--reason is required";
  ASSERT_EQ(AsTrust("return withdraw " + name + " --reason 'sent twice'").exit_code, 0);
  const CliRun history = AsTrust("return history " + name);
  EXPECT_NE(history.out.find("RETURN_STATUS_WITHDRAWN"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("sent twice"), std::string::npos);
  const CliRun csv = AsTrust("--format csv export --cycle 2018-19");
  EXPECT_EQ(csv.out.substr(0, csv.out.find(',')), "name");
  EXPECT_NE(csv.out.find(name), std::string::npos);
  EXPECT_EQ(AsTrust("return get returns/00000000-0000-4000-8000-000000000000").exit_code, 4);
}

TEST_F(CliReturnTest, ImportFolderReportsBadFilesAndAggregates) {
  const CliRun run = Cli(std::string("import ") + AHPL_DEMO_DIR "/returns");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("imported 23 of 23"), std::string::npos) << run.out;
  const CliRun again = Cli(std::string("import ") + AHPL_DEMO_DIR "/returns");
  EXPECT_EQ(again.exit_code, 0);
  const CliRun aggregate = Cli("--format csv aggregate --cycle 2018-19 --suppress-below 1");
  ASSERT_EQ(aggregate.exit_code, 0) << aggregate.out;
  EXPECT_NE(aggregate.out.find("England,returns,,23"), std::string::npos)
      << "a re-import is replayed";

  const std::string lines = WriteTemp(
      "mixed.jsonl",
      std::string(
          "{\"trust_ods_code\": \"RF4\", \"cycle\": \"2018-19\", \"edition_id\": \"2018-06\"}\n") +
          "{\"trust_ods_code\": \"RF4\", \"cycle\": \"2018\", \"edition_id\": \"2018-06\"}\n");
  const CliRun mixed = Cli("import --drafts " + lines);
  EXPECT_EQ(mixed.exit_code, 3) << mixed.out;
  EXPECT_NE(mixed.out.find("mixed.jsonl:2: assessment_return.cycle"), std::string::npos)
      << mixed.out;
  EXPECT_NE(mixed.out.find("imported 1 of 2"), std::string::npos);
}

TEST_F(CliReturnTest, ClassifyAndEvaluate) {
  const CliRun classify = Cli(std::string("classify ") + AHPL_DEMO_DIR "/arrangement.json");
  ASSERT_EQ(classify.exit_code, 0) << classify.out;
  EXPECT_NE(classify.out.find("Table 1: "), std::string::npos);
  EXPECT_NE(classify.out.find("Why:"), std::string::npos);
  const CliRun evaluate = Cli("evaluate " + WriteTemp("eval.json", DemoReturn()));
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.out;
  EXPECT_NE(evaluate.out.find("challenges"), std::string::npos) << evaluate.out;
  const CliRun bad = Cli("classify " + WriteTemp("arr.json", "{\"has_senior_ahp_leader\": true}"));
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.out.find("senior_leader.band"), std::string::npos) << bad.out;
}

TEST_F(CliReturnTest, ReportsForATrustAndForTheRegions) {
  ASSERT_EQ(Cli(std::string("import ") + AHPL_DEMO_DIR "/returns").exit_code, 0);
  const CliRun listed = Cli("--format json return list --trust RF4");
  const size_t at = listed.out.find("returns/");
  ASSERT_NE(at, std::string::npos) << listed.out;
  const std::string name = listed.out.substr(at, std::string("returns/").size() + 36);
  const std::string trust_path = ::testing::TempDir() + "/trust.html";
  ASSERT_EQ(Cli("report trust " + name + " --output " + trust_path).exit_code, 0);
  const std::string trust = ReadText(trust_path);
  EXPECT_EQ(Occurrences(trust, "<svg "), 3);
  EXPECT_NE(trust.find("class=\"own\""), std::string::npos);
  EXPECT_NE(trust.find("</html>"), std::string::npos);
  const CliRun regions = Cli("report regions --cycle 2018-19");
  ASSERT_EQ(regions.exit_code, 0);
  EXPECT_EQ(Occurrences(regions.out, "<svg "), 17);
  EXPECT_EQ(Cli("report trust returns/00000000-0000-4000-8000-000000000000").exit_code, 4);
}

std::string DemoCsv() { return ReadText(AHPL_DEMO_DIR "/returns-2019-20.csv"); }

TEST_F(CliReturnTest, ImportsACsvWithOneRowPerReturn) {
  const CliRun run = Cli(std::string("import ") + AHPL_DEMO_DIR "/returns-2019-20.csv");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("imported 12 of 12"), std::string::npos) << run.out;
  const CliRun aggregate = Cli("--format csv aggregate --cycle 2019-20 --suppress-below 1");
  EXPECT_NE(aggregate.out.find("England,returns,,12"), std::string::npos) << aggregate.out;
}

TEST_F(CliReturnTest, CsvProblemsNameTheirLineAndColumn) {
  const std::string text = DemoCsv();
  const std::string header = text.substr(0, text.find('\n') + 1);
  const std::string first =
      text.substr(header.size(), text.find('\n', header.size()) + 1 - header.size());

  // A missing column is named from the header.
  std::string no_band = header;
  no_band.replace(no_band.find(",band,"), 6, ",grade,");
  const CliRun missing = Cli("import " + WriteTemp("missing.csv", no_band + first));
  EXPECT_EQ(missing.exit_code, 3) << missing.out;
  EXPECT_NE(missing.out.find("line 1: the header lacks column(s) band"), std::string::npos)
      << missing.out;

  // A value that is not a band names line and column.
  std::string bad_value = first;
  const size_t band_at = bad_value.find(",8");
  ASSERT_NE(band_at, std::string::npos);
  bad_value.replace(band_at, 3, ",8z");
  const CliRun value = Cli("import " + WriteTemp("value.csv", header + first + bad_value));
  EXPECT_EQ(value.exit_code, 3) << value.out;
  EXPECT_NE(value.out.find("line 3, column band: \"8z\" is not a band"), std::string::npos)
      << value.out;

  // A rating off the scale is refused by the server and mapped back.
  std::string off_scale = first;
  off_scale.replace(off_scale.rfind(','), std::string::npos, ",9\n");
  const CliRun rating = Cli("import " + WriteTemp("rating.csv", header + first + off_scale));
  EXPECT_EQ(rating.exit_code, 3) << rating.out;
  EXPECT_NE(rating.out.find("rating.csv:3, column consequences.drive-improvement"),
            std::string::npos)
      << rating.out;
  EXPECT_NE(rating.out.find("imported 1 of 2"), std::string::npos) << rating.out;
}

// A spreadsheet runs a cell starting with = + - @ (or tab, carriage
// return) as a formula; every CSV the command line writes neutralises such
// text with a leading ' (OWASP), and the CSV import takes that quote off.
TEST_F(CliReturnTest, CsvExportNeutralisesFormulasAndTheImportReadsThemBack) {
  const std::string text = DemoCsv();
  const std::string header = text.substr(0, text.find('\n') + 1);
  std::string rdy = text.substr(header.size(), text.find('\n', header.size()) + 1 - header.size());
  const std::string rdy_title = "Professional Lead for AHPs";
  ASSERT_NE(rdy.find(rdy_title), std::string::npos);
  rdy.replace(rdy.find(rdy_title), rdy_title.size(),
              R"csv("=HYPERLINK(""http://evil.example/"",""Click"")")csv");
  // A cell of an earlier export, neutralised: imported as "-Head of AHPs".
  std::string rf4 = text.substr(text.find("\nRF4,") + 1);
  rf4 = rf4.substr(0, rf4.find('\n') + 1);
  const std::string rf4_title = "Head of Therapy Services";
  ASSERT_NE(rf4.find(rf4_title), std::string::npos);
  rf4.replace(rf4.find(rf4_title), rf4_title.size(), "'-Head of AHPs");
  const CliRun imported = Cli("import " + WriteTemp("formulas.csv", header + rdy + rf4));
  ASSERT_EQ(imported.exit_code, 0) << imported.out;

  const CliRun json = Cli("--format json export --cycle 2019-20");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  EXPECT_NE(
      json.out.find(R"json("job_title":"=HYPERLINK(\"http://evil.example/\",\"Click\")")json"),
      std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find(R"json("job_title":"-Head of AHPs")json"), std::string::npos) << json.out;

  const std::string path = ::testing::TempDir() + "/export.csv";
  ASSERT_EQ(Cli("--format csv export --cycle 2019-20 --output " + path).exit_code, 0);
  const std::string csv = ReadText(path);
  EXPECT_NE(csv.find(R"csv(,"'=HYPERLINK(""http://evil.example/"",""Click"")",)csv"),
            std::string::npos)
      << csv;
  EXPECT_EQ(csv.find(R"csv(,"=HYPERLINK)csv"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-Head of AHPs,"), std::string::npos) << csv;
}

TEST_F(CliReturnTest, NegativeNumbersInCsvStayNumbers) {
  // 23 returns in 2018-19, 12 in 2019-20: the change is -11, written as a
  // number, not neutralised as text.
  ASSERT_EQ(Cli(std::string("import ") + AHPL_DEMO_DIR "/returns").exit_code, 0);
  ASSERT_EQ(Cli(std::string("import ") + AHPL_DEMO_DIR "/returns-2019-20.csv").exit_code, 0);
  const CliRun change = Cli("--format csv aggregate --cycle 2019-20 --compare-with 2018-19");
  ASSERT_EQ(change.exit_code, 0) << change.out;
  EXPECT_NE(change.out.find("\nEngland,-11,"), std::string::npos) << change.out;
  EXPECT_EQ(change.out.find(",'-"), std::string::npos) << change.out;
}

TEST_F(CliTest, CsvTablesNeutraliseFormulasInText) {
  ASSERT_EQ(
      AsAdmin("admin token create --role national --description '@SUM(1+1)*cmd|calc'").exit_code,
      0);
  const CliRun listed = AsAdmin("--format csv admin token list");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find(",'@SUM(1+1)*cmd|calc"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(",@SUM"), std::string::npos) << listed.out;
}

TEST_F(CliReturnTest, TemplateListsEveryQuestion) {
  const CliRun run = Cli("return template --trust RAL");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("\"trust_ods_code\": \"RAL\""), std::string::npos);
  EXPECT_NE(run.out.find("consequences.drive-improvement"), std::string::npos);
}

// Collection seasons end to end: the national team runs a collection, trusts
// submit and attest, the chase list and the summaries follow.
class CliSeasonTest : public ::testing::Test {
 protected:
  ahpl::testing::TestServer server_{"all"};
  CliRun AsNational(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_NATIONAL));
  }
  CliRun AsAdmin(const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_ADMIN));
  }
  CliRun AsTrust(const std::string& ods, const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_TRUST, ods));
  }
  CliRun AsRegion(const std::string& region, const std::string& args) {
    return Ahpl(args, server_.address(), server_.Token(v1::ROLE_REGION, region));
  }
  // `offset` from now, in UTC, as the command line takes it.
  static std::string Utc(absl::Duration offset) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + offset, absl::UTCTimeZone());
  }
  // The same instant as `collection show` shows it (whole minutes).
  static std::string London(const std::string& utc) {
    absl::Time t;
    std::string err;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, utc, &t, &err)) << err;
    google::protobuf::Timestamp ts;
    ts.set_seconds(absl::ToUnixSeconds(t));
    return cli::ShowTime(ts, cli::LoadDisplayZone());
  }
  // Opens the 2021-22 collection (not one of the test server's open-ended
  // ones): opened a day ago, closes in 30 days.
  void OpenCollection(const std::string& extra = "") {
    const CliRun created =
        AsNational("collection create 2021-22 --edition 2018-06 --opens " + Utc(-absl::Hours(24)) +
                   " --closes " + Utc(absl::Hours(24 * 30)) + " " + extra);
    ASSERT_EQ(created.exit_code, 0) << created.out;
  }
  // The demo return, for the 2021-22 collection.
  static std::string SeasonReturn() {
    std::string text = DemoReturn();
    const std::string cycle = "\"cycle\": \"2018-19\"";
    text.replace(text.find(cycle), cycle.size(), "\"cycle\": \"2021-22\"");
    return text;
  }
  // The first return name in `out`.
  static std::string NameIn(const std::string& out) {
    const size_t at = out.find("returns/");
    if (at == std::string::npos) return "";
    return out.substr(at, std::string("returns/").size() + 36);
  }
};

TEST_F(CliSeasonTest, NationalTeamCreatesExtendsClosesAndAdminReopens) {
  const std::string opens = Utc(-absl::Hours(24));
  const std::string closes = Utc(absl::Hours(24 * 30));
  const CliRun created = AsNational("collection create 2021-22 --edition 2018-06 --opens " + opens +
                                    " --closes " + closes + " --require-attestation");
  ASSERT_EQ(created.exit_code, 0) << created.out;
  EXPECT_NE(created.out.find("Times are in Europe/London."), std::string::npos) << created.out;
  EXPECT_NE(created.out.find(London(closes)), std::string::npos) << created.out;
  EXPECT_NE(created.out.find("required for a return to count"), std::string::npos);
  EXPECT_EQ(AsNational("collection create 2021-22 --edition 2018-06 --opens " + opens +
                       " --closes " + closes)
                .exit_code,
            7)
      << "one collection per cycle";
  EXPECT_EQ(AsTrust("RAT", "collection create 2022-23 --edition 2018-06 --opens " + opens +
                               " --closes " + closes)
                .exit_code,
            6)
      << "trusts do not run collections";

  const CliRun listed = AsTrust("RAT", "--format csv collection list");
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find("\n2021-22,AHP leadership self-assessment 2021-22,2018-06,open,"),
            std::string::npos)
      << listed.out;

  const std::string later = Utc(absl::Hours(24 * 44));
  const CliRun extended =
      AsNational("collection extend 2021-22 --closes " + later + " --reason 'board dates moved'");
  ASSERT_EQ(extended.exit_code, 0) << extended.out;
  EXPECT_NE(AsNational("collection show collections/2021-22").out.find(London(later)),
            std::string::npos);

  const CliRun closed = AsNational("collection close 2021-22 --reason 'season over'");
  ASSERT_EQ(closed.exit_code, 0) << closed.out;
  EXPECT_NE(closed.out.find("closed"), std::string::npos) << closed.out;
  EXPECT_EQ(AsNational("collection reopen 2021-22 --reason again").exit_code, 6)
      << "only an admin reopens";
  const CliRun reopened = AsAdmin("collection reopen 2021-22 --reason 'late data'");
  ASSERT_EQ(reopened.exit_code, 0) << reopened.out;
  EXPECT_NE(reopened.out.find("open-ended"), std::string::npos) << reopened.out;

  const CliRun audit = AsAdmin("--format csv admin audit --resource collections/2021-22");
  ASSERT_EQ(audit.exit_code, 0) << audit.out;
  for (const char* reason : {"board dates moved", "season over", "late data"}) {
    EXPECT_NE(audit.out.find(reason), std::string::npos) << reason << "\n" << audit.out;
  }
}

TEST_F(CliSeasonTest, UpdateChangesTheRuleAndTitleWithAReason) {
  OpenCollection();
  const CliRun updated = AsNational(
      "collection update 2021-22 --title 'Season 2021-22' --attestation required "
      "--suppress-below 7 --reason 'board sign-off now required'");
  ASSERT_EQ(updated.exit_code, 0) << updated.out;
  EXPECT_NE(updated.out.find("Season 2021-22"), std::string::npos) << updated.out;
  EXPECT_NE(updated.out.find("required for a return to count"), std::string::npos) << updated.out;
  EXPECT_NE(updated.out.find("7"), std::string::npos) << updated.out;
  EXPECT_EQ(AsNational("collection update 2021-22 --reason nothing").exit_code, 2)
      << "nothing to change is a usage error";
  EXPECT_EQ(AsNational("collection update 2021-22 --attestation maybe --reason x").exit_code, 2);
  EXPECT_EQ(AsNational("collection update 2021-22 --opens 2021-09-01 --reason x").exit_code, 7)
      << "an open collection's opening does not move";
  const CliRun audit = AsAdmin("--format csv admin audit --resource collections/2021-22");
  EXPECT_NE(audit.out.find("board sign-off now required"), std::string::npos) << audit.out;
}

TEST_F(CliSeasonTest, DraftUpdatedSubmittedByNameAndAttested) {
  OpenCollection("--require-attestation");
  const CliRun drafted = AsTrust(
      "RAT", "--format json return draft " + WriteTemp("season-draft.json", SeasonReturn()));
  ASSERT_EQ(drafted.exit_code, 0) << drafted.out;
  const std::string name = NameIn(drafted.out);
  ASSERT_FALSE(name.empty()) << drafted.out;

  std::string changed = SeasonReturn();
  const size_t job = changed.find("\"job_title\": \"");
  ASSERT_NE(job, std::string::npos);
  changed.insert(job + std::string("\"job_title\": \"").size(), "Acting ");
  const CliRun updated =
      AsTrust("RAT", "return update " + name + " " + WriteTemp("season-update.json", changed));
  ASSERT_EQ(updated.exit_code, 0) << updated.out;
  EXPECT_NE(updated.out.find("RETURN_STATUS_DRAFT"), std::string::npos) << updated.out;
  EXPECT_NE(AsTrust("RAT", "--format json return get " + name).out.find("Acting "),
            std::string::npos);

  const CliRun submitted = AsTrust("RAT", "return submit " + name);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out;
  EXPECT_NE(submitted.out.find("RETURN_STATUS_SUBMITTED"), std::string::npos) << submitted.out;
  const CliRun shown = AsTrust("RAT", "return show " + name);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("counts       no\n"), std::string::npos)
      << "the collection requires attestation\n"
      << shown.out;
  EXPECT_NE(shown.out.find("not attested"), std::string::npos) << shown.out;
  const CliRun chased = AsTrust("RAT", "--format csv chase --cycle 2021-22");
  EXPECT_NE(chased.out.find(",RAT,Y56,\"submitted, not attested\","), std::string::npos)
      << chased.out;
  EXPECT_EQ(
      AsTrust("RAT", "return update " + name + " " + WriteTemp("again.json", changed)).exit_code, 7)
      << "a submitted return is no draft";

  const CliRun attested =
      AsTrust("RAT", "return attest " + name +
                         " --by 'Dr A Patel' --role 'Chief executive' --meeting-date 2019-05-30 "
                         "--minute 'TB 2019/045' --statement 'Approved by the board'");
  ASSERT_EQ(attested.exit_code, 0) << attested.out;
  EXPECT_NE(attested.out.find("yes: the trust's counting return"), std::string::npos)
      << "attested, it counts\n"
      << attested.out;
  EXPECT_EQ(AsTrust("RAT", "--format csv chase --cycle 2021-22").out.find(",RAT,"),
            std::string::npos);
  const CliRun after = AsTrust("RAT", "--format csv return show " + name);
  EXPECT_NE(after.out.find("attestation,\"Dr A Patel (Chief executive), board meeting 2019-05-30, "
                           "minute TB 2019/045\""),
            std::string::npos)
      << after.out;
  EXPECT_NE(after.out.find("statement,Approved by the board"), std::string::npos) << after.out;

  const std::string report_path = ::testing::TempDir() + "/attested.html";
  ASSERT_EQ(AsNational("report trust " + name + " --output " + report_path).exit_code, 0);
  const std::string report = ReadText(report_path);
  EXPECT_NE(report.find("Dr A Patel (Chief executive)"), std::string::npos);
  EXPECT_NE(report.find("<td>TB 2019/045</td>"), std::string::npos);

  const CliRun counting = AsNational("--format csv return list --counting-only --cycle 2021-22");
  ASSERT_EQ(counting.exit_code, 0) << counting.out;
  EXPECT_NE(counting.out.find(name + ",RAT,2021-22,RETURN_STATUS_SUBMITTED"), std::string::npos)
      << counting.out;
}

TEST_F(CliSeasonTest, ChaseNamesTheTrustsThatHaveNotReturnedWithTheirProgress) {
  OpenCollection();
  ASSERT_EQ(AsTrust("RAT", "return submit " + WriteTemp("rat.json", SeasonReturn())).exit_code, 0);
  std::string ral = SeasonReturn();
  ral.replace(ral.find("\"RAT\""), 5, "\"RAL\"");
  ASSERT_EQ(AsTrust("RAL", "return draft " + WriteTemp("ral.json", ral)).exit_code, 0);

  const CliRun london = AsRegion("Y56", "--format csv chase --cycle 2021-22");
  ASSERT_EQ(london.exit_code, 0) << london.out;
  EXPECT_EQ(london.out.find(",RAT,"), std::string::npos) << "RAT has returned\n" << london.out;
  const size_t ral_at =
      london.out.find("\nRoyal Free London NHS Foundation Trust,RAL,Y56,draft only,");
  EXPECT_NE(ral_at, std::string::npos) << london.out;
  EXPECT_NE(london.out.find(",nothing started,\n"), std::string::npos) << london.out;
  for (size_t at = london.out.find('\n'); at + 1 < london.out.size();
       at = london.out.find('\n', at + 1)) {
    const std::string line = london.out.substr(at + 1, london.out.find('\n', at + 1) - at - 1);
    EXPECT_NE(line.find(",Y56,"), std::string::npos) << "London only: " << line;
  }

  // The national team sees the same region when it asks for it, with the
  // count of trusts that have returned.
  const CliRun table = AsNational("chase --cycle 2021-22 --region Y56");
  ASSERT_EQ(table.exit_code, 0) << table.out;
  EXPECT_NE(table.out.find("Collection 2021-22 (open): 1 of "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("Times are in Europe/London."), std::string::npos) << table.out;
  const CliRun json = AsNational("--format json chase --cycle 2021-22 --region Y56");
  EXPECT_NE(json.out.find("\"trusts_returned\": \"1\""), std::string::npos) << json.out;

  const std::string path = ::testing::TempDir() + "/regions.html";
  ASSERT_EQ(AsRegion("Y56", "report regions --cycle 2021-22 --output " + path).exit_code, 0);
  const std::string report = ReadText(path);
  EXPECT_NE(report.find("Not yet returned"), std::string::npos);
  EXPECT_NE(report.find("<td>Royal Free London NHS Foundation Trust</td><td>RAL</td><td>Y56</td>"
                        "<td>draft only</td>"),
            std::string::npos);
}

TEST_F(CliSeasonTest, LateSubmissionIsRefusedThenAllowedWithAReason) {
  OpenCollection();
  const CliRun drafted =
      AsTrust("RAT", "--format json return draft " + WriteTemp("late.json", SeasonReturn()));
  ASSERT_EQ(drafted.exit_code, 0) << drafted.out;
  const std::string name = NameIn(drafted.out);
  ASSERT_EQ(AsNational("collection close 2021-22 --reason deadline").exit_code, 0);
  const CliRun refused = AsTrust("RAT", "return submit " + name);
  EXPECT_EQ(refused.exit_code, 7) << refused.out;
  EXPECT_NE(refused.out.find("FAILED_PRECONDITION"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("\n  collections/2021-22: "), std::string::npos)
      << "the failed precondition names the collection\n"
      << refused.out;

  const std::string until = Utc(absl::Hours(24 * 7));
  const CliRun allowed = AsNational("collection allow-late 2021-22 --trust rat --until " + until +
                                    " --reason 'board met late'");
  ASSERT_EQ(allowed.exit_code, 0) << allowed.out;
  EXPECT_NE(allowed.out.find("RAT until " + London(until) + ": board met late"), std::string::npos)
      << allowed.out;
  const CliRun late = AsTrust("RAT", "return submit " + name);
  ASSERT_EQ(late.exit_code, 0) << late.out;
  const CliRun audit = AsAdmin("--format csv admin audit --resource collections/2021-22");
  EXPECT_NE(audit.out.find("board met late"), std::string::npos) << audit.out;
}

// 2018-19 is one of the test server's collections, open since 2000 with no
// deadline: its figures are provisional until it is closed.
TEST_F(CliSeasonTest, SummariesCountPerTrustOrPerReturnAndSaySo) {
  ASSERT_EQ(AsNational(std::string("import ") + AHPL_DEMO_DIR "/returns").exit_code, 0);
  // Six trusts send a second return: 29 returns from 23 trusts.
  std::string lines;
  int extra = 0;
  for (const auto& entry : std::filesystem::directory_iterator(AHPL_DEMO_DIR "/returns")) {
    if (extra == 6) break;
    std::string text = ReadText(entry.path().string());
    const size_t respondent = text.find("\"name\": \"");
    ASSERT_NE(respondent, std::string::npos) << entry.path();
    text.insert(respondent + std::string("\"name\": \"").size(), "Second ");
    std::string line;
    for (char c : text) line += c == '\n' ? ' ' : c;
    lines += line + "\n";
    ++extra;
  }
  ASSERT_EQ(AsNational("import " + WriteTemp("second.jsonl", lines)).exit_code, 0);

  const CliRun per_return = AsNational("--format csv aggregate --cycle 2018-19 --basis return");
  ASSERT_EQ(per_return.exit_code, 0) << per_return.out;
  EXPECT_NE(per_return.out.find("England,basis,,per return"), std::string::npos);
  EXPECT_NE(per_return.out.find("England,figures,,provisional"), std::string::npos);
  EXPECT_NE(per_return.out.find("England,returns,,29"), std::string::npos) << per_return.out;
  const CliRun per_trust = AsNational("--format csv aggregate --cycle 2018-19");
  ASSERT_EQ(per_trust.exit_code, 0) << per_trust.out;
  EXPECT_NE(per_trust.out.find("England,basis,,per trust"), std::string::npos) << "the default";
  EXPECT_NE(per_trust.out.find("England,returns,,23"), std::string::npos) << per_trust.out;
  const CliRun table = AsNational("aggregate --cycle 2018-19");
  EXPECT_NE(table.out.find("Cycle 2018-19, per trust, provisional"), std::string::npos)
      << table.out;

  const CliRun listed = AsNational("--format json return list --trust RF4 --counting-only");
  const std::string name = NameIn(listed.out);
  ASSERT_FALSE(name.empty()) << listed.out;
  const CliRun benchmark = AsNational("benchmark " + name);
  ASSERT_EQ(benchmark.exit_code, 0) << benchmark.out;
  EXPECT_NE(benchmark.out.find("beside region "), std::string::npos) << benchmark.out;
  EXPECT_NE(benchmark.out.find("per trust, provisional"), std::string::npos) << benchmark.out;
  EXPECT_NE(benchmark.out.find("this trust"), std::string::npos) << benchmark.out;

  ASSERT_EQ(AsNational("collection close 2018-19 --reason done").exit_code, 0);
  const CliRun closed = AsNational("--format csv aggregate --cycle 2018-19");
  EXPECT_NE(closed.out.find("England,figures,,final"), std::string::npos) << closed.out;
  EXPECT_NE(closed.out.find("England,returns,,23"), std::string::npos) << closed.out;
}

}  // namespace
}  // namespace ahpl

namespace ahpl {
namespace {

// Two deployments, each with its own database and tokens, as a national
// team aggregating across them sees them.
class CliAggregateTest : public ::testing::Test {
 protected:
  testing::TestServer a_{"all"}, b_{"all"};

  // `trusts`' returns for 2018-19, submitted at `server`.
  static void Store(testing::TestServer& server, const std::vector<std::string>& trusts) {
    std::vector<v1::ImportItem> items;
    for (const auto& trust : trusts) {
      v1::ImportItem item;
      item.set_request_id("cli-aggregate-" + trust);
      item.set_submit(true);
      *item.mutable_assessment_return() = assessment::testing::CompleteReturn(trust);
      items.push_back(std::move(item));
    }
    auto imported = sdk::AssessmentClient(server.ClientOptionsAs(v1::ROLE_NATIONAL)).Import(items);
    ASSERT_TRUE(imported.ok()) << imported.status();
    ASSERT_EQ(imported->accepted, static_cast<int64_t>(trusts.size()));
  }
  std::string TokenFile(testing::TestServer& server, const std::string& name) {
    return WriteTemp(name, server.Token(v1::ROLE_NATIONAL));
  }
  static int Lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
};

TEST_F(CliAggregateTest, EachEndpointTakesItsOwnTokenFile) {
  Store(a_, {"RF4", "RAL"});
  Store(b_, {"RX3", "RX4", "R0B"});
  const std::string a_file = TokenFile(a_, "a-token"), b_file = TokenFile(b_, "b-token");
  const std::string each = "--format csv aggregate --cycle 2018-19 --suppress-below 1 --endpoint " +
                           a_.address() + "=" + a_file + " --endpoint " + b_.address() + "=" +
                           b_file;
  const CliRun both = Ahpl(each, "127.0.0.1:1");
  ASSERT_EQ(both.exit_code, 0) << both.out;
  EXPECT_NE(both.out.find("England,basis,,per trust"), std::string::npos) << both.out;

  // One token for all, as before: b does not know a's token.
  const CliRun one =
      Ahpl("aggregate --cycle 2018-19 --servers " + a_.address() + "," + b_.address(),
           "127.0.0.1:1", a_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(one.exit_code, 6) << one.out;
  EXPECT_NE(one.out.find(b_.address() + ": "), std::string::npos) << one.out;
  // ...unless it does: one token installed in both deployments.
  const std::string shared = "ahpl_one-national-token-for-both-deployments-000";
  a_.InstallToken(shared, v1::ROLE_NATIONAL);
  b_.InstallToken(shared, v1::ROLE_NATIONAL);
  const CliRun common =
      Ahpl("--format csv aggregate --cycle 2018-19 --suppress-below 1 --servers " + a_.address() +
               "," + b_.address(),
           "127.0.0.1:1", shared);
  EXPECT_EQ(common.exit_code, 0) << common.out;
  EXPECT_NE(common.out.find("England,basis,,per trust"), std::string::npos) << common.out;
  // Both kinds together: --servers with the run's token, --endpoint with its own.
  const CliRun mixed = Ahpl("--format csv aggregate --cycle 2018-19 --suppress-below 1 --servers " +
                                a_.address() + " --endpoint " + b_.address() + "=" + b_file,
                            "127.0.0.1:1", a_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(mixed.exit_code, 0) << mixed.out;
  EXPECT_NE(mixed.out.find("England,basis,,per trust"), std::string::npos) << mixed.out;
  // chase and report regions take the same endpoints.
  const CliRun chase = Ahpl("chase --cycle 2018-19 --region Y56 --endpoint " + a_.address() + "=" +
                                a_file + " --endpoint " + b_.address() + "=" + b_file,
                            "127.0.0.1:1");
  EXPECT_EQ(chase.exit_code, 0) << chase.out;
  const CliRun report = Ahpl("report regions --cycle 2018-19 --output " + ::testing::TempDir() +
                                 "/regions.html --endpoint " + a_.address() + "=" + a_file +
                                 " --endpoint " + b_.address() + "=" + b_file,
                             a_.address(), a_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(report.exit_code, 0) << report.out;

  // A token file that cannot be read, or a bad target, is a usage error.
  const CliRun unreadable =
      Ahpl("aggregate --endpoint " + b_.address() + "=/nonexistent/token", "127.0.0.1:1");
  EXPECT_EQ(unreadable.exit_code, 2) << unreadable.out;
  EXPECT_NE(unreadable.out.find("--endpoint " + b_.address() +
                                ": cannot read token file \"/nonexistent/token\""),
            std::string::npos)
      << unreadable.out;
  const CliRun bad =
      Ahpl("aggregate --endpoint '127.0.0.1:1,[::1]:2=" + b_file + "'", "127.0.0.1:1");
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("mixes IPv4 and IPv6"), std::string::npos) << bad.out;
}

TEST_F(CliAggregateTest, RefusesOneDeploymentReachedUnderTwoAddresses) {
  Store(a_, {"RF4"});
  const std::string port = a_.address().substr(a_.address().rfind(':') + 1);
  const std::string again = "localhost:" + port;
  const CliRun run = Ahpl("aggregate --cycle 2018-19 --servers " + a_.address() + "," + again,
                          "127.0.0.1:1", a_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(run.exit_code, 7) << run.out;
  EXPECT_NE(run.out.find("ahpl: FAILED_PRECONDITION: " + a_.address() + " and " + again +
                         " are one deployment ("),
            std::string::npos)
      << run.out;
  EXPECT_EQ(Lines(run.out), 1) << run.out;
  EXPECT_EQ(run.out.find("England"), std::string::npos) << "nothing printed but the refusal";
  const CliRun report = Ahpl("report regions --servers " + a_.address() + "," + again,
                             "127.0.0.1:1", a_.Token(v1::ROLE_NATIONAL));
  EXPECT_EQ(report.exit_code, 7) << report.out;
}

TEST_F(CliAggregateTest, RefusesTrustsWhoseReturnsTwoDeploymentsHold) {
  Store(a_, {"RF4", "RAL", "R1H"});
  Store(b_, {"RAL", "R1H", "RX3"});
  const std::string endpoints = " --endpoint " + a_.address() + "=" + TokenFile(a_, "a") +
                                " --endpoint " + b_.address() + "=" + TokenFile(b_, "b");
  for (const std::string basis : {"trust", "return"}) {
    const CliRun run =
        Ahpl("aggregate --cycle 2018-19 --basis " + basis + endpoints, "127.0.0.1:1");
    EXPECT_EQ(run.exit_code, 7) << run.out;
    EXPECT_NE(run.out.find("ahpl: FAILED_PRECONDITION: cycle 2018-19: returns of 2 trusts are held "
                           "by more than one endpoint and would be counted twice: R1H (" +
                           a_.address() + " and " + b_.address() + "), RAL (" + a_.address() +
                           " and " + b_.address() + ")"),
              std::string::npos)
        << run.out;
    EXPECT_EQ(Lines(run.out), 1) << run.out;
  }
  // Another cycle, where they do not overlap, is aggregated.
  const CliRun other = Ahpl("aggregate --cycle 2019-20" + endpoints, "127.0.0.1:1");
  EXPECT_EQ(other.exit_code, 0) << other.out;
}

}  // namespace
}  // namespace ahpl
