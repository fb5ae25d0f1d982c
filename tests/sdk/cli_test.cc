// The ahpl command line, run as a process against a real server.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "services/server/hosted_services.h"
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
  ServerBeyondLoopback server(host, nullptr, "all");
  ASSERT_TRUE(server.ok());
  const std::string servers = server.address() + "," + server.address();
  const CliRun tls =
      Ahpl("aggregate --cycle 2018-19 --servers " + servers, "127.0.0.1:1", server.token());
  EXPECT_EQ(tls.exit_code, 5) << tls.out;
  const CliRun insecure = Ahpl("--insecure aggregate --cycle 2018-19 --servers " + servers,
                               "127.0.0.1:1", server.token());
  EXPECT_EQ(insecure.exit_code, 0) << insecure.out;
  EXPECT_EQ(Occurrences(insecure.out, Warning(server.address())), 1) << insecure.out;
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

}  // namespace
}  // namespace ahpl
