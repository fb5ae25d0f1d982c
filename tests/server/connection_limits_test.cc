// The server under connection floods: it accepts again once a flood that
// reached its open-file limit is gone, closes idle connections, and holds
// at most max_connections.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/common/service_host.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

// Descriptors this process has open.
int OpenFileCount() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory's own
}

// Lowers this process's soft open-file limit; restores it when destroyed.
class LoweredFileLimit {
 public:
  explicit LoweredFileLimit(rlim_t soft) {
    getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    ok_ = setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~LoweredFileLimit() { setrlimit(RLIMIT_NOFILE, &saved_); }
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

// `count` idle TCP connections to 127.0.0.1:`port`, opened by a child
// process (so that the descriptors the server accepts are the only ones this
// process spends) and held until Close.
class Flood {
 public:
  Flood(int port, int count) {
    int ready[2], hold[2];
    if (pipe(ready) != 0 || pipe(hold) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      // Only system calls from here: the parent has other threads.
      close(ready[0]);
      close(hold[1]);
      rlimit limit{};
      getrlimit(RLIMIT_NOFILE, &limit);
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      int opened = 0;
      for (; opened < count; ++opened) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) break;
      }
      const char done = opened == count ? 1 : 0;
      (void)!write(ready[1], &done, 1);
      char c;
      (void)!read(hold[0], &c, 1);  // 0 when the parent closes its end
      _exit(0);
    }
    close(ready[1]);
    close(hold[0]);
    hold_ = hold[1];
    char done = 0;
    opened_ = pid_ > 0 && read(ready[0], &done, 1) == 1 && done == 1;
    close(ready[0]);
  }
  ~Flood() { Close(); }
  // Whether the child opened every connection.
  bool opened() const { return opened_; }
  // Closes every connection (the child exits).
  void Close() {
    if (hold_ >= 0) close(hold_);
    hold_ = -1;
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int hold_ = -1;
  bool opened_ = false;
};

// ListRegions on a channel of its own (a connection of its own).
grpc::Status ListRegions(const std::string& target, const std::string& token) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  auto stub = v1::CatalogueService::NewStub(channel);
  grpc::ClientContext context;
  testing::SetDeadline(context, 5);
  context.AddMetadata("authorization", "Bearer " + token);
  v1::ListRegionsResponse response;
  return stub->ListRegions(&context, v1::ListRegionsRequest(), &response);
}

// Whether `condition` holds within `seconds`, asking every 100 ms.
bool Eventually(const std::function<bool()>& condition, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

// A connected TCP socket to 127.0.0.1:`port`, reads timing out after a
// second; -1 on failure.
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval second{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof second);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends the HTTP/2 client preface and an empty SETTINGS frame: an idle
// gRPC client connection.
bool SendPreface(int fd) {
  static const char kPreface[] =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
      "\x00\x00\x00\x04\x00\x00\x00\x00\x00";
  const size_t size = sizeof kPreface - 1;
  return write(fd, kPreface, size) == static_cast<ssize_t>(size);
}

enum class Closed { kNo, kByServer, kReset };

// Reads (discarding what the server sends) until the server closes `fd` or
// `seconds` pass.
Closed WaitForClose(int fd, int seconds, bool* got_data = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return Closed::kByServer;
    if (n > 0) {
      if (got_data != nullptr) *got_data = true;
      continue;
    }
    if (errno == ECONNRESET) return Closed::kReset;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Closed::kReset;
  }
  return Closed::kNo;
}

class ConnectionLimitsTest : public ::testing::Test {
 protected:
  void StartHost(const std::function<void(HostOptions&)>& configure) {
    HostOptions options = DefaultHostOptions(db_.url());
    options.listen_address = "127.0.0.1:0";
    options.pool_size = 2;
    options.shutdown_grace = absl::Seconds(1);
    configure(options);
    auto host = ServiceHost::Start(std::move(options), *SelectServices("catalogue"));
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = std::move(*host);
    target_ = "127.0.0.1:" + std::to_string(host_->port());
    token_ = testing::MakeToken(db_.url(), v1::ROLE_NATIONAL);
  }

  testing::TestDatabase db_;
  std::unique_ptr<ServiceHost> host_;
  std::string target_;
  std::string token_;
};

