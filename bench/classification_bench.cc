// Classification throughput against the same server's health check, the
// streaming batch rate, and the cost of observing calls (metrics and the
// access log against the same server with both off). Prints both sides of
// each comparison; needs
// AHPL_TEST_DATABASE_URL (bench/run.sh starts a throwaway PostgreSQL).
#include <fcntl.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>

#include "ahpl/v1/classification.grpc.pb.h"
#include "bench/load.h"
#include "bench/rate_reporter.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/classification/classifier.h"
#include "services/common/log.h"
#include "tests/classification/fixtures.h"
#include "tests/support/test_server.h"

namespace ahpl::bench {
namespace {

testing::TestServer& Server() {
  static auto* server = new testing::TestServer("classification");
  return *server;
}

std::shared_ptr<grpc::Channel> Channel() {
  static auto channel = Server().channel();
  return channel;
}

// The same service with metrics and the access log off.
std::shared_ptr<grpc::Channel> UnobservedChannel() {
  static auto* server = new testing::TestServer(
      "classification", 4, [](HostOptions& options, const testing::TestDatabase&) {
        options.observability.metrics = false;
        options.observability.access_log = false;
      });
  static auto channel = server->channel();
  return channel;
}

// The arrangements a batch cycles through: every Table 1 row and findings.
std::vector<v1::LeadershipArrangement> Mix() {
  using classification::testing::NoPost;
  using classification::testing::StrategicLead;
  std::vector<v1::LeadershipArrangement> mix;
  mix.push_back(StrategicLead());
  mix.push_back(NoPost());
  auto partial = StrategicLead();
  partial.mutable_senior_leader()->mutable_professions_led()->RemoveLast();
  partial.mutable_senior_leader()->set_band(v1::BAND_8C);
  partial.mutable_senior_leader()->add_remits(v1::REMIT_OPERATIONAL);
  mix.push_back(partial);
  auto part_time = StrategicLead();
  part_time.mutable_senior_leader()->set_whole_time_equivalent(0.5);
  part_time.mutable_senior_leader()->set_board_relationship(v1::BOARD_RELATIONSHIP_VARIED);
  mix.push_back(part_time);
  return mix;
}

double Rate(int64_t calls, std::chrono::steady_clock::time_point start) {
  return calls / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Health checks per second at `in_flight`.
double HealthCheckRate(int in_flight, int64_t calls) {
  auto stub = grpc::health::v1::Health::NewStub(Channel());
  grpc::health::v1::HealthCheckRequest request;
  const auto start = std::chrono::steady_clock::now();
  {
    const int64_t failures = RunClosedLoop(in_flight, calls, [&](auto done) {
      auto* context = new grpc::ClientContext();
      auto* response = new grpc::health::v1::HealthCheckResponse();
      stub->async()->Check(context, &request, response, [=](grpc::Status s) {
        const bool ok =
            s.ok() && response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
        delete response;
        delete context;
        done(ok);
      });
    });
    if (failures > 0)
      std::fprintf(stderr, "%lld health checks failed\n", static_cast<long long>(failures));
  }
  return Rate(calls, start);
}

// Unary classifications per second at `in_flight`, answered in `view`.
double ClassifyRate(int in_flight, int64_t calls, v1::ClassificationView view,
                    const std::shared_ptr<grpc::Channel>& channel = Channel()) {
  auto stub = v1::ClassificationService::NewStub(channel);
  const auto mix = Mix();
  std::vector<v1::ClassifyArrangementRequest> requests(mix.size());
  for (size_t i = 0; i < mix.size(); ++i) {
    *requests[i].mutable_arrangement() = mix[i];
    requests[i].set_view(view);
  }
  std::atomic<uint64_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  {
    const int64_t failures = RunClosedLoop(in_flight, calls, [&](auto done) {
      auto* context = new grpc::ClientContext();
      auto* response = new v1::ClassifyArrangementResponse();
      const auto& request = requests[next++ % requests.size()];
      stub->async()->ClassifyArrangement(context, &request, response, [=](grpc::Status s) {
        const bool ok = s.ok() && response->classification().typology() != v1::TYPOLOGY_UNSPECIFIED;
        delete response;
        delete context;
        done(ok);
      });
    });
    if (failures > 0)
      std::fprintf(stderr, "%lld classifications failed\n", static_cast<long long>(failures));
  }
  return Rate(calls, start);
}

void BM_ClassifyStream(benchmark::State& state) {
  auto stub = v1::ClassificationService::NewStub(Channel());
  const int chunk = static_cast<int>(state.range(0));
  constexpr int64_t kPerIteration = 200000;
  const auto mix = Mix();
  v1::ClassifyArrangementsRequest request;
  for (int i = 0; i < chunk; ++i) *request.add_arrangements() = mix[i % mix.size()];
  const int64_t chunks = kPerIteration / chunk;
  for (auto _ : state) {
    grpc::ClientContext context;
    auto stream = stub->ClassifyArrangements(&context);
    std::thread writer([&] {
      for (int64_t i = 0; i < chunks; ++i) {
        if (!stream->Write(request)) break;
      }
      stream->WritesDone();
    });
    v1::ClassifyArrangementsResponse response;
    int64_t results = 0;
    while (stream->Read(&response)) results += response.results_size();
    writer.join();
    if (!stream->Finish().ok() || results != chunks * chunk) state.SkipWithError("stream failed");
  }
  state.SetItemsProcessed(state.iterations() * chunks * chunk);
}

BENCHMARK(BM_ClassifyStream)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2);

// What a unary call's own work costs, in process and on one thread: parse
// the request, classify, build and serialize the answer, parse it again (as
// the client does). Arg: the view.
void BM_UnaryWorkInProcess(benchmark::State& state) {
  const auto view = static_cast<v1::ClassificationView>(state.range(0));
  const auto rules = classification::testing::ShippedRules();
  const auto mix = Mix();
  std::vector<std::string> requests;
  for (const auto& a : mix) {
    v1::ClassifyArrangementRequest request;
    *request.mutable_arrangement() = a;
    request.set_view(view);
    requests.push_back(request.SerializeAsString());
  }
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    v1::ClassifyArrangementRequest request;
    request.ParseFromString(requests[i++ % requests.size()]);
    auto classified = classification::Classify(*rules, request.arrangement(), request.view());
    v1::ClassifyArrangementResponse response;
    *response.mutable_classification() = std::move(classified->classification);
    for (auto& f : classified->findings) *response.add_findings() = std::move(f);
    const std::string wire = response.SerializeAsString();
    bytes += wire.size();
    v1::ClassifyArrangementResponse parsed;
    parsed.ParseFromString(wire);
    benchmark::DoNotOptimize(parsed);
  }
  state.counters["answer_bytes"] =
      benchmark::Counter(static_cast<double>(bytes) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_UnaryWorkInProcess)
    ->Arg(v1::CLASSIFICATION_VIEW_FULL)
    ->Arg(v1::CLASSIFICATION_VIEW_BASIC)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ahpl::bench

int main(int argc, char** argv) {
  ahpl::PrepareServingProcess();  // as ahpl-server does
  // The access log goes to a file, as a server's standard error would be
  // kept, rather than to the terminal.
  const std::string log_path =
      "/tmp/ahpl-classification-bench-" + std::to_string(getpid()) + ".log";
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ahpl::SetLogOutput([log_fd](absl::string_view lines) {
    if (write(log_fd, lines.data(), lines.size()) < 0) std::perror("bench log");
  });
  benchmark::Initialize(&argc, argv);
  ahpl::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // The unary comparison runs interleaved rounds, health check then
  // classification, and reports every round and the median ratio: on a
  // shared two-core machine one round of either swings widely.
  // Both views are measured: the full answer (the default, for people and
  // reports) and the basic one (what a service storing the outcome asks for,
  // as the assessment service does at submission).
  constexpr int kRounds = 7;
  constexpr int64_t kCalls = 40000;
  std::vector<double> full_ratios, basic_ratios;
  std::printf("\n");
  for (int round = 1; round <= kRounds; ++round) {
    const double health = ahpl::bench::HealthCheckRate(32, kCalls);
    const double full = ahpl::bench::ClassifyRate(32, kCalls, ahpl::v1::CLASSIFICATION_VIEW_FULL);
    const double basic = ahpl::bench::ClassifyRate(32, kCalls, ahpl::v1::CLASSIFICATION_VIEW_BASIC);
    full_ratios.push_back(full / health);
    basic_ratios.push_back(basic / health);
    std::printf(
        "round %d at 32 in flight: health check %.0f calls/s, classification full view "
        "%.0f calls/s (ratio %.2f), basic view %.0f calls/s (ratio %.2f)\n",
        round, health, full, full / health, basic, basic / health);
  }
  std::sort(full_ratios.begin(), full_ratios.end());
  std::sort(basic_ratios.begin(), basic_ratios.end());
  const double stream = reporter.rates["BM_ClassifyStream"];
  std::printf(
      "median ratio classification / health check: full view %.2f, basic view %.2f "
      "(target >= 0.90)\n",
      full_ratios[full_ratios.size() / 2], basic_ratios[basic_ratios.size() / 2]);
  std::printf("streaming batch classification: %.0f arrangements/s (target >= 100000)\n", stream);

  // Metrics and the access log on against the same server with both off,
  // in interleaved rounds (the median ratio is the result).
  std::vector<double> observed_ratios;
  for (int round = 1; round <= kRounds; ++round) {
    const double off = ahpl::bench::ClassifyRate(32, kCalls, ahpl::v1::CLASSIFICATION_VIEW_FULL,
                                                 ahpl::bench::UnobservedChannel());
    const double on = ahpl::bench::ClassifyRate(32, kCalls, ahpl::v1::CLASSIFICATION_VIEW_FULL);
    observed_ratios.push_back(on / off);
    std::printf(
        "round %d at 32 in flight: classification with metrics and access log %.0f calls/s, "
        "without %.0f calls/s (ratio %.3f)\n",
        round, on, off, on / off);
  }
  std::sort(observed_ratios.begin(), observed_ratios.end());
  std::printf("median ratio observed / unobserved: %.3f (target >= 0.95)\n",
              observed_ratios[observed_ratios.size() / 2]);
  ahpl::FlushLogs();
  close(log_fd);
  std::remove(log_path.c_str());
  benchmark::Shutdown();
  return 0;
}
