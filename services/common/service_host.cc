#include "services/common/service_host.h"

#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <string>
#include <utility>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "services/common/log.h"
#include "services/common/migrations.h"
#include "services/common/page_token_store.h"

namespace ahpl {

namespace {

// `d` in whole milliseconds for a channel argument: INT_MAX (gRPC's "no
// limit") when infinite or too long, 0 when negative.
int ChannelArgMillis(absl::Duration d) {
  if (d >= absl::Milliseconds(INT_MAX)) return INT_MAX;
  if (d < absl::ZeroDuration()) return 0;
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

// Whether gRPC listens itself: on unix: sockets; the acceptor takes TCP.
bool GrpcListens(const std::string& address) { return absl::StartsWith(address, "unix:"); }

}  // namespace

void PrepareServingProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  RouteProtobufLogs();
  RouteGrpcLogs();
}

void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    LogWarning("cannot read the open-file limit: ", std::strerror(errno));
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t was = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      LogWarning("cannot raise the open-file limit from ", was, ": ", std::strerror(errno));
      return;
    }
  }
  LogInfo("open-file limit ", limit.rlim_cur == RLIM_INFINITY ? std::string("unlimited")
                                                              : std::to_string(limit.rlim_cur));
}

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(
    HostOptions options, std::vector<ServiceFactory> services) {
  if (options.database_url.empty()) {
    return absl::InvalidArgumentError(
        "no database URL given (--database_url or AHPL_DATABASE_URL)");
  }
  if (services.empty()) return absl::InvalidArgumentError("no services to host");
  if (!options.authorizer) return absl::InvalidArgumentError("no authorizer to check callers with");
  ASSIGN_OR_RETURN(auto credentials,
                   ServerCredentialsFor(options.listen_address, options.transport));
  std::unique_ptr<ServiceHost> host(new ServiceHost());
  host->options_ = std::move(options);
  const HostOptions& opts = host->options_;
  host->metrics_ = std::make_unique<ServerMetrics>(opts.observability.version);
  ServerMetrics* metrics = host->metrics_.get();
  const CallObserverOptions observer{opts.observability.metrics ? metrics : nullptr,
                                     opts.observability.access_log};

  PgPool::Options pool_options;
  pool_options.url = opts.database_url;
  pool_options.size = opts.pool_size;
  if (opts.observability.metrics) {
    pool_options.on_wait = [metrics](absl::Duration waited) {
      metrics->ObservePoolWait("primary", waited);
    };
  }
  ASSIGN_OR_RETURN(host->pool_, PgPool::Connect(pool_options));
  ASSIGN_OR_RETURN(auto migrations, ParseMigrations(opts.migrations));
  ASSIGN_OR_RETURN(auto report, ApplyMigrations(opts.database_url, migrations));
  LogInfo("database schema at version ", report.current_version, " (", report.applied.size(),
          " applied now)");

  if (opts.seed) RETURN_IF_ERROR(opts.seed(*host->pool_));
  ASSIGN_OR_RETURN(std::string page_token_key, LoadPageTokenKey(*host->pool_));
  ASSIGN_OR_RETURN(PageTokenCodec page_tokens, PageTokenCodec::Create(std::move(page_token_key)));
  host->page_tokens_ = std::make_unique<PageTokenCodec>(std::move(page_tokens));

  PgPool* read_pool = host->pool_.get();
  if (!opts.read_database_url.empty()) {
    PgPool::Options read_options = pool_options;
    read_options.url = opts.read_database_url;
    if (opts.observability.metrics) {
      read_options.on_wait = [metrics](absl::Duration waited) {
        metrics->ObservePoolWait("standby", waited);
      };
    }
    ASSIGN_OR_RETURN(host->read_pool_, PgPool::ForStandby(read_options, *host->pool_));
    host->standby_ = StandbyMonitor::Start(
        {opts.database_url, opts.read_database_url, opts.health_interval, opts.read_max_lag},
        *host->read_pool_);
    read_pool = host->read_pool_.get();
  }

  host->workers_ = std::make_unique<WorkerPool>(opts.pool_size, opts.max_queued_requests);
  host->authorizer_ = opts.authorizer(*host->pool_, opts.database_url);
  host->base_authorizer_ = host->authorizer_.get();
  if (observer.metrics != nullptr || observer.access_log) {
    host->authorizer_ = ObserveAuthorizer(std::move(host->authorizer_), observer);
  }
  ServiceContext context{*host->pool_,  *host->workers_,     *host->authorizer_,
                         opts.settings, *host->page_tokens_, *read_pool,
                         *metrics};

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // A port in use fails the start: gRPC would otherwise share it
  // (SO_REUSEPORT) and the two servers would split the calls.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (observer.metrics != nullptr || observer.access_log) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> observers;
    observers.push_back(MakeCallObserverFactory(observer));
    builder.experimental().SetInterceptorCreators(std::move(observers));
  }
  if (GrpcListens(opts.listen_address)) {
    builder.AddListeningPort(opts.listen_address, credentials, &host->port_);
  } else {
    // Our own accept loop (gRPC 1.51's stops for good on EMFILE); gRPC
    // serves the connections it hands over with `credentials`.
    ASSIGN_OR_RETURN(host->acceptor_,
                     ConnectionAcceptor::Listen(opts.listen_address, opts.connections.limits));
    host->port_ = host->acceptor_->port();
    host->handoff_ = builder.experimental().AddExternalConnectionAcceptor(
        grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD, credentials);
  }
  builder.SetMaxReceiveMessageSize(opts.max_message_bytes);
  builder.SetMaxSendMessageSize(opts.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, opts.max_concurrent_streams);
  const ConnectionOptions& connections = opts.connections;
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ChannelArgMillis(connections.max_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ChannelArgMillis(connections.max_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ChannelArgMillis(connections.max_age_grace));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             ChannelArgMillis(connections.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ChannelArgMillis(connections.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ChannelArgMillis(connections.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             ChannelArgMillis(connections.min_client_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, connections.max_ping_strikes);
  for (auto& factory : services) {
    auto service = factory.create(context);
    if (!service.ok()) {
      return absl::Status(service.status().code(), absl::StrCat("starting ", factory.name, ": ",
                                                                service.status().message()));
    }
    builder.RegisterService((*service)->grpc_service());
    host->services_.push_back(std::move(*service));
    host->grpc_names_.push_back(factory.grpc_name);
  }
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", opts.listen_address, ": the port is in use or not ours"));
  }
  if (!opts.health_listen.empty()) RETURN_IF_ERROR(host->StartHealthServer());
  if (opts.observability.metrics) {
    metrics->WatchPool("primary", host->pool_.get());
    if (host->read_pool_ != nullptr) metrics->WatchPool("standby", host->read_pool_.get());
    metrics->WatchServer([h = host.get()] {
      const AcceptorCounts counts = h->connection_counts();
      ServerMetrics::Reading reading;
      reading.connections_open = counts.open;
      reading.connections_accepted = counts.accepted;
      reading.connections_refused = counts.refused;
      reading.requests_queued = static_cast<int64_t>(h->workers_->queued());
      return reading;
    });
    if (!opts.observability.metrics_listen.empty()) {
      ASSIGN_OR_RETURN(host->metrics_endpoint_,
                       MetricsEndpoint::Start(opts.observability.metrics_listen, *metrics));
      LogInfo("metrics at http://", opts.observability.metrics_listen, "/metrics (port ",
              host->metrics_endpoint_->port(), ")");
    }
  }
  if (host->acceptor_ != nullptr) {
    host->acceptor_->Start([handoff = host->handoff_.get()](int listener_fd, int fd) {
      grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters connection;
      connection.listener_fd = listener_fd;
      connection.fd = fd;
      handoff->HandleNewConnection(&connection);
    });
  }
  host->SetServing(true);
  host->health_thread_ = std::thread([h = host.get()] { h->MonitorHealth(); });
  return host;
}

ServiceHost::~ServiceHost() { Shutdown(); }

AcceptorCounts ServiceHost::connection_counts() const {
  return acceptor_ != nullptr ? acceptor_->counts() : AcceptorCounts{};
}

absl::Status ServiceHost::Reload() {
  absl::Status first;
  for (auto& service : services_) {
    absl::Status s = service->Reload();
    if (!s.ok()) {
      LogError("reload failed, keeping the previous state: ", s.message());
      if (first.ok()) first = s;
    }
  }
  return first;
}

absl::Status ServiceHost::StartHealthServer() {
  grpc::ServerBuilder builder;
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Health status only: no token, no client certificate, nothing else
  // registered.
  builder.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(),
                           &health_port_);
  health_server_ = builder.BuildAndStart();
  if (health_server_ == nullptr || health_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve health on ", options_.health_listen,
                                               ": the port is in use or not ours"));
  }
  LogInfo("health checking (plaintext) on port ", health_port_);
  return absl::OkStatus();
}

