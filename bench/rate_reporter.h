// A console reporter that also keeps each benchmark's rate and time, so a
// benchmark's main can print comparisons after the run.
#ifndef AHPL_BENCH_RATE_REPORTER_H_
#define AHPL_BENCH_RATE_REPORTER_H_

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace ahpl::bench {

class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      const std::string name = run.run_name.function_name;
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates[name] = it->second;
      seconds[name] = run.GetAdjustedRealTime() / 1000.0;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // Items per second, by benchmark function name.
  std::map<std::string, double> rates;
  // Real time per iteration in seconds (benchmarks in milliseconds).
  std::map<std::string, double> seconds;
};

}  // namespace ahpl::bench

#endif  // AHPL_BENCH_RATE_REPORTER_H_
