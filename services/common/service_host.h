// Hosts a chosen set of ahpl services in one gRPC server process: one
// connection pool, one worker pool, migrations at start, health checking,
// reflection and graceful shutdown.
#ifndef AHPL_SERVICES_COMMON_SERVICE_HOST_H_
#define AHPL_SERVICES_COMMON_SERVICE_HOST_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/server_builder.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "core/request_limits.h"
#include "services/common/access.h"
#include "services/common/call_observer.h"
#include "services/common/connection_acceptor.h"
#include "services/common/embedded_file.h"
#include "services/common/metrics.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/service_settings.h"
#include "services/common/standby_monitor.h"
#include "services/common/transport.h"
#include "services/common/worker_pool.h"

namespace ahpl {

// What a hosted service gets from the process hosting it.
struct ServiceContext {
  PgPool& pool;
  WorkerPool& workers;
  // Authenticates callers and applies the access policy.
  Authorizer& authorizer;
  // Each service's own settings.
  const ServiceSettings& settings;
  // Signs and verifies page tokens with the key every server on the
  // database shares.
  const PageTokenCodec& page_tokens;
  // For reads that may lag (summaries, lists, exports, chase lists): a
  // streaming standby's pool, which hands calls to `pool` while the standby
  // is away or too far behind; `pool` itself when there is no standby.
  // Never for writes, nor for a caller's reads of what it just wrote.
  PgPool& read_pool;
  // What the server counts; services add their own (e.g. import items).
  ServerMetrics& metrics;
};

// A service the host can serve.
class HostedService {
 public:
  virtual ~HostedService() = default;
  // The gRPC service implementation, owned by this object.
  virtual grpc::Service* grpc_service() = 0;
  // Re-reads what the service loaded at start (e.g. a ruleset); on error
  // the service keeps what it had.
  virtual absl::Status Reload() { return absl::OkStatus(); }
};

// How to make one service, by its short name (e.g. "catalogue").
struct ServiceFactory {
  std::string name;       // short name used by --services
  std::string grpc_name;  // full name, e.g. "ahpl.v1.CatalogueService"
  std::function<absl::StatusOr<std::unique_ptr<HostedService>>(ServiceContext&)> create;
};

// How many client connections the server holds and for how long; see
// docs/operations.md#connections. Durations are rounded down to
// milliseconds; absl::InfiniteDuration() means no limit.
struct ConnectionOptions {
  // Client connections open at once, and file descriptors kept free below
  // the open-file limit; beyond either a connection is closed as accepted.
  AcceptorLimits limits;
  // A connection with no call in progress this long is closed (GOAWAY).
  absl::Duration max_idle = absl::Minutes(5);
  // Any connection is told to go away after about this long (gRPC adds
  // +-10% jitter); calls in flight then have max_age_grace to finish.
  absl::Duration max_age = absl::Hours(2);
  absl::Duration max_age_grace = absl::Minutes(5);
  // A connection must finish its TLS handshake and send its HTTP/2 settings
  // within this (gRPC's own default is 120 s).
  absl::Duration handshake_timeout = absl::Seconds(20);
  // The server pings a connection with calls in flight after this long
  // without traffic, and closes it when the ping is not answered within
  // keepalive_timeout (a vanished client).
  absl::Duration keepalive_time = absl::Minutes(2);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Clients may ping at most this often without sending data; a client
  // pinging more often max_ping_strikes times is sent GOAWAY.
  absl::Duration min_client_ping_interval = absl::Minutes(1);
  int max_ping_strikes = 2;
};

// What an operator sees of a running server; see docs/operations.md#seeing-it-run.
struct ObservabilityOptions {
  // Count calls, pools, tokens and imports (always kept; served only when
  // metrics_listen is set).
  bool metrics = true;
  // Prometheus text at http://metrics_listen/metrics; none when empty.
  std::string metrics_listen;
  // One log line per call.
  bool access_log = true;
  // Reported as ahpl_build_info{version}.
  std::string version = "unknown";
};

struct HostOptions {
  std::string listen_address = "127.0.0.1:50051";
  // A second, plaintext port serving only grpc.health.v1.Health, for
  // probes that present no client certificate (the kubelet's) when the
  // main port requires one; none when empty.
  std::string health_listen;
  ObservabilityOptions observability;
  // TLS (and mutual TLS); plaintext only on loopback unless allowed.
  TransportOptions transport;
  std::string database_url;
  // A streaming standby of database_url for reads that may lag; empty: all
  // reads on the primary. Its pool has pool_size connections.
  std::string read_database_url;
  // Those reads go to the primary while the standby is further behind.
  absl::Duration read_max_lag = absl::Seconds(30);
  size_t pool_size = 8;
  // Requests that may wait for a worker before RESOURCE_EXHAUSTED.
  size_t max_queued_requests = 1024;
  absl::Duration shutdown_grace = absl::Seconds(10);
  absl::Duration health_interval = absl::Seconds(1);
  // The largest message received or sent (core/request_limits.h).
  int max_message_bytes = kMaxReceiveMessageBytes;
  // Streams one client connection may have open at once.
  int max_concurrent_streams = 100;
  // Connection count, idle time, age and keepalive.
  ConnectionOptions connections;
  // SQL migrations applied before serving.
  std::vector<EmbeddedFile> migrations;
  // Makes the authorizer every service checks callers with (required).
  std::function<std::unique_ptr<Authorizer>(PgPool&, const std::string& database_url)> authorizer;
  // Loads reference data after the migrations, before the services start.
  std::function<absl::Status(PgPool&)> seed;
  // Passed to the services (ServiceContext::settings).
  ServiceSettings settings;
};

// Process-wide settings for a process that serves calls (ahpl-server, and
// benchmarks hosting a server in process): switches off Abseil's mutex
// deadlock detection, a debugging aid left on in Debian's build that costs
// gRPC, which locks on every call, about half its call rate. Call first.
void PrepareServingProcess();

// Raises the process's open-file limit (RLIMIT_NOFILE) to its hard limit and
// logs the limit in force: each client connection holds a descriptor. For a
// process about to serve (ahpl-server calls it just before starting).
void RaiseOpenFileLimit();

class ServiceHost {
 public:
  // Connects to the database (failing fast when it is unreachable), applies
  // migrations, creates the services and starts listening.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(HostOptions options,
                                                            std::vector<ServiceFactory> services);
  // Shuts down if still running.
  ~ServiceHost();

  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // The port actually bound (useful with port 0).
  int port() const { return port_; }
  // The health port and the metrics port bound (0 when not served).
  int health_port() const { return health_port_; }
  int metrics_port() const { return metrics_endpoint_ != nullptr ? metrics_endpoint_->port() : 0; }
  // What the server counted so far.
  ServerMetrics& metrics() { return *metrics_; }
  // Stops accepting calls, lets calls in flight finish within the grace
  // period, then cancels the rest. Idempotent.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);
  // What the accept loop did so far (all zero on a unix: address, which
  // gRPC listens on itself).
  AcceptorCounts connection_counts() const;
  // Whether the last health probe reached the database.
  bool serving() const { return serving_.load(); }
  // Asks every hosted service to reload; the first error, if any.
  absl::Status Reload();
  // The authorizer HostOptions::authorizer made (the services call it
  // through the observing wrapper that feeds the access log and metrics).
  Authorizer& authorizer() { return *base_authorizer_; }
  // Whether reads that may lag go to the standby now.
  bool reads_on_standby() const { return standby_ != nullptr && standby_->in_use(); }

