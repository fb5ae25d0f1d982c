#include "sdk/cli/aggregate_commands.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ahpl/sdk/regional_aggregator.h"
#include "core/disclosure.h"
#include "sdk/cli/command_support.h"

namespace ahpl::cli {
namespace {

// A figure as shown: "suppressed" when disclosure control hid it.
std::string Shown(const v1::ReturnSummary& s, const std::string& path, const std::string& value) {
  return assessment::IsSuppressed(s, path) ? "suppressed" : value;
}

void AddCountRows(Table& t, const std::string& region, const std::string& measure,
                  const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  for (const auto& c : counts) {
    t.AddRow({region, measure, c.key(), c.suppressed() ? "suppressed" : std::to_string(c.count())});
  }
}

void AddSummaryRows(Table& t, const v1::ReturnSummary& s) {
  const std::string region = s.region_code().empty() ? "England" : s.region_code();
  t.AddRow({region, "trusts_in_register", "", std::to_string(s.trusts_in_register())});
  auto scalar = [&](const std::string& measure, const std::string& value) {
    t.AddRow({region, measure, "", Shown(s, measure, value)});
  };
  scalar("returns", std::to_string(s.returns()));
  scalar("trusts_responding", std::to_string(s.trusts_responding()));
  scalar("response_rate_percent", absl::StrCat(s.response_rate_percent()));
  scalar("returns_with_leader", std::to_string(s.returns_with_leader()));
  scalar("leaders_at_8c_or_above", std::to_string(s.leaders_at_8c_or_above()));
  scalar("share_at_8c_or_above_percent", absl::StrCat(s.share_at_8c_or_above_percent()));
  scalar("distinct_leader_titles", std::to_string(s.distinct_leader_titles()));
  scalar("returns_with_title", std::to_string(s.returns_with_title()));
  AddCountRows(t, region, "typology", s.typology());
  AddCountRows(t, region, "band", s.bands());
  AddCountRows(t, region, "board_relationship", s.board_relationships());
  AddCountRows(t, region, "finding", s.findings());
  for (const auto& q : s.questions())
    AddCountRows(t, region, "rating:" + q.question_id(), q.ratings());
}

int Aggregate(const RunSettings& settings, const std::string& cycle, const std::string& servers,
              int suppress_below, const std::string& csv_path, const std::string& compare_with) {
  std::vector<std::string> endpoints = Endpoints(servers, settings);
  sdk::RegionalAggregator aggregator(settings.options_for_other_targets(), std::move(endpoints));
  Table t({"region", "measure", "key", "count"});
  if (!compare_with.empty()) {
    auto comparison = aggregator.Compare(compare_with, cycle);
    if (!comparison.ok()) return ReportError(comparison.status());
    Table c({"region", "returns", "trusts_responding", "response_rate_points", "share_8c_points"});
    auto row = [&](const v1::ReturnSummary& d) {
      c.AddRow({d.region_code().empty() ? "England" : d.region_code(),
                Shown(d, "returns", absl::StrCat(d.returns())),
                Shown(d, "trusts_responding", absl::StrCat(d.trusts_responding())),
                Shown(d, "response_rate_percent", absl::StrCat(d.response_rate_percent())),
                Shown(d, "share_at_8c_or_above_percent",
                      absl::StrCat(d.share_at_8c_or_above_percent()))});
    };
    for (const auto& d : comparison->regions) row(d);
    row(comparison->national);
    std::cout << "Change from " << compare_with << " to " << cycle << ":\n";
    c.Print(settings.output_format() == Format::kCsv ? Format::kCsv : Format::kTable, std::cout);
    return kExitOk;
  }
  auto aggregate = aggregator.Summarize(cycle, suppress_below);
  if (!aggregate.ok()) return ReportError(aggregate.status());
  if (settings.output_format() == Format::kJson) {
    v1::SummarizeReturnsResponse all;
    for (const auto& r : aggregate->regions) *all.add_regions() = r;
    *all.mutable_total() = aggregate->national;
    PrintJson(all, std::cout);
  } else if (settings.output_format() == Format::kCsv) {
    for (const auto& r : aggregate->regions) AddSummaryRows(t, r);
    AddSummaryRows(t, aggregate->national);
    t.PrintCsv(std::cout);
  } else {
    // A region token sees its own region only: its total is not England's.
    const std::string total = aggregate->regions.size() == 1 ? "all shown" : "England";
    Table overview({"region", "trusts", "returns", "responding", "rate %", "8c+ %", "titles"});
    auto row = [&](const v1::ReturnSummary& s) {
      overview.AddRow(
          {s.region_code().empty() ? total : s.region_code(),
           std::to_string(s.trusts_in_register()), Shown(s, "returns", std::to_string(s.returns())),
           Shown(s, "trusts_responding", std::to_string(s.trusts_responding())),
           Shown(s, "response_rate_percent", absl::StrFormat("%.1f", s.response_rate_percent())),
           Shown(s, "share_at_8c_or_above_percent",
                 absl::StrFormat("%.1f", s.share_at_8c_or_above_percent())),
           absl::StrCat(
               Shown(s, "distinct_leader_titles", std::to_string(s.distinct_leader_titles())),
               " / ", Shown(s, "returns_with_title", std::to_string(s.returns_with_title())))});
    };
    for (const auto& r : aggregate->regions) row(r);
    row(aggregate->national);
    std::cout << "Cycle " << cycle << " (counts below " << aggregate->national.suppress_below()
              << " suppressed, and enough others that they stay so)\n";
    overview.PrintAligned(std::cout);
    Table typology({"typology", total});
    for (const auto& c : aggregate->national.typology())
      typology.AddRow({c.key(), c.suppressed() ? "suppressed" : std::to_string(c.count())});
    std::cout << "\n";
    typology.PrintAligned(std::cout);
    Table bands({"band", total});
    for (const auto& c : aggregate->national.bands())
      bands.AddRow({c.key(), c.suppressed() ? "suppressed" : std::to_string(c.count())});
    std::cout << "\n";
    bands.PrintAligned(std::cout);
  }
  if (!csv_path.empty()) {
    std::ofstream out(csv_path);
    if (!out)
      return ReportError(absl::PermissionDeniedError(absl::StrCat("cannot write ", csv_path)));
    Table all({"region", "measure", "key", "count"});
    for (const auto& r : aggregate->regions) AddSummaryRows(all, r);
    AddSummaryRows(all, aggregate->national);
    all.PrintCsv(out);
  }
  return kExitOk;
}

}  // namespace

void AddAggregateCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto cycle = std::make_shared<std::string>("2018-19");
  auto servers = std::make_shared<std::string>();
  auto suppress = std::make_shared<int>(0);
  auto csv = std::make_shared<std::string>();
  auto compare = std::make_shared<std::string>();
  auto* aggregate =
      app.add_subcommand("aggregate", "Summarise a cycle by region, across endpoints");
  aggregate->add_option("--cycle", *cycle, "Cycle")->capture_default_str();
  aggregate->add_option("--servers", *servers, "Comma-separated endpoints (default: --server)");
  aggregate
      ->add_option("--suppress-below", *suppress,
                   "Raise the servers' disclosure threshold (it can never be lowered)")
      ->capture_default_str();
  aggregate->add_option("--csv", *csv, "Also write the full summary as CSV to this file");
  aggregate->add_option("--compare-with", *compare, "An earlier cycle to compare with");
  aggregate->callback([&, cycle, servers, suppress, csv, compare] {
    exit_code = Aggregate(settings, *cycle, *servers, *suppress, *csv, *compare);
  });
}

}  // namespace ahpl::cli
