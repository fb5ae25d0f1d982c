#include "services/common/connection_acceptor.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace ahpl {
namespace {

// Connections taken from one listener per wake-up, so others get a turn.
constexpr int kAcceptBurst = 64;
// How long to wait before accepting again when out of descriptors with no
// spare one, and between sweeps while at max_connections.
constexpr absl::Duration kBackoff = absl::Milliseconds(100);
constexpr absl::Duration kSweepInterval = absl::Milliseconds(50);
constexpr absl::Duration kRefusalLogInterval = absl::Seconds(10);

std::string Errno(int error) { return std::strerror(error); }

int SoftFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur > (1u << 30)) {
    return 1 << 30;
  }
  return static_cast<int>(limit.rlim_cur);
}

// `address` split into host and port; brackets around an IPv6 host removed.
absl::Status SplitHostPort(absl::string_view address, std::string* host, int* port) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("listen address ", address, " has no port"));
  }
  absl::string_view h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (!absl::SimpleAtoi(address.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("listen address ", address, " has a bad port"));
  }
  *host = std::string(h);
  return absl::OkStatus();
}

// A listening socket on `addr`, or -1 with errno set.
int ListenOn(const sockaddr* addr, socklen_t len, bool dual_stack) {
  const int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  int v6only = dual_stack ? 0 : 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      (addr->sa_family == AF_INET6 &&
       setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0) ||
      bind(fd, addr, len) != 0 || listen(fd, SOMAXCONN) != 0) {
    const int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

void SetPort(sockaddr* addr, int port) {
  if (addr->sa_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(addr)->sin_port = htons(static_cast<uint16_t>(port));
  } else {
    reinterpret_cast<sockaddr_in6*>(addr)->sin6_port = htons(static_cast<uint16_t>(port));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConnectionAcceptor>> ConnectionAcceptor::Listen(
    absl::string_view address, AcceptorLimits limits) {
  std::string host;
  int port = 0;
  if (absl::Status split = SplitHostPort(address, &host, &port); !split.ok()) return split;
  std::unique_ptr<ConnectionAcceptor> acceptor(new ConnectionAcceptor());
  acceptor->limits_ = limits;
  const auto cannot = [&](int error) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ": ", Errno(error)));
  };

  if (host.empty() || host == "0.0.0.0" || host == "::") {
    // One dual-stack socket, as gRPC binds wildcard addresses.
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    any6.sin6_addr = in6addr_any;
    any6.sin6_port = htons(static_cast<uint16_t>(port));
    int fd = ListenOn(reinterpret_cast<sockaddr*>(&any6), sizeof any6, /*dual_stack=*/true);
    if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
      sockaddr_in any4{};
      any4.sin_family = AF_INET;
      any4.sin_addr.s_addr = htonl(INADDR_ANY);
      any4.sin_port = htons(static_cast<uint16_t>(port));
      fd = ListenOn(reinterpret_cast<sockaddr*>(&any4), sizeof any4, false);
    }
    if (fd < 0) return cannot(errno);
    acceptor->listeners_.push_back(fd);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", address, ": ", gai_strerror(rc)));
    }
    int last_error = 0;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
      sockaddr_storage addr{};
      std::memcpy(&addr, a->ai_addr, a->ai_addrlen);
      // With port 0, every address gets the port the first one got.
      if (!acceptor->listeners_.empty()) {
        SetPort(reinterpret_cast<sockaddr*>(&addr), BoundPort(acceptor->listeners_.front()));
      }
      const int fd = ListenOn(reinterpret_cast<sockaddr*>(&addr), a->ai_addrlen, false);
      if (fd < 0) {
        last_error = errno;
        LogWarning("cannot listen on one address of ", address, ": ", Errno(errno));
        continue;
      }
      acceptor->listeners_.push_back(fd);
    }
    freeaddrinfo(found);
    if (acceptor->listeners_.empty()) return cannot(last_error);
  }
  acceptor->port_ = BoundPort(acceptor->listeners_.front());
  acceptor->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (acceptor->wake_fd_ < 0) return cannot(errno);
  acceptor->spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return acceptor;
}

ConnectionAcceptor::~ConnectionAcceptor() {
  Stop();
  for (int fd : listeners_) close(fd);
  if (wake_fd_ >= 0) close(wake_fd_);
  if (spare_fd_ >= 0) close(spare_fd_);
}

