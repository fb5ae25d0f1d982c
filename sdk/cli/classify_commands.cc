#include "sdk/cli/classify_commands.h"

#include <iostream>
#include <memory>

#include "absl/strings/str_join.h"
#include "ahpl/sdk/classification_client.h"
#include "sdk/cli/command_support.h"

namespace ahpl::cli {
namespace {

int Classify(const RunSettings& settings, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto arrangement = ParseJson<v1::LeadershipArrangement>(*text, path);
  if (!arrangement.ok()) return ReportError(arrangement.status());
  sdk::ClassificationClient client(settings.client_options());
  auto result = client.Classify(*arrangement);
  if (absl::IsInvalidArgument(result.status())) {
    return ReportViolations(result.status(), path, *text, "arrangement.");
  }
  if (!result.ok()) return ReportError(result.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*result, std::cout);
    return kExitOk;
  }
  const auto& c = result->classification();
  std::cout << "Table 1: " << c.label() << "\n"
            << "  relationship with the board: " << c.board_relationship() << "\n"
            << "  band fit: " << v1::BandFit_Name(c.band_fit()) << "\n"
            << "  visibility/influence: " << c.visibility_influence()
            << "; communication: " << c.communication()
            << "; improvement: " << c.improvement_perception() << "; exemplars: " << c.exemplars()
            << "\nWhy:\n";
  for (const auto& r : c.reasons()) std::cout << "  - " << r.explanation() << "\n";
  if (result->findings_size() > 0) std::cout << "Findings:\n";
  for (const auto& f : result->findings()) {
    std::cout << "  " << v1::Severity_Name(f.severity()).substr(9) << " " << f.code() << ": "
              << f.explanation() << "\n";
  }
  std::cout << "(ruleset " << c.ruleset_version() << ")\n";
  return kExitOk;
}

int Evaluate(const RunSettings& settings, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto ret = ParseJson<v1::AssessmentReturn>(*text, path);
  if (!ret.ok()) return ReportError(ret.status());
  v1::EvaluateReturnRequest request;
  request.set_edition_id(ret->edition_id());
  *request.mutable_arrangement() = ret->arrangement();
  for (const auto& a : ret->answers()) {
    auto* r = request.add_answers();
    r->set_question_id(a.question_id());
    r->set_rating(a.rating());
  }
  sdk::ClassificationClient client(settings.client_options());
  auto result = client.Evaluate(request);
  if (absl::IsInvalidArgument(result.status())) {
    return ReportViolations(result.status(), path, *text, "");
  }
  if (!result.ok()) return ReportError(result.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*result, std::cout);
    return kExitOk;
  }
  std::cout << "Table 1: " << result->classification().label() << " (band fit "
            << v1::BandFit_Name(result->classification().band_fit()) << ")\n";
  Table gaps({"section", "answered", "gaps"});
  for (const auto& s : result->section_gaps()) {
    gaps.AddRow({s.section_id(), std::to_string(s.answered_count()),
                 absl::StrJoin(s.question_ids(), ", ")});
  }
  gaps.PrintAligned(std::cout);
  for (const auto& f : result->findings())
    std::cout << "finding " << f.code() << ": " << f.explanation() << "\n";
  for (const auto& r : result->recommendations()) {
    std::cout << "consider: " << r.title() << " (because of " << absl::StrJoin(r.because_of(), ", ")
              << ")\n";
  }
  return kExitOk;
}

}  // namespace

void AddClassifyCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto* classify = app.add_subcommand("classify", "Place an arrangement (JSON) in Table 1");
  classify->add_option("file", *file, "LeadershipArrangement in JSON")->required();
  classify->callback([&, file] { exit_code = Classify(settings, *file); });

  auto* evaluate =
      app.add_subcommand("evaluate", "Evaluate a return file: typology, gaps, findings");
  evaluate->add_option("file", *file, "Return in JSON")->required();
  evaluate->callback([&, file] { exit_code = Evaluate(settings, *file); });
}

}  // namespace ahpl::cli
