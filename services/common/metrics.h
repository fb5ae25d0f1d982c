// What a server counts for Prometheus: calls by method and status code
// (counts, latency histograms, calls in flight), database pools (size, in
// use, wait for a connection), import items, token checks, connections and
// the build. Served as Prometheus text on a port of its own
// (MetricsEndpoint). Thread-safe; recording a call takes no lock once its
// method and code have been seen.
#ifndef AHPL_SERVICES_COMMON_METRICS_H_
#define AHPL_SERVICES_COMMON_METRICS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ahpl {

class PgPool;

// Where a token check was answered.
enum class TokenCheckSource { kCache, kDatabase };

class ServerMetrics {
 public:
  // The counters of one method (opaque); pointers stay valid for the life
  // of the ServerMetrics.
  struct Method;

  // `version` goes into ahpl_build_info.
  explicit ServerMetrics(absl::string_view version);
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // The counters of `method` ("/package.Service/Method"), made on first use.
  Method* ForMethod(absl::string_view method);
  void CallStarted(Method* method);
  void CallFinished(Method* method, grpc::StatusCode code, absl::Duration elapsed);

  // Items of an import stream stored or refused.
  void CountImportItems(int64_t accepted, int64_t rejected);
  // A caller's token checked, and the answer (OK, UNAUTHENTICATED,
  // PERMISSION_DENIED, or an error reaching the database).
  void CountTokenCheck(TokenCheckSource source, absl::StatusCode code);
  // Time a call waited for a connection of pool `pool` ("primary", "standby").
  void ObservePoolWait(absl::string_view pool, absl::Duration waited);
  // Reports `pool`'s size and connections in use at every scrape. The pool
  // must outlive the ServerMetrics or be removed first with RemovePools.
  void WatchPool(std::string name, const PgPool* pool);
  // Forgets the pools and the server reading (before they go away).
  void StopWatching();
  // Reports what `read` returns at every scrape: connections open,
  // accepted and refused, and calls waiting for a worker.
  struct Reading {
    int64_t connections_open = 0;
    int64_t connections_accepted = 0;
    int64_t connections_refused = 0;
    int64_t requests_queued = 0;
  };
  void WatchServer(std::function<Reading()> read);

  // The metrics in Prometheus' text format, as a scrape gets them.
  std::string Scrape() const;

 private:
  friend class MetricsEndpoint;
  struct State;
  std::unique_ptr<State> state_;
};

// Serves `metrics` at http://ADDRESS/metrics (plain HTTP, for Prometheus).
class MetricsEndpoint {
 public:
  // Fails with UNAVAILABLE, one line, when `address` cannot be bound (e.g.
  // another process holds the port: the port is never shared).
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address,
                                                                ServerMetrics& metrics);
  ~MetricsEndpoint();
  // The port bound (useful with port 0).
  int port() const { return port_; }

 private:
  struct Exposer;
  MetricsEndpoint() = default;
  std::unique_ptr<Exposer> exposer_;
  int port_ = 0;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_METRICS_H_
