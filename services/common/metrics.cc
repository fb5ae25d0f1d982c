#include "services/common/metrics.h"

#include <array>
#include <atomic>
#include <exception>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"

namespace ahpl {
namespace {

constexpr int kCodes = 17;  // grpc::StatusCode 0..16

// Seconds: a cached classification takes tens of microseconds, an import
// stream minutes.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30,    120};
  return *buckets;
}

const prometheus::Histogram::BucketBoundaries& WaitBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};
  return *buckets;
}

const char* CodeName(int code) {
  static constexpr const char* kNames[kCodes] = {"OK",
                                                 "CANCELLED",
                                                 "UNKNOWN",
                                                 "INVALID_ARGUMENT",
                                                 "DEADLINE_EXCEEDED",
                                                 "NOT_FOUND",
                                                 "ALREADY_EXISTS",
                                                 "PERMISSION_DENIED",
                                                 "RESOURCE_EXHAUSTED",
                                                 "FAILED_PRECONDITION",
                                                 "ABORTED",
                                                 "OUT_OF_RANGE",
                                                 "UNIMPLEMENTED",
                                                 "INTERNAL",
                                                 "UNAVAILABLE",
                                                 "DATA_LOSS",
                                                 "UNAUTHENTICATED"};
  return code >= 0 && code < kCodes ? kNames[code] : "UNKNOWN";
}

// "/ahpl.v1.CatalogueService/ListQuestions" as service and method.
std::pair<std::string, std::string> SplitMethod(absl::string_view full) {
  if (!full.empty() && full.front() == '/') full.remove_prefix(1);
  const size_t slash = full.find('/');
  if (slash == absl::string_view::npos) return {std::string(full), ""};
  return {std::string(full.substr(0, slash)), std::string(full.substr(slash + 1))};
}

prometheus::MetricFamily GaugeFamily(std::string name, std::string help) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

// A counter family of one unlabelled series, read at scrape time.
prometheus::MetricFamily CounterFamily(std::string name, std::string help, double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Counter;
  prometheus::ClientMetric metric;
  metric.counter.value = value;
  family.metric.push_back(std::move(metric));
  return family;
}

void AddGauge(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels,
              double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

struct ServerMetrics::Method {
  prometheus::Labels labels;  // grpc_service, grpc_method
  prometheus::Counter* started = nullptr;
  prometheus::Gauge* in_flight = nullptr;
  std::array<std::atomic<prometheus::Counter*>, kCodes> handled{};
  std::array<std::atomic<prometheus::Histogram*>, kCodes> latency{};
};

// What is read from elsewhere at each scrape: pools and the server's
// connection counts.
class ScrapeTimeReadings : public prometheus::Collectable {
 public:
  void WatchPool(std::string name, const PgPool* pool) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    pools_.emplace_back(std::move(name), pool);
  }
  void StopWatching() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    pools_.clear();
    server_ = nullptr;
  }
  void WatchServer(std::function<ServerMetrics::Reading()> read) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    server_ = std::move(read);
  }

  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    std::vector<prometheus::MetricFamily> families;
    if (!pools_.empty()) {
      auto size =
          GaugeFamily("ahpl_db_pool_max_connections", "Connections the database pool may open.");
      auto open = GaugeFamily("ahpl_db_pool_open_connections",
                              "Connections of the database pool open now, idle or in use.");
      auto in_use = GaugeFamily("ahpl_db_pool_in_use_connections",
                                "Connections of the database pool leased to a call now.");
      auto waiting = GaugeFamily("ahpl_db_pool_waiting_calls",
                                 "Calls waiting for a connection of the database pool now.");
      for (const auto& [name, pool] : pools_) {
        const PgPool::Usage usage = pool->usage();
        AddGauge(size, {{"pool", name}}, static_cast<double>(usage.size));
        AddGauge(open, {{"pool", name}}, static_cast<double>(usage.open));
        AddGauge(in_use, {{"pool", name}}, static_cast<double>(usage.in_use));
        AddGauge(waiting, {{"pool", name}}, static_cast<double>(usage.waiting));
      }
      families.push_back(std::move(size));
      families.push_back(std::move(open));
      families.push_back(std::move(in_use));
      families.push_back(std::move(waiting));
    }
    if (server_) {
      const ServerMetrics::Reading reading = server_();
      auto open = GaugeFamily("ahpl_connections_open", "Client connections open now.");
      AddGauge(open, {}, static_cast<double>(reading.connections_open));
      families.push_back(std::move(open));
      families.push_back(CounterFamily("ahpl_connections_accepted_total",
                                       "Client connections accepted and handed to gRPC.",
                                       static_cast<double>(reading.connections_accepted)));
      families.push_back(CounterFamily(
          "ahpl_connections_refused_total",
          "Client connections closed as accepted (at max_connections or short of descriptors).",
          static_cast<double>(reading.connections_refused)));
      auto queued =
          GaugeFamily("ahpl_requests_queued", "Calls waiting for a worker (database work) now.");
      AddGauge(queued, {}, static_cast<double>(reading.requests_queued));
      families.push_back(std::move(queued));
    }
    families.push_back(CounterFamily("ahpl_log_lines_dropped_total",
                                     "Log lines dropped because standard error could not keep up.",
                                     static_cast<double>(DroppedLogLines())));
    return families;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<std::string, const PgPool*>> pools_ ABSL_GUARDED_BY(mu_);
  std::function<ServerMetrics::Reading()> server_ ABSL_GUARDED_BY(mu_);
};

