#include "sdk/cli/import_export_commands.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "core/csv.h"
#include "core/return_rules.h"
#include "sdk/cli/command_support.h"
#include "sdk/cli/csv_returns.h"

namespace ahpl::cli {
namespace {

namespace fs = std::filesystem;

// Reads import items from a folder of .json returns, a .jsonl file or a .csv
// file (one row per return; see docs/api.md).
absl::StatusOr<std::vector<v1::ImportItem>> ReadItems(const RunSettings& settings,
                                                      const std::string& path, bool submit,
                                                      std::vector<std::string>& sources) {
  std::vector<v1::ImportItem> items;
  auto add_return = [&](absl::StatusOr<v1::AssessmentReturn> ret,
                        const std::string& where) -> absl::Status {
    if (!ret.ok()) return ret.status();
    v1::ImportItem item;
    // The same file imported again is recognised as the same request.
    item.set_request_id(
        absl::StrCat("import:", assessment::RequestDigest("file", *ret).substr(0, 32)));
    item.set_submit(submit);
    *item.mutable_assessment_return() = std::move(*ret);
    items.push_back(std::move(item));
    sources.push_back(where);
    return absl::OkStatus();
  };
  auto add = [&](const std::string& json, const std::string& where) {
    return add_return(ParseJson<v1::AssessmentReturn>(json, where), where);
  };
  if (absl::EndsWith(path, ".csv")) {
    auto text = ReadFile(path);
    if (!text.ok()) return text.status();
    sdk::CatalogueClient catalogue(settings.client_options());
    auto edition = catalogue.GetEdition();
    if (!edition.ok()) return edition.status();
    auto rows = ParseReturnsCsv(*text, *edition);
    if (!rows.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", rows.status().message()));
    }
    for (auto& row : *rows) {
      if (auto s = add_return(std::move(row.ret), absl::StrCat(path, ":", row.line)); !s.ok()) {
        return s;
      }
    }
    return items;
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = ReadFile(f.string());
      if (!text.ok()) return text.status();
      if (auto s = add(*text, f.string()); !s.ok()) return s;
    }
    return items;
  }
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  int line = 0;
  for (absl::string_view l : absl::StrSplit(*text, '\n')) {
    ++line;
    if (l.empty()) continue;
    if (auto s = add(std::string(l), absl::StrCat(path, ":", line)); !s.ok()) return s;
  }
  return items;
}

int Import(const RunSettings& settings, const std::string& path, bool submit) {
  std::vector<std::string> sources;
  auto items = ReadItems(settings, path, submit, sources);
  const bool csv = absl::EndsWith(path, ".csv");
  if (!items.ok()) return ReportError(items.status());
  sdk::AssessmentClient client(settings.client_options());
  const bool tty = isatty(STDERR_FILENO);
  const size_t total = items->size();
  auto report = client.Import(*items, [&](const sdk::ImportProgress& p) {
    if (!tty) return;
    const int width = 30;
    const int done =
        total == 0 ? width : static_cast<int>(width * (p.accepted + p.rejected) / total);
    std::cerr << "\r[" << std::string(done, '#') << std::string(width - done, ' ') << "] "
              << (p.accepted + p.rejected) << "/" << total << std::flush;
  });
  if (tty) std::cerr << "\n";
  if (!report.ok()) return ReportError(report.status());
  for (const auto& r : report->results) {
    if (r.violations().empty()) continue;
    const std::string& where = sources[r.index()];
    for (const auto& v : r.violations()) {
      std::string column;
      if (csv) {
        std::string field = v.field();
        if (absl::StartsWith(field, "assessment_return.")) {
          field = field.substr(std::string("assessment_return.").size());
        }
        column = CsvColumnOf(field, (*items)[r.index()].assessment_return());
      }
      std::cerr << "  " << where << (column.empty() ? "" : ", column " + column) << ": "
                << v.field() << ": " << v.description() << "\n";
    }
  }
  std::cout << "imported " << report->accepted << " of " << total << " returns; "
            << report->rejected << " rejected\n";
  return report->rejected > 0 ? kExitInvalidInput : kExitOk;
}

int Export(const RunSettings& settings, const FilterFlags& flags, const std::string& output) {
  auto filter = flags.ToFilter();
  if (!filter.ok()) return ReportError(filter.status());
  std::ofstream file;
  if (!output.empty()) {
    file.open(output);
    if (!file)
      return ReportError(absl::PermissionDeniedError(absl::StrCat("cannot write ", output)));
  }
  std::ostream& out = output.empty() ? std::cout : file;
  sdk::AssessmentClient client(settings.client_options());
  const bool csv = settings.output_format() == Format::kCsv;
  if (csv) {
    out << CsvLine({"name", "trust_ods_code", "cycle", "edition_id", "status", "version",
                    "typology", "band", "board_relationship", "leader_title", "ratings"});
  }
  int64_t n = 0;
  auto status = client.Export(*filter, [&](const v1::AssessmentReturn& r) {
    ++n;
    if (!csv) {
      out << ToJson(r) << "\n";
      return;
    }
    std::vector<std::string> ratings;
    for (const auto& a : r.answers())
      ratings.push_back(absl::StrCat(a.question_id(), "=", a.rating()));
    const auto& leader = r.arrangement().senior_leader();
    // Every cell through the one writer, the trust's own text (the title)
    // and what the server checked alike.
    out << CsvLine({r.name(), r.trust_ods_code(), r.cycle(), r.edition_id(),
                    v1::ReturnStatus_Name(r.status()), absl::StrCat(r.version()),
                    v1::Typology_Name(r.classification().typology()), v1::Band_Name(leader.band()),
                    v1::BoardRelationship_Name(leader.board_relationship()), leader.job_title(),
                    absl::StrJoin(ratings, ";")});
  });
  if (!status.ok()) return ReportError(status);
  if (!output.empty()) std::cerr << "exported " << n << " returns to " << output << "\n";
  return kExitOk;
}

}  // namespace

void AddImportExportCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto path = std::make_shared<std::string>();
  auto as_drafts = std::make_shared<bool>(false);
  auto* import = app.add_subcommand(
      "import", "Import returns from a folder of .json files, a .jsonl file or a .csv file");
  import->add_option("path", *path, "Folder, .jsonl or .csv file")->required();
  import->add_flag("--drafts", *as_drafts, "Store as drafts instead of submitting");
  import->callback([&, path, as_drafts] { exit_code = Import(settings, *path, !*as_drafts);
});

auto output = std::make_shared<std::string>();
auto filters = std::make_shared<FilterFlags>();
auto* exp = app.add_subcommand("export", "Export returns as JSON lines (or CSV with --format csv)");
filters->AddTo(exp);
exp->add_option("--output", *output, "File to write (default: standard output)");
exp->callback([&, filters, output] { exit_code = Export(settings, *filters, *output); });
}  // namespace ahpl::cli

}  // namespace ahpl::cli
