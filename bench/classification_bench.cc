// Classification throughput against the same server's health check, and
// the streaming batch rate. Prints both sides of each comparison; needs
// AHPL_TEST_DATABASE_URL (bench/run.sh starts a throwaway PostgreSQL).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <thread>

#include "ahpl/v1/classification.grpc.pb.h"
#include "bench/load.h"
#include "bench/rate_reporter.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/classification/fixtures.h"
#include "tests/support/test_server.h"

namespace ahpl::bench {
namespace {

constexpr int64_t kCallsPerIteration = 4000;

testing::TestServer& Server() {
  static auto* server = new testing::TestServer("classification");
  return *server;
}

std::shared_ptr<grpc::Channel> Channel() {
  static auto channel = Server().channel();
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

void BM_HealthCheck(benchmark::State& state) {
  auto stub = grpc::health::v1::Health::NewStub(Channel());
  const int in_flight = static_cast<int>(state.range(0));
  grpc::health::v1::HealthCheckRequest request;
  for (auto _ : state) {
    const int64_t failures = RunClosedLoop(in_flight, kCallsPerIteration, [&](auto done) {
      auto* context = new grpc::ClientContext();
      auto* response = new grpc::health::v1::HealthCheckResponse();
      stub->async()->Check(context, &request, response, [=](grpc::Status s) {
        const bool ok = s.ok() && response->status() == grpc::health::v1::HealthCheckResponse::SERVING;
        delete response;
        delete context;
        done(ok);
      });
    });
    if (failures > 0) state.SkipWithError("health checks failed");
  }
  state.SetItemsProcessed(state.iterations() * kCallsPerIteration);
}

void BM_ClassifyUnary(benchmark::State& state) {
  auto stub = v1::ClassificationService::NewStub(Channel());
  const int in_flight = static_cast<int>(state.range(0));
  const auto mix = Mix();
  std::vector<v1::ClassifyArrangementRequest> requests(mix.size());
  for (size_t i = 0; i < mix.size(); ++i) *requests[i].mutable_arrangement() = mix[i];
  std::atomic<uint64_t> next{0};
  for (auto _ : state) {
    const int64_t failures = RunClosedLoop(in_flight, kCallsPerIteration, [&](auto done) {
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
    if (failures > 0) state.SkipWithError("classifications failed");
  }
  state.SetItemsProcessed(state.iterations() * kCallsPerIteration);
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

BENCHMARK(BM_HealthCheck)->Arg(32)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_ClassifyUnary)->Arg(32)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_ClassifyStream)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace ahpl::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ahpl::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto rate = [&](const char* name) { return reporter.rates[name]; };
  const double health = rate("BM_HealthCheck");
  const double unary = rate("BM_ClassifyUnary");
  const double stream = rate("BM_ClassifyStream");
  std::printf("\nclassification at 32 in flight: %.0f calls/s; health check: %.0f calls/s; "
              "ratio %.2f (target >= 0.90)\n",
              unary, health, health > 0 ? unary / health : 0.0);
  std::printf("streaming batch classification: %.0f arrangements/s (target >= 100000)\n", stream);
  benchmark::Shutdown();
  return 0;
}
