// The server's own accept loop: binds the listening sockets, accepts client
// connections on a thread of its own and hands each one to gRPC (as an
// external connection), refusing connections beyond a maximum or near the
// process's open-file limit, and retrying, never stopping, when accept fails
// for lack of file descriptors. gRPC 1.51's own loop stops accepting for good
// on EMFILE; see docs/decisions.md ("Connections").
#ifndef AHPL_SERVICES_COMMON_CONNECTION_ACCEPTOR_H_
#define AHPL_SERVICES_COMMON_CONNECTION_ACCEPTOR_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ahpl {

struct AcceptorLimits {
  // Client connections open at once; more are accepted and closed at once.
  int max_connections = 4096;
  // File descriptors kept free below RLIMIT_NOFILE for the process's own use
  // (database connections, files, outgoing calls): a connection whose
  // descriptor falls in that reserve is closed at once.
  int fd_reserve = 64;
};

// What the acceptor did so far.
struct AcceptorCounts {
  int64_t accepted = 0;  // handed to gRPC
  int64_t refused = 0;   // accepted and closed at once (at a limit)
  int64_t open = 0;      // handed to gRPC and not yet seen closed
};

class ConnectionAcceptor {
 public:
  // Receives each accepted connection (non-blocking, close-on-exec); owns
  // `fd` from then on. `listener_fd` is the socket it came from.
  using Handoff = std::function<void(int listener_fd, int fd)>;

  // Binds `address` ("host:port", "[v6]:port"; port 0 picks a free one):
  // every address the host resolves to, or for 0.0.0.0 and [::] one
  // dual-stack socket (IPv4 alone where IPv6 is missing), as gRPC does.
  // UNAVAILABLE when nothing could be bound.
  static absl::StatusOr<std::unique_ptr<ConnectionAcceptor>> Listen(absl::string_view address,
                                                                    AcceptorLimits limits);
  // Stops and closes the listening sockets.
  ~ConnectionAcceptor();

  ConnectionAcceptor(const ConnectionAcceptor&) = delete;
  ConnectionAcceptor& operator=(const ConnectionAcceptor&) = delete;

  // The port bound.
  int port() const { return port_; }
  // Starts the accept thread. Call once.
  void Start(Handoff handoff);
  // Stops accepting and joins the thread; connections already handed off
  // are gRPC's. Idempotent.
  void Stop();
  AcceptorCounts counts() const;

 private:
  ConnectionAcceptor() = default;
  void Loop();
  // Accepts what is pending on `listener`; false when out of descriptors
  // with no spare one to shed connections with (the loop backs off).
  bool AcceptPending(int listener);
  // Accepts one pending connection with the spare descriptor and closes it.
  bool ShedOne(int listener);
  // Hands `fd` to gRPC or closes it, by the limits.
  void Admit(int listener, int fd);
  // Forgets connections gRPC has closed.
  void Sweep();
  void Refuse(int fd, const char* why);

  AcceptorLimits limits_;
  int port_ = 0;
  std::vector<int> listeners_;
  int wake_fd_ = -1;   // eventfd: Stop writes to it
  int spare_fd_ = -1;  // /dev/null, closed to make room for accepting a refusal
  Handoff handoff_;
  std::thread thread_;
  bool stopped_ = false;
  // Handed-off descriptors and their socket inodes, touched only by the
  // loop; an entry whose descriptor is closed or now names another file is
  // a closed connection.
  std::unordered_map<int, ino_t> open_;
  absl::Time last_sweep_ = absl::InfinitePast();
  absl::Time last_refusal_log_ = absl::InfinitePast();
  int64_t refused_since_log_ = 0;
  std::atomic<int64_t> accepted_{0};
  std::atomic<int64_t> refused_{0};
  std::atomic<int64_t> open_count_{0};
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_CONNECTION_ACCEPTOR_H_