TEST_F(ConnectionLimitsTest, AcceptsAgainAfterAFloodReachedTheOpenFileLimit) {
  constexpr int kReserve = 16;
  ASSERT_NO_FATAL_FAILURE(
      StartHost([](HostOptions& o) { o.connections.limits.fd_reserve = kReserve; }));
  ASSERT_TRUE(ListRegions(target_, token_).ok());

  const int limit = OpenFileCount() + 100;
  LoweredFileLimit lowered(static_cast<rlim_t>(limit));
  ASSERT_TRUE(lowered.ok());
  Flood flood(host_->port(), 3 * limit);
  ASSERT_TRUE(flood.opened());
  // The server has taken descriptors up to its limit (gRPC 1.51's own
  // accept loop gets EMFILE there and stops accepting for good).
  EXPECT_TRUE(Eventually([&] { return OpenFileCount() >= limit - kReserve - 4; }, 30))
      << OpenFileCount() << " descriptors open, limit " << limit;

  // Meanwhile a new client is served or told no, cleanly.
  const grpc::Status during = ListRegions(target_, token_);
  EXPECT_TRUE(during.ok() || during.error_code() == grpc::StatusCode::UNAVAILABLE ||
              during.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      << during.error_code() << ": " << during.error_message();

  flood.Close();
  EXPECT_TRUE(Eventually([&] { return ListRegions(target_, token_).ok(); }, 60))
      << "the server accepts no connection after the flood";
  EXPECT_GT(host_->connection_counts().refused, 0);
}

TEST_F(ConnectionLimitsTest, RetriesWhenAcceptRunsOutOfDescriptors) {
  // No reserve: accepting itself fails with EMFILE during the flood.
  ASSERT_NO_FATAL_FAILURE(StartHost([](HostOptions& o) { o.connections.limits.fd_reserve = 0; }));
  const int limit = OpenFileCount() + 100;
  {
    LoweredFileLimit lowered(static_cast<rlim_t>(limit));
    ASSERT_TRUE(lowered.ok());
    Flood flood(host_->port(), 3 * limit);
    ASSERT_TRUE(flood.opened());
    EXPECT_TRUE(Eventually([&] { return host_->connection_counts().refused > 0; }, 30))
        << "no connection was refused at the open-file limit";
    flood.Close();
    EXPECT_TRUE(Eventually([&] { return ListRegions(target_, token_).ok(); }, 60))
        << "the server accepts no connection after the flood";
  }
}

TEST_F(ConnectionLimitsTest, IdleConnectionsAreClosed) {
  ASSERT_NO_FATAL_FAILURE(
      StartHost([](HostOptions& o) { o.connections.max_idle = absl::Milliseconds(300); }));
  const int fd = Connect(host_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendPreface(fd));
  bool got_data = false;
  EXPECT_EQ(WaitForClose(fd, 30, &got_data), Closed::kByServer);
  EXPECT_TRUE(got_data) << "the server's SETTINGS and GOAWAY come before it closes";
  close(fd);
}

TEST_F(ConnectionLimitsTest, AtMostMaxConnectionsAtOnce) {
  ASSERT_NO_FATAL_FAILURE(
      StartHost([](HostOptions& o) { o.connections.limits.max_connections = 2; }));
  const int first = Connect(host_->port());
  const int second = Connect(host_->port());
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  ASSERT_TRUE(SendPreface(first));
  ASSERT_TRUE(SendPreface(second));
  ASSERT_TRUE(Eventually([&] { return host_->connection_counts().accepted == 2; }, 30));

  const int third = Connect(host_->port());
  ASSERT_GE(third, 0);
  bool got_data = false;
  EXPECT_EQ(WaitForClose(third, 30, &got_data), Closed::kByServer);
  EXPECT_FALSE(got_data) << "refused before any HTTP/2";
  close(third);
  EXPECT_EQ(host_->connection_counts().refused, 1);
  EXPECT_EQ(host_->connection_counts().open, 2);

  close(first);
  EXPECT_TRUE(Eventually([&] { return ListRegions(target_, token_).ok(); }, 60))
      << "a closed connection still counts against max_connections";
  close(second);
}

}  // namespace
}  // namespace ahpl
