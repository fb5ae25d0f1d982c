#include "services/common/service_host.h"

#include <chrono>
#include <utility>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "services/common/log.h"
#include "services/common/migrations.h"
#include "services/common/page_token_store.h"

namespace ahpl {

void PrepareServingProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
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

  PgPool::Options pool_options;
  pool_options.url = opts.database_url;
  pool_options.size = opts.pool_size;
  ASSIGN_OR_RETURN(host->pool_, PgPool::Connect(pool_options));
  ASSIGN_OR_RETURN(auto migrations, ParseMigrations(opts.migrations));
  ASSIGN_OR_RETURN(auto report, ApplyMigrations(opts.database_url, migrations));
  LogInfo("database schema at version ", report.current_version, " (", report.applied.size(),
          " applied now)");

  if (opts.seed) RETURN_IF_ERROR(opts.seed(*host->pool_));
  ASSIGN_OR_RETURN(std::string page_token_key, LoadPageTokenKey(*host->pool_));
  ASSIGN_OR_RETURN(PageTokenCodec page_tokens, PageTokenCodec::Create(std::move(page_token_key)));
  host->page_tokens_ = std::make_unique<PageTokenCodec>(std::move(page_tokens));

  host->workers_ = std::make_unique<WorkerPool>(opts.pool_size, opts.max_queued_requests);
  host->authorizer_ = opts.authorizer(*host->pool_, opts.database_url);
  ServiceContext context{*host->pool_, *host->workers_, *host->authorizer_, opts.settings,
                         *host->page_tokens_};

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(opts.listen_address, credentials, &host->port_);
  builder.SetMaxReceiveMessageSize(opts.max_message_bytes);
  builder.SetMaxSendMessageSize(opts.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, opts.max_concurrent_streams);
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
    return absl::UnavailableError(absl::StrCat("cannot listen on ", opts.listen_address));
  }
  host->SetServing(true);
  host->health_thread_ = std::thread([h = host.get()] { h->MonitorHealth(); });
  return host;
}

ServiceHost::~ServiceHost() { Shutdown(); }

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

void ServiceHost::SetServing(bool serving) {
  const bool was = serving_.exchange(serving);
  if (server_ == nullptr) return;
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  for (const auto& name : grpc_names_) health->SetServingStatus(name, serving);
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
  if (server_ != nullptr) {
    if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoNanoseconds(options_.shutdown_grace));
    server_->Wait();
  }
  workers_.reset();
  services_.clear();
  server_.reset();
}

}  // namespace ahpl
