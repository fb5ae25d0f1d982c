// The ahpl command line, run as a process against a real server.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "tests/support/test_server.h"

namespace ahpl {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

CliRun Ahpl(const std::string& args, const std::string& server) {
  const std::string command =
      std::string(AHPL_CLI_BINARY) + " --server " + server + " --timeout 5 " + args + " 2>&1";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class CliTest : public ::testing::Test {
 protected:
  testing::TestServer server_{"catalogue"};
  CliRun Cli(const std::string& args) { return Ahpl(args, server_.address()); }
};

TEST_F(CliTest, ShowGroupsTheTwelveQuestionsBySection) {
  const CliRun run = Cli("catalogue show");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("5. Challenges - AHP leadership challenges"), std::string::npos) << run.out;
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

TEST_F(CliTest, PublishReportsEveryViolationByField) {
  const std::string path = ::testing::TempDir() + "/bad-edition.json";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(R"({"id": "2030-01", "title": "t", "questions": [{"id": "q", "section_id": "none"}]})", f);
  std::fclose(f);
  const CliRun run = Cli("catalogue publish " + path);
  EXPECT_EQ(run.exit_code, 3) << run.out;
  for (const char* field : {"edition.attribution", "edition.sections", "edition.questions[0].section_id",
                            "edition.questions[0].text", "edition.scale.points"}) {
    EXPECT_NE(run.out.find(std::string("  ") + field + ":"), std::string::npos) << field << run.out;
  }
  const CliRun malformed = Cli("catalogue publish /nonexistent/edition.json");
  EXPECT_EQ(malformed.exit_code, 4);
}

}  // namespace
}  // namespace ahpl
