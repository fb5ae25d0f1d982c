#include "sdk/cli/report_commands.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "ahpl/sdk/classification_client.h"
#include "ahpl/sdk/regional_aggregator.h"
#include "sdk/cli/command_support.h"
#include "sdk/cli/report.h"
#include "sdk/cli/season_text.h"

namespace ahpl::cli {
namespace {

int WriteOut(const std::string& html, const std::string& output) {
  if (output.empty()) {
    std::cout << html;
    return kExitOk;
  }
  std::ofstream out(output);
  if (!out) return ReportError(absl::PermissionDeniedError(absl::StrCat("cannot write ", output)));
  out << html;
  std::cerr << "wrote " << output << "\n";
  return kExitOk;
}

int TrustReportCommand(const RunSettings& settings, const std::string& name,
                       const std::string& output, const std::string& basis_word) {
  auto basis = BasisFromWord(basis_word);
  if (!basis.ok()) {
    std::cerr << "ahpl: " << basis.status().message() << "\n";
    return kExitUsage;
  }
  sdk::AssessmentClient assessment(settings.client_options());
  auto benchmark = assessment.Benchmark(name, 0, *basis);
  if (!benchmark.ok()) return ReportError(benchmark.status());
  const auto& ret = benchmark->assessment_return();
  v1::EvaluateReturnRequest request;
  request.set_edition_id(ret.edition_id());
  *request.mutable_arrangement() = ret.arrangement();
  for (const auto& a : ret.answers()) {
    if (a.rating() == 0) continue;
    auto* r = request.add_answers();
    r->set_question_id(a.question_id());
    r->set_rating(a.rating());
  }
  sdk::ClassificationClient classification(settings.client_options());
  auto evaluation = classification.Evaluate(request);
  if (!evaluation.ok()) return ReportError(evaluation.status());
  sdk::CatalogueClient catalogue(settings.client_options());
  auto edition = catalogue.GetEdition(ret.edition_id());
  if (!edition.ok()) return ReportError(edition.status());
  return WriteOut(TrustReport(*benchmark, *evaluation, *edition), output);
}

int RegionalReportCommand(const RunSettings& settings, const std::string& cycle,
                          const EndpointFlags& servers, int suppress_below,
                          const std::string& output, const std::string& basis_word) {
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
  auto aggregate = aggregator.Summarize(cycle, suppress_below, *basis);
  if (!aggregate.ok()) return ReportError(aggregate.status());
  auto not_returned = aggregator.NonResponders(cycle);
  if (!not_returned.ok()) return ReportError(not_returned.status());
  v1::SummarizeReturnsResponse summary;
  for (const auto& r : aggregate->regions) *summary.add_regions() = r;
  *summary.mutable_total() = aggregate->national;
  sdk::CatalogueClient catalogue(settings.client_options());
  auto edition = catalogue.GetEdition();
  if (!edition.ok()) return ReportError(edition.status());
  return WriteOut(RegionalReport(summary, *not_returned, *edition), output);
}

}  // namespace

void AddReportCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto name = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto cycle = std::make_shared<std::string>("2018-19");
  auto servers = std::make_shared<EndpointFlags>();
  auto suppress = std::make_shared<int>(0);
  auto* report = app.add_subcommand("report", "Self-contained HTML reports");
  report->require_subcommand(1);
  auto* trust_report = report->add_subcommand("trust", "A board report for one trust's return");
  trust_report->add_option("name", *name, "returns/{id}")->required();
  trust_report->add_option("--output", *output, "HTML file to write (default: standard output)");
  auto basis = std::make_shared<std::string>("trust");
  const std::string basis_help =
      "Count each trust's counting return (trust) or every submitted return (return)";
  trust_report->add_option("--basis", *basis, basis_help)
      ->check(CLI::IsMember({"trust", "return"}))
      ->capture_default_str();
  trust_report->callback([&, name, output, basis] {
    exit_code = TrustReportCommand(settings, *name, *output, *basis);
  });
  auto* region_report =
      report->add_subcommand("regions", "A report of a cycle by region, with charts");
  region_report->add_option("--cycle", *cycle, "Cycle")->capture_default_str();
  servers->AddTo(region_report);
  region_report
      ->add_option("--suppress-below", *suppress,
                   "Raise the servers' disclosure threshold (it can never be lowered)")
      ->capture_default_str();
  region_report->add_option("--output", *output, "HTML file to write (default: standard output)");
  region_report->add_option("--basis", *basis, basis_help)
      ->check(CLI::IsMember({"trust", "return"}))
      ->capture_default_str();
  region_report->callback([&, cycle, servers, suppress, output, basis] {
    exit_code = RegionalReportCommand(settings, *cycle, *servers, *suppress, *output, *basis);
  });
}

}  // namespace ahpl::cli
