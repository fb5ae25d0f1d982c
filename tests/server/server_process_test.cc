// ahpl-server as a process: flags, start-up errors and graceful shutdown.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <pqxx/pqxx>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

extern char** environ;

namespace ahpl {
namespace {

// A running ahpl-server with its stderr captured.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), AHPL_SERVER_BINARY);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, AHPL_SERVER_BINARY, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    stderr_fd_ = fds[0];
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stderr_fd_);
  }

  // Waits up to `timeout` for exit; the exit code, or -1 on timeout.
  int Wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void Signal(int sig) { kill(pid_, sig); }
  // Everything written to stderr so far (after exit: everything).
  std::string Stderr() {
    fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
    char buf[4096];
    ssize_t n;
    while ((n = read(stderr_fd_, buf, sizeof buf)) > 0) err_.append(buf, n);
    return err_;
  }

 private:
  pid_t pid_ = 0;
  int stderr_fd_ = -1;
  std::string err_;
};

TEST(ServerProcessTest, UnknownFlagExitsNonZero) {
  ServerProcess p({"--no_such_flag=1"});
  EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(p.Stderr().find("no_such_flag"), std::string::npos);
}

TEST(ServerProcessTest, UnknownServiceExitsWithOneClearLine) {
  ServerProcess p({"--database_url=postgresql://postgres@127.0.0.1:1/x", "--services=billing"});
  EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 1);
  const std::string err = p.Stderr();
  EXPECT_NE(err.find("ahpl-server: --services: unknown service \"billing\""), std::string::npos)
      << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(ServerProcessTest, UnreachableDatabaseExitsWithOneClearLine) {
  ServerProcess p({"--database_url=postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
                   "--listen=127.0.0.1:0"});
  EXPECT_EQ(p.Wait(std::chrono::seconds(20)), 1);
  const std::string err = p.Stderr();
  EXPECT_NE(err.find("ahpl-server: cannot connect to the database"), std::string::npos) << err;
}

TEST(ServerProcessTest, RaisesItsOpenFileLimitToTheHardLimit) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max == RLIM_INFINITY || saved.rlim_max <= 256) {
    GTEST_SKIP() << "no finite hard limit above 256 to raise to";
  }
  rlimit lowered = saved;
  lowered.rlim_cur = 256;  // inherited by the server
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  ServerProcess p({"--database_url=postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
                   "--listen=127.0.0.1:0"});
  setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(p.Wait(std::chrono::seconds(20)), 1);
  const std::string err = p.Stderr();
  EXPECT_NE(err.find("open-file limit " + std::to_string(saved.rlim_max)), std::string::npos)
      << err;
}

TEST(ServerProcessTest, BadConnectionLimitsAreRefused) {
  for (const std::string flag : {"--max_connections=0", "--max_connection_idle_seconds=-1",
                                 "--handshake_timeout_seconds=0", "--max_ping_strikes=-2"}) {
    ServerProcess p({"--database_url=postgresql://postgres@127.0.0.1:1/x", flag});
    EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 1) << flag;
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_NE(p.Stderr().find("ahpl-server: " + name), std::string::npos) << p.Stderr();
  }
}

TEST(ServerProcessTest, MissingDatabaseUrlIsExplained) {
  ServerProcess p({"--database_url="});
  EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 1);
  EXPECT_NE(p.Stderr().find("AHPL_DATABASE_URL"), std::string::npos);
}

TEST(ServerProcessTest, VersionAndHelpSayWhatTheServerIs) {
  // Abseil and CLI11 print these on stdout: read through a pipe.
  FILE* pipe = popen((std::string(AHPL_SERVER_BINARY) + " --help 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buf[1024];
  while (fgets(buf, sizeof buf, pipe) != nullptr) text += buf;
  pclose(pipe);
  EXPECT_EQ(text.find("No flags matched"), std::string::npos) << text;
  for (const char* flag : {"--database_url", "--metrics_listen", "--health_listen", "--log_format",
                           "--migrate_only", "--tls_reload_seconds"}) {
    EXPECT_NE(text.find(flag), std::string::npos) << flag << " missing from --help:\n" << text;
  }
  pipe = popen((std::string(AHPL_SERVER_BINARY) + " --version 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  text.clear();
  while (fgets(buf, sizeof buf, pipe) != nullptr) text += buf;
  pclose(pipe);
  EXPECT_EQ(text.rfind("ahpl-server ", 0), 0u) << text;
  EXPECT_GT(text.size(), std::string("ahpl-server \n").size()) << text;
  pipe = popen((std::string(AHPL_CLI_BINARY) + " --version 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string cli;
  while (fgets(buf, sizeof buf, pipe) != nullptr) cli += buf;
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_EQ(cli, "ahpl " + text.substr(std::string("ahpl-server ").size())) << "same build";
}

TEST(ServerProcessTest, MigrateOnlyPreparesTheDatabaseAndExits) {
  testing::TestDatabase db;
  ServerProcess p({"--database_url=" + db.url(), "--migrate_only"});
  EXPECT_EQ(p.Wait(std::chrono::seconds(60)), 0) << p.Stderr();
  EXPECT_NE(p.Stderr().find("reference data loaded"), std::string::npos) << p.Stderr();
  pqxx::connection conn(db.url());
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM trusts")[0].as<int>(), 202);
  EXPECT_GE(tx.exec1("SELECT max(version) FROM schema_migrations")[0].as<int>(), 6);
}

TEST(ServerProcessTest, ASecondServerOnAPortInUseExitsWithOneLine) {
  testing::TestDatabase db;
  const std::string address = "127.0.0.1:" + std::to_string(testing::FreePort());
  ServerProcess first({"--database_url=" + db.url(), "--listen=" + address});
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)))
      << first.Stderr();
  ServerProcess second({"--database_url=" + db.url(), "--listen=" + address});
  EXPECT_EQ(second.Wait(std::chrono::seconds(30)), 1) << second.Stderr();
  EXPECT_NE(second.Stderr().find("ahpl-server: cannot listen on " + address), std::string::npos)
      << second.Stderr();
}

TEST(ServerProcessTest, ServesThenStopsCleanlyOnSigterm) {
  testing::TestDatabase db;
  const int port = testing::FreePort();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  ServerProcess p(
      {"--database_url=" + db.url(), "--listen=" + address, "--shutdown_grace_seconds=5"});
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)))
      << p.Stderr();
  auto stub = v1::CatalogueService::NewStub(channel);
  grpc::ClientContext context;
  testing::SetDeadline(context);
  context.AddMetadata("authorization", "Bearer " + testing::MakeToken(db.url(), v1::ROLE_NATIONAL));
  v1::ListQuestionsResponse response;
  ASSERT_TRUE(stub->ListQuestions(&context, v1::ListQuestionsRequest(), &response).ok());
  EXPECT_EQ(response.questions_size(), 12);

  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(std::chrono::seconds(15)), 0) << p.Stderr();
  EXPECT_NE(p.Stderr().find("stopped"), std::string::npos) << p.Stderr();
}

}  // namespace
}  // namespace ahpl
