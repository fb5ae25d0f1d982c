// The work one hostile request costs, against its size: the edge limits,
// the wire diagnosis and the validations that run on what passes them.
// Each benchmark reports its complexity (Google Benchmark fits O(N)); a
// request of a million entries, refused at the edge, is the first case.
// Needs no database.
#include <benchmark/benchmark.h>

#include <string>

#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/classification.pb.h"
#include "core/arrangement.h"
#include "core/request_limits.h"
#include "core/wire_check.h"

namespace ahpl::bench {
namespace {

// A million-entry packed repeated enum: about 1 MB on the wire.
void BM_LimitsRefuseAHugeRepeatedField(benchmark::State& state) {
  v1::ClassifyArrangementRequest request;
  for (int64_t i = 0; i < state.range(0); ++i) {
    request.mutable_arrangement()->add_professions_employed(v1::PROFESSION_DIETITIAN);
  }
  for (auto _ : state) benchmark::DoNotOptimize(CheckRequestLimits(request));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_LimitsRefuseAHugeRepeatedField)
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Complexity();

// What the limits would otherwise have let through: validation with every
// entry a violation (repeated values) stays linear, its error bounded.
void BM_ValidateArrangementWithEveryEntryWrong(benchmark::State& state) {
  v1::LeadershipArrangement arrangement;
  arrangement.set_has_senior_ahp_leader(true);
  for (int64_t i = 0; i < state.range(0); ++i) {
    arrangement.mutable_senior_leader()->add_professions_led(v1::PROFESSION_DIETITIAN);
    arrangement.add_professions_employed(v1::PROFESSION_DIETITIAN);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(classification::ValidateArrangement(arrangement, true).ToStatus("x"));
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_ValidateArrangementWithEveryEntryWrong)
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Complexity();

// The wire diagnosis of a message whose last string is not valid UTF-8.
void BM_WireDiagnosis(benchmark::State& state) {
  v1::ImportReturnsRequest request;
  for (int64_t i = 0; i < state.range(0); ++i) {
    auto* item = request.add_items();
    item->set_request_id("item-" + std::to_string(i));
    item->mutable_assessment_return()->add_answers()->set_evidence("evidence");
  }
  request.add_items()->set_request_id("MARKER");
  std::string wire = request.SerializeAsString();
  wire.replace(wire.find("MARKER"), 6, "\xff\xff\xff\xff\xff\xff");
  for (auto _ : state) {
    benchmark::DoNotOptimize(FindWireProblem(*v1::ImportReturnsRequest::descriptor(), wire));
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_WireDiagnosis)->RangeMultiplier(10)->Range(100, 100000)->Complexity();

}  // namespace
}  // namespace ahpl::bench

BENCHMARK_MAIN();