struct ServerMetrics::State {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<ScrapeTimeReadings> readings = std::make_shared<ScrapeTimeReadings>();
  prometheus::Family<prometheus::Counter>* started = nullptr;
  prometheus::Family<prometheus::Counter>* handled = nullptr;
  prometheus::Family<prometheus::Histogram>* latency = nullptr;
  prometheus::Family<prometheus::Gauge>* in_flight = nullptr;
  prometheus::Counter* import_accepted = nullptr;
  prometheus::Counter* import_rejected = nullptr;
  prometheus::Family<prometheus::Counter>* token_checks = nullptr;
  prometheus::Family<prometheus::Histogram>* pool_wait = nullptr;

  absl::Mutex mu;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, prometheus::Histogram*> pool_waits ABSL_GUARDED_BY(mu);
};

ServerMetrics::ServerMetrics(absl::string_view version) : state_(std::make_unique<State>()) {
  prometheus::Registry& r = *state_->registry;
  state_->started = &prometheus::BuildCounter()
                         .Name("ahpl_grpc_server_started_total")
                         .Help("Calls started, by service and method.")
                         .Register(r);
  state_->handled = &prometheus::BuildCounter()
                         .Name("ahpl_grpc_server_handled_total")
                         .Help("Calls finished, by service, method and status code.")
                         .Register(r);
  state_->latency = &prometheus::BuildHistogram()
                         .Name("ahpl_grpc_server_handling_seconds")
                         .Help(
                             "Time from a call's start to its status, by service, method and "
                             "status code.")
                         .Register(r);
  state_->in_flight = &prometheus::BuildGauge()
                           .Name("ahpl_grpc_server_in_flight")
                           .Help("Calls started and not yet finished, by service and method.")
                           .Register(r);
  auto& import_items = prometheus::BuildCounter()
                           .Name("ahpl_import_items_total")
                           .Help("Items of import streams, by result (accepted or rejected).")
                           .Register(r);
  state_->import_accepted = &import_items.Add({{"result", "accepted"}});
  state_->import_rejected = &import_items.Add({{"result", "rejected"}});
  state_->token_checks = &prometheus::BuildCounter()
                              .Name("ahpl_token_checks_total")
                              .Help(
                                  "Callers' tokens checked, by where the answer came from "
                                  "(cache or database) and the answer's status code.")
                              .Register(r);
  state_->pool_wait = &prometheus::BuildHistogram()
                           .Name("ahpl_db_pool_wait_seconds")
                           .Help("Time calls waited for a database connection, by pool.")
                           .Register(r);
  prometheus::BuildGauge()
      .Name("ahpl_build_info")
      .Help("The build serving: 1, labelled with its version.")
      .Register(r)
      .Add({{"version", std::string(version)}, {"grpc_version", grpc::Version()}})
      .Set(1);
}

ServerMetrics::~ServerMetrics() = default;