void ServiceHost::SetServing(bool serving) {
  const bool was = serving_.exchange(serving);
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    auto* health = server->GetHealthCheckService();
    if (health == nullptr) continue;
    health->SetServingStatus("", serving);
    for (const auto& name : grpc_names_) health->SetServingStatus(name, serving);
  }
  if (was != serving) {
    if (serving) {
      LogInfo("database reachable: SERVING");
    } else {
      LogWarning("database unreachable: NOT_SERVING");
    }
  }
}

void ServiceHost::MonitorHealth() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
  }
  std::unique_ptr<pqxx::connection> conn;
  for (;;) {
    bool ok = false;
    try {
      if (conn == nullptr || !conn->is_open()) {
        conn = std::make_unique<pqxx::connection>(options_.database_url);
      }
      pqxx::nontransaction tx(*conn);
      tx.exec("SELECT 1");
      ok = true;
    } catch (const std::exception&) {
      conn.reset();
    }
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    SetServing(ok);
    // True (and at once) when Shutdown sets stopping_.
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.health_interval)) return;
  }
}

void ServiceHost::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (health_thread_.joinable()) health_thread_.join();
  if (standby_ != nullptr) standby_->Stop();
  // No connection may be handed to a server shutting down (gRPC would
  // neither serve nor close it).
  if (acceptor_ != nullptr) acceptor_->Stop();
  metrics_endpoint_.reset();
  if (metrics_ != nullptr) metrics_->StopWatching();
  if (health_server_ != nullptr) {
    if (auto* health = health_server_->GetHealthCheckService()) health->Shutdown();
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
  if (server_ != nullptr) {
    if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoNanoseconds(options_.shutdown_grace));
    server_->Wait();
  }
  workers_.reset();
  services_.clear();
  server_.reset();
  acceptor_.reset();
}

}  // namespace ahpl
