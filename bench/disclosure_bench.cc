// Disclosure control over a realistic national table: seven regions, the
// Table 1 rows, bands, board relationships, findings, twelve questions rated
// 1 to 4 and free-text titles, with returns spread at random. Small
// collections (the 2018 survey had 124 returns) hide many cells, so the
// exact audit has the most to do there. DiscloseCycle runs on every summary
// and benchmark request.
#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/disclosure.h"
#include "core/summary.h"

namespace ahpl::assessment {
namespace {

const std::vector<std::string> kRegions = {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"};

std::vector<v1::ReturnSummary> RandomCycle(int returns, unsigned seed) {
  std::mt19937 random(seed);
  const std::vector<std::string> typologies = {
      "TYPOLOGY_UNIPROFESSIONAL", "TYPOLOGY_UNIPROFESSIONAL_WITH_REPRESENTATION",
      "TYPOLOGY_PARTIAL_MULTIPROFESSIONAL", "TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL",
      "TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL"};
  const std::vector<std::string> bands = {"NO_POST", "BAND_8A", "BAND_8B",
                                          "BAND_8C", "BAND_8D", "BAND_9"};
  const std::vector<std::string> boards = {"BOARD_RELATIONSHIP_DIRECT", "BOARD_RELATIONSHIP_CLOSE",
                                           "BOARD_RELATIONSHIP_DISTANT"};
  const std::vector<std::string> findings = {"LEADER_BELOW_8C", "PART_TIME_SENIOR_POST",
                                             "NO_IDENTIFIABLE_LEADER", "NO_ROUTE_TO_BOARD",
                                             "POST_CLOSED_TO_SOME_PROFESSIONS"};
  std::map<std::string, v1::ReturnSummary> out;
  for (const auto& code : kRegions) {
    auto& s = out[code];
    s.set_region_code(code);
    s.set_cycle("2018-19");
    s.set_trusts_in_register(30);
  }
  for (int i = 0; i < returns; ++i) {
    auto& s = out[kRegions[random() % kRegions.size()]];
    s.set_returns(s.returns() + 1);
    s.set_trusts_responding(s.trusts_responding() + 1);
    AddCount(*s.mutable_typology(), typologies[random() % typologies.size()], 1);
    const std::string& band = bands[random() % bands.size()];
    AddCount(*s.mutable_bands(), band, 1);
    if (band != "NO_POST") {
      s.set_returns_with_leader(s.returns_with_leader() + 1);
      AddCount(*s.mutable_board_relationships(), boards[random() % boards.size()], 1);
      if (band == "BAND_8C" || band == "BAND_8D" || band == "BAND_9") {
        s.set_leaders_at_8c_or_above(s.leaders_at_8c_or_above() + 1);
      }
      s.set_returns_with_title(s.returns_with_title() + 1);
      AddCount(*s.mutable_leader_titles(), "title " + std::to_string(random() % 40), 1);
    }
    for (const auto& f : findings) {
      if (random() % 3 == 0) AddCount(*s.mutable_findings(), f, 1);
    }
    for (int q = 1; q <= 12; ++q) {
      const std::string id = "q" + std::to_string(q);
      AddCount(*QuestionRatingsOf(s, id).mutable_ratings(), std::to_string(1 + random() % 4), 1);
    }
  }
  std::vector<v1::ReturnSummary> regions;
  for (auto& [code, s] : out) regions.push_back(std::move(s));
  return regions;
}

void BM_DiscloseCycle(benchmark::State& state) {
  const auto regions = RandomCycle(static_cast<int>(state.range(0)), 2018);
  size_t hidden = 0;
  for (auto _ : state) {
    DisclosedTable table = DiscloseCycle(regions, "2018-19", kDefaultSuppressBelow);
    hidden = table.england.suppressed_cells_size();
    for (const auto& r : table.regions) hidden += r.suppressed_cells_size();
    benchmark::DoNotOptimize(table);
  }
  state.counters["hidden_cells"] = static_cast<double>(hidden);
}
// 40 returns: most regions below the threshold; 124: the 2018 survey;
// 1,000 and 20,000: larger collections with fewer small cells.
BENCHMARK(BM_DiscloseCycle)
    ->Arg(40)
    ->Arg(124)
    ->Arg(1000)
    ->Arg(20000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ahpl::assessment

BENCHMARK_MAIN();