ServerMetrics::Method* ServerMetrics::ForMethod(absl::string_view method) {
  State& s = *state_;
  {
    absl::ReaderMutexLock lock(&s.mu);
    if (auto it = s.methods.find(method); it != s.methods.end()) return it->second.get();
  }
  absl::MutexLock lock(&s.mu);
  auto& slot = s.methods[method];
  if (slot == nullptr) {
    slot = std::make_unique<Method>();
    auto [service, name] = SplitMethod(method);
    slot->labels = {{"grpc_service", service}, {"grpc_method", name}};
    slot->started = &s.started->Add(slot->labels);
    slot->in_flight = &s.in_flight->Add(slot->labels);
  }
  return slot.get();
}

void ServerMetrics::CallStarted(Method* method) {
  method->started->Increment();
  method->in_flight->Increment();
}

void ServerMetrics::CallFinished(Method* method, grpc::StatusCode code, absl::Duration elapsed) {
  method->in_flight->Decrement();
  const int index = static_cast<int>(code) >= 0 && static_cast<int>(code) < kCodes
                        ? static_cast<int>(code)
                        : static_cast<int>(grpc::StatusCode::UNKNOWN);
  prometheus::Counter* handled = method->handled[index].load(std::memory_order_acquire);
  prometheus::Histogram* latency = method->latency[index].load(std::memory_order_acquire);
  if (handled == nullptr || latency == nullptr) {
    // Family::Add is thread-safe and gives every caller the same series.
    prometheus::Labels labels = method->labels;
    labels.emplace("grpc_code", CodeName(index));
    handled = &state_->handled->Add(labels);
    latency = &state_->latency->Add(labels, LatencyBuckets());
    method->handled[index].store(handled, std::memory_order_release);
    method->latency[index].store(latency, std::memory_order_release);
  }
  handled->Increment();
  latency->Observe(absl::ToDoubleSeconds(elapsed));
}

void ServerMetrics::CountImportItems(int64_t accepted, int64_t rejected) {
  if (accepted > 0) state_->import_accepted->Increment(static_cast<double>(accepted));
  if (rejected > 0) state_->import_rejected->Increment(static_cast<double>(rejected));
}

void ServerMetrics::CountTokenCheck(TokenCheckSource source, absl::StatusCode code) {
  const int index = static_cast<int>(code);
  state_->token_checks
      ->Add({{"source", source == TokenCheckSource::kCache ? "cache" : "database"},
             {"code", CodeName(index)}})
      .Increment();
}

void ServerMetrics::ObservePoolWait(absl::string_view pool, absl::Duration waited) {
  State& s = *state_;
  prometheus::Histogram* histogram = nullptr;
  {
    absl::ReaderMutexLock lock(&s.mu);
    if (auto it = s.pool_waits.find(pool); it != s.pool_waits.end()) histogram = it->second;
  }
  if (histogram == nullptr) {
    absl::MutexLock lock(&s.mu);
    auto& slot = s.pool_waits[pool];
    if (slot == nullptr) slot = &s.pool_wait->Add({{"pool", std::string(pool)}}, WaitBuckets());
    histogram = slot;
  }
  histogram->Observe(absl::ToDoubleSeconds(waited));
}

void ServerMetrics::WatchPool(std::string name, const PgPool* pool) {
  state_->readings->WatchPool(std::move(name), pool);
}

void ServerMetrics::StopWatching() { state_->readings->StopWatching(); }

void ServerMetrics::WatchServer(std::function<Reading()> read) {
  state_->readings->WatchServer(std::move(read));
}

std::string ServerMetrics::Scrape() const {
  std::vector<prometheus::MetricFamily> families = state_->registry->Collect();
  for (auto& family : state_->readings->Collect()) families.push_back(std::move(family));
  return prometheus::TextSerializer().Serialize(families);
}

struct MetricsEndpoint::Exposer {
  std::unique_ptr<prometheus::Exposer> exposer;
};

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(const std::string& address,
                                                                        ServerMetrics& metrics) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->exposer_ = std::make_unique<Exposer>();
  try {
    // civetweb binds with SO_REUSEADDR only: a port in use fails here.
    endpoint->exposer_->exposer = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", address, "num_threads", "2"});
  } catch (const std::exception&) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": the port is in use or not ours"));
  }
  endpoint->exposer_->exposer->RegisterCollectable(metrics.state_->registry);
  endpoint->exposer_->exposer->RegisterCollectable(metrics.state_->readings);
  const std::vector<int> ports = endpoint->exposer_->exposer->GetListeningPorts();
  endpoint->port_ = ports.empty() ? 0 : ports.front();
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace ahpl