 private:
  ServiceHost() = default;
  // The health thread: probes the database every health_interval until
  // Shutdown.
  void MonitorHealth() ABSL_LOCKS_EXCLUDED(mu_);
  void SetServing(bool serving);
  absl::Status StartHealthServer();

  HostOptions options_;
  std::vector<std::string> grpc_names_;
  // Declared first: destroyed after everything that counts into it.
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<PgPool> pool_;
  // With a read_database_url: the standby's pool and what sets it aside.
  std::unique_ptr<PgPool> read_pool_;
  std::unique_ptr<StandbyMonitor> standby_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Authorizer> authorizer_;
  Authorizer* base_authorizer_ = nullptr;
  std::unique_ptr<PageTokenCodec> page_tokens_;
  std::vector<std::unique_ptr<HostedService>> services_;
  // Accepts client connections and hands them to server_ through
  // handoff_; stopped before server_ shuts down.
  std::unique_ptr<ConnectionAcceptor> acceptor_;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> handoff_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  // Serves health checking alone on health_listen (plaintext).
  std::unique_ptr<grpc::Server> health_server_;
  int health_port_ = 0;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;
  std::atomic<bool> serving_{false};
  absl::Mutex mu_;
  // Set once by Shutdown; releasing mu_ then wakes the health thread.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread health_thread_;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_SERVICE_HOST_H_
