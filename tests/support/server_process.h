// The real ahpl-server binary run as a child process, for tests that need
// a server they can kill outright (SIGKILL) or several servers at once. Its
// stderr goes to a file, so a chatty server never blocks on a full pipe.
#ifndef AHPL_TESTS_SUPPORT_SERVER_PROCESS_H_
#define AHPL_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ahpl::testing {

class ServerProcess {
 public:
  // Starts AHPL_SERVER_BINARY with `args`.
  explicit ServerProcess(std::vector<std::string> args);
  // SIGKILL, if it still runs.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Waits up to `timeout` until `address` accepts gRPC connections (the
  // server listens last, once migrated, seeded and serving); false if it
  // did not, or the process ended first.
  bool WaitUntilServing(const std::string& address, std::chrono::seconds timeout);
  // Waits up to `timeout` for the process to end: its exit code (128 +
  // signal when killed), or -1 on timeout.
  int Wait(std::chrono::seconds timeout);
  void Signal(int sig);
  // SIGKILL now, and reap it: no shutdown, no goodbye to clients.
  void Kill();
  bool running() const { return pid_ > 0; }
  // Everything written to stderr so far.
  std::string Stderr() const;

 private:
  pid_t pid_ = 0;
  std::string stderr_path_;
};

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_SERVER_PROCESS_H_