void ConnectionAcceptor::Start(Handoff handoff) {
  handoff_ = std::move(handoff);
  thread_ = std::thread([this] { Loop(); });
}

void ConnectionAcceptor::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  while (write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
  thread_.join();
}

AcceptorCounts ConnectionAcceptor::counts() const {
  return {accepted_.load(), refused_.load(), open_count_.load()};
}

void ConnectionAcceptor::Loop() {
  std::vector<pollfd> fds;
  fds.push_back({wake_fd_, POLLIN, 0});
  for (int fd : listeners_) fds.push_back({fd, POLLIN, 0});
  bool backing_off = false;
  for (;;) {
    // While backing off only the wake-up descriptor is watched: pending
    // connections would wake the loop at once.
    const nfds_t watched = backing_off ? 1 : fds.size();
    const int timeout = backing_off ? static_cast<int>(absl::ToInt64Milliseconds(kBackoff)) : -1;
    const int ready = poll(fds.data(), watched, timeout);
    if (ready < 0 && errno != EINTR) {
      LogError("connection acceptor: poll: ", Errno(errno));
      backing_off = true;
      continue;
    }
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) return;
    if (backing_off) {
      backing_off = false;
      if (spare_fd_ < 0) spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
      continue;
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      if (!AcceptPending(fds[i].fd)) backing_off = true;
    }
  }
}

bool ConnectionAcceptor::AcceptPending(int listener) {
  for (int taken = 0; taken < kAcceptBurst; ++taken) {
    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(listener, fd);
      continue;
    }
    switch (errno) {
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
        continue;
      case EAGAIN:
        return true;
      case EMFILE:
      case ENFILE:
        // Out of descriptors: refuse what is pending with the spare one,
        // so clients are told at once rather than left waiting, and keep
        // accepting (gRPC 1.51 stops here for good).
        if (!ShedOne(listener)) return false;
        continue;
      default:
        // ENOBUFS, ENOMEM and the like: wait a little, then go on.
        LogWarning("connection acceptor: accept: ", Errno(errno));
        return false;
    }
  }
  return true;
}

bool ConnectionAcceptor::ShedOne(int listener) {
  if (spare_fd_ < 0) return false;
  close(spare_fd_);
  const int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  const int error = errno;
  spare_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) Refuse(fd, "out of file descriptors");
  // Another thread took the freed descriptor, or the spare is gone: back off.
  const bool starved = fd < 0 && (error == EMFILE || error == ENFILE);
  return spare_fd_ >= 0 && !starved;
}

void ConnectionAcceptor::Admit(int listener, int fd) {
  // The descriptor number is free again, so whatever connection had it
  // before is closed.
  if (open_.erase(fd) > 0) --open_count_;
  const int soft_limit = SoftFileLimit();
  if (fd >= soft_limit - limits_.fd_reserve) {
    Refuse(fd, "near the open-file limit");
    return;
  }
  const auto at_cap = [&] {
    const size_t cap = static_cast<size_t>(
        std::max(0, std::min(limits_.max_connections, soft_limit - limits_.fd_reserve)));
    return open_.size() >= cap;
  };
  if (at_cap()) {
    // Sweeps cost one fstat per open connection: at most one per interval
    // while a flood keeps the server at its cap.
    if (absl::Now() - last_sweep_ >= kSweepInterval) Sweep();
    if (at_cap()) {
      Refuse(fd, "at max_connections");
      return;
    }
  }
  const int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    close(fd);
    return;
  }
  open_[fd] = st.st_ino;
  ++open_count_;
  ++accepted_;
  handoff_(listener, fd);
}

void ConnectionAcceptor::Sweep() {
  last_sweep_ = absl::Now();
  for (auto it = open_.begin(); it != open_.end();) {
    struct stat st {};
    if (fstat(it->first, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_ino != it->second) {
      it = open_.erase(it);
      --open_count_;
    } else {
      ++it;
    }
  }
}

void ConnectionAcceptor::Refuse(int fd, const char* why) {
  ++refused_;  // before the client can see the close
  close(fd);
  ++refused_since_log_;
  const absl::Time now = absl::Now();
  if (now - last_refusal_log_ >= kRefusalLogInterval) {
    LogWarning("refusing connections (", why, "): ", refused_since_log_,
               " refused since last said; ", open_.size(), " open, open-file limit ",
               SoftFileLimit());
    last_refusal_log_ = now;
    refused_since_log_ = 0;
  }
}

}  // namespace ahpl
