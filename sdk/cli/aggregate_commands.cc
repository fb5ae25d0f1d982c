#include "sdk/cli/aggregate_commands.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/regional_aggregator.h"
#include "core/disclosure.h"
#include "sdk/cli/command_support.h"
#include "sdk/cli/season_text.h"

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
  t.AddRow({region, "basis", "", BasisWords(s.basis())});
  t.AddRow({region, "figures", "", FinalityWord(s)});
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

// How a summary was counted, for a heading: "per trust, provisional".
std::string Counted(const v1::ReturnSummary& s) {
  return absl::StrCat(BasisWords(s.basis()), ", ", FinalityWord(s));
}

int Aggregate(const RunSettings& settings, const std::string& cycle, const EndpointFlags& servers,
              int suppress_below, const std::string& csv_path, const std::string& compare_with,
              const std::string& basis_word) {
  auto basis = BasisFromWord(basis_word);
  if (!basis.ok()) {
    std::cerr << "ahpl: " << basis.status().message() << "\n";
    return kExitUsage;
  }
  auto endpoints = Endpoints(servers, settings);
  if (!endpoints.ok()) {
    std::cerr << "ahpl: " << endpoints.status().message() << "\n";
    return kExitUsage;
  }
  sdk::RegionalAggregator aggregator(settings.options_for_other_targets(), std::move(*endpoints));
  Table t({"region", "measure", "key", "count"});
  if (!compare_with.empty()) {
    auto comparison = aggregator.Compare(compare_with, cycle, *basis);
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
    std::cout << "Change from " << compare_with << " to " << cycle << " ("
              << Counted(comparison->national) << "):\n";
    c.Print(settings.output_format() == Format::kCsv ? Format::kCsv : Format::kTable, std::cout);
    return kExitOk;
  }
  auto aggregate = aggregator.Summarize(cycle, suppress_below, *basis);
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
    std::cout << "Cycle " << cycle << ", " << Counted(aggregate->national) << " (counts below "
              << aggregate->national.suppress_below()
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

// One trust's return beside its region and England: the overview figures,
// then each distribution with the trust's own place marked.
int Benchmark(const RunSettings& settings, const std::string& name, const std::string& basis_word,
              int suppress_below) {
  auto basis = BasisFromWord(basis_word);
  if (!basis.ok()) {
    std::cerr << "ahpl: " << basis.status().message() << "\n";
    return kExitUsage;
  }
  sdk::AssessmentClient client(settings.client_options());
  auto benchmark = client.Benchmark(name, suppress_below, *basis);
  if (!benchmark.ok()) return ReportError(benchmark.status());
  const Format format = settings.output_format();
  if (format == Format::kJson) {
    PrintJson(*benchmark, std::cout);
    return kExitOk;
  }
  const auto& ret = benchmark->assessment_return();
  const auto& region = benchmark->region();
  const auto& england = benchmark->england();
  const std::string trust = ret.trust_ods_code();
  const std::string region_column = absl::StrCat("region ", benchmark->region_code());
  Table t({"measure", "key", trust, region_column, "England"});
  auto scalar = [&](const std::string& measure, const std::string& r, const std::string& e) {
    t.AddRow({measure, "", "", r, e});
  };
  scalar("returns", Shown(region, "returns", std::to_string(region.returns())),
         Shown(england, "returns", std::to_string(england.returns())));
  scalar("trusts_responding",
         Shown(region, "trusts_responding", std::to_string(region.trusts_responding())),
         Shown(england, "trusts_responding", std::to_string(england.trusts_responding())));
  scalar("response_rate_percent",
         Shown(region, "response_rate_percent",
               absl::StrFormat("%.1f", region.response_rate_percent())),
         Shown(england, "response_rate_percent",
               absl::StrFormat("%.1f", england.response_rate_percent())));
  scalar("share_at_8c_or_above_percent",
         Shown(region, "share_at_8c_or_above_percent",
               absl::StrFormat("%.1f", region.share_at_8c_or_above_percent())),
         Shown(england, "share_at_8c_or_above_percent",
               absl::StrFormat("%.1f", england.share_at_8c_or_above_percent())));
  // A distribution: every key England has, the trust's own marked.
  auto distribution = [&](const std::string& measure, const std::string& own,
                          const google::protobuf::RepeatedPtrField<v1::Count>& in_region,
                          const google::protobuf::RepeatedPtrField<v1::Count>& in_england) {
    for (const auto& e : in_england) {
      std::string r = "0";
      for (const auto& c : in_region) {
        if (c.key() == e.key()) r = c.suppressed() ? "suppressed" : std::to_string(c.count());
      }
      t.AddRow({measure, e.key(), e.key() == own ? "this trust" : "", r,
                e.suppressed() ? "suppressed" : std::to_string(e.count())});
    }
  };
  const std::string own_typology =
      ret.has_classification() ? v1::Typology_Name(ret.classification().typology()) : "";
  const std::string own_band = ret.arrangement().has_senior_ahp_leader()
                                   ? v1::Band_Name(ret.arrangement().senior_leader().band())
                                   : "NO_POST";
  distribution("typology", own_typology, region.typology(), england.typology());
  distribution("band", own_band, region.bands(), england.bands());
  for (const auto& q : england.questions()) {
    std::string own_rating;
    for (const auto& a : ret.answers()) {
      if (a.question_id() == q.question_id() && a.rating() != 0) {
        own_rating = std::to_string(a.rating());
      }
    }
    google::protobuf::RepeatedPtrField<v1::Count> none;
    const google::protobuf::RepeatedPtrField<v1::Count>* in_region = &none;
    for (const auto& rq : region.questions()) {
      if (rq.question_id() == q.question_id()) in_region = &rq.ratings();
    }
    distribution("rating:" + q.question_id(), own_rating, *in_region, q.ratings());
  }
  if (format == Format::kTable) {
    std::cout << "Return " << ret.name() << " (" << trust << ", " << ret.cycle() << ") beside "
              << region_column << " and England, " << Counted(england) << " (counts below "
              << england.suppress_below() << " suppressed, and enough others that they stay so)\n";
  }
  t.Print(format, std::cout);
  return kExitOk;
}

}  // namespace

void AddAggregateCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto cycle = std::make_shared<std::string>("2018-19");
  auto servers = std::make_shared<EndpointFlags>();
  auto suppress = std::make_shared<int>(0);
  auto csv = std::make_shared<std::string>();
  auto compare = std::make_shared<std::string>();
  auto* aggregate =
      app.add_subcommand("aggregate", "Summarise a cycle by region, across endpoints");
  aggregate->add_option("--cycle", *cycle, "Cycle")->capture_default_str();
  servers->AddTo(aggregate);
  aggregate
      ->add_option("--suppress-below", *suppress,
                   "Raise the servers' disclosure threshold (it can never be lowered)")
      ->capture_default_str();
  aggregate->add_option("--csv", *csv, "Also write the full summary as CSV to this file");
  aggregate->add_option("--compare-with", *compare, "An earlier cycle to compare with");
  auto basis = std::make_shared<std::string>("trust");
  aggregate
      ->add_option("--basis", *basis,
                   "Count each trust's counting return (trust) or every submitted return (return)")
      ->check(CLI::IsMember({"trust", "return"}))
      ->capture_default_str();
  aggregate->callback([&, cycle, servers, suppress, csv, compare, basis] {
    exit_code = Aggregate(settings, *cycle, *servers, *suppress, *csv, *compare, *basis);
  });

  auto name = std::make_shared<std::string>();
  auto* benchmark =
      app.add_subcommand("benchmark", "A trust's return beside its region and England");
  benchmark->add_option("name", *name, "returns/{id}")->required();
  benchmark
      ->add_option("--basis", *basis,
                   "Count each trust's counting return (trust) or every submitted return (return)")
      ->check(CLI::IsMember({"trust", "return"}))
      ->capture_default_str();
  benchmark
      ->add_option("--suppress-below", *suppress,
                   "Raise the server's disclosure threshold (it can never be lowered)")
      ->capture_default_str();
  benchmark->callback(
      [&, name, basis, suppress] { exit_code = Benchmark(settings, *name, *basis, *suppress); });
}

}  // namespace ahpl::cli
