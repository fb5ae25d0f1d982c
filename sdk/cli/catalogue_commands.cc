#include "sdk/cli/catalogue_commands.h"

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ahpl/sdk/catalogue_client.h"
#include "core/files.h"
#include "sdk/cli/json_input.h"

namespace ahpl::cli {
namespace {

std::string BandCodes(const google::protobuf::RepeatedField<int>& bands,
                      const v1::Edition& edition) {
  std::vector<std::string> codes;
  for (int b : bands) {
    for (const auto& entry : edition.bands()) {
      if (entry.band() == b) codes.push_back(entry.code());
    }
  }
  return absl::StrJoin(codes, ", ");
}

int ShowQuestions(const RunSettings& settings, const std::string& edition_id,
                  const std::string& section_id) {
  sdk::CatalogueClient client(settings.client_options());
  auto questions = client.ListQuestions(edition_id, section_id);
  if (!questions.ok()) return ReportError(questions.status());
  switch (settings.output_format()) {
    case Format::kJson:
      PrintJson(*questions, std::cout);
      return kExitOk;
    case Format::kCsv: {
      Table t({"position", "id", "section_id", "polarity", "text"});
      for (const auto& q : questions->questions()) {
        t.AddRow({std::to_string(q.position()), q.id(), q.section_id(),
                  q.polarity() == v1::POLARITY_YES_IS_GAP ? "yes_is_gap" : "yes_is_strength",
                  q.text()});
      }
      t.PrintCsv(std::cout);
      return kExitOk;
    }
    case Format::kTable:
      break;
  }
  std::cout << "Edition " << questions->edition_id() << ": the board questions, by section of the "
            << "Warwick 6C framework\n";
  std::vector<std::string> scale;
  for (const auto& p : questions->scale().points()) {
    scale.push_back(absl::StrCat(p.value(), " ", p.label()));
  }
  std::cout << "Answer scale: " << absl::StrJoin(scale, " | ") << "\n";
  for (const auto& s : questions->sections()) {
    std::cout << "\n" << s.position() << ". " << s.framework_name() << " - " << s.title() << "\n";
    for (const auto& q : questions->questions()) {
      if (q.section_id() != s.id()) continue;
      std::cout << "   Q" << q.position() << (q.position() < 10 ? "  " : " ") << q.text();
      if (q.polarity() == v1::POLARITY_YES_IS_GAP) std::cout << "  [a \"yes\" signals a gap]";
      std::cout << "\n";
    }
  }
  return kExitOk;
}

int ShowTypology(const RunSettings& settings, const std::string& edition_id) {
  sdk::CatalogueClient client(settings.client_options());
  auto edition = client.GetEdition(edition_id);
  if (!edition.ok()) return ReportError(edition.status());
  if (settings.output_format() == Format::kJson) {
    v1::Edition only;
    only.set_id(edition->id());
    *only.mutable_typology() = edition->typology();
    PrintJson(only, std::cout);
    return kExitOk;
  }
  Table t({"typology", "board relationship", "typical bands", "visibility/influence",
           "communication", "improvement", "exemplars"});
  for (const auto& row : edition->typology()) {
    t.AddRow({row.label(), row.board_relationship(), BandCodes(row.typical_bands(), *edition),
              row.visibility_influence(), row.communication(), row.improvement_perception(),
              row.exemplars()});
  }
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int ShowProfessions(const RunSettings& settings, const std::string& edition_id) {
  sdk::CatalogueClient client(settings.client_options());
  auto lists = client.ListProfessions(edition_id);
  if (!lists.ok()) return ReportError(lists.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*lists, std::cout);
    return kExitOk;
  }
  Table t({"kind", "code", "name"});
  for (const auto& p : lists->professions()) t.AddRow({"AHP profession", p.code(), p.name()});
  for (const auto& n : lists->non_ahp_groups()) t.AddRow({"non-AHP group", n.code(), n.name()});
  for (const auto& b : lists->bands()) t.AddRow({"AfC band", b.code(), b.label()});
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int ShowEditions(const RunSettings& settings) {
  sdk::CatalogueClient client(settings.client_options());
  auto editions = client.ListEditions();
  if (!editions.ok()) return ReportError(editions.status());
  if (settings.output_format() == Format::kJson) {
    v1::ListEditionsResponse all;
    for (const auto& e : *editions) *all.add_editions() = e;
    PrintJson(all, std::cout);
    return kExitOk;
  }
  Table t({"edition", "questions", "published", "title"});
  for (const auto& e : *editions) {
    t.AddRow({e.id(), std::to_string(e.question_count()),
              google::protobuf::util::TimeUtil::ToString(e.publish_time()), e.title()});
  }
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int ShowRegions(const RunSettings& settings) {
  sdk::CatalogueClient client(settings.client_options());
  auto regions = client.ListRegions();
  if (!regions.ok()) return ReportError(regions.status());
  if (settings.output_format() == Format::kJson) {
    v1::ListRegionsResponse all;
    for (const auto& r : *regions) *all.add_regions() = r;
    PrintJson(all, std::cout);
    return kExitOk;
  }
  Table t({"code", "region", "trusts"});
  for (const auto& r : *regions) t.AddRow({r.code(), r.name(), std::to_string(r.trust_count())});
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

void AddTrustRow(Table& t, const v1::Trust& trust) {
  t.AddRow({trust.ods_code(), trust.name(), trust.region_code(), trust.region_name(),
            trust.trust_type()});
}

int ShowTrusts(const RunSettings& settings, const std::string& region) {
  sdk::CatalogueClient client(settings.client_options());
  auto trusts = client.ListTrusts(region);
  if (!trusts.ok()) return ReportError(trusts.status());
  if (settings.output_format() == Format::kJson) {
    v1::ListTrustsResponse all;
    for (const auto& t : *trusts) *all.add_trusts() = t;
    all.set_total_size(static_cast<int>(trusts->size()));
    PrintJson(all, std::cout);
    return kExitOk;
  }
  Table t({"ods_code", "name", "region_code", "region", "type"});
  for (const auto& trust : *trusts) AddTrustRow(t, trust);
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int ShowTrust(const RunSettings& settings, const std::string& code) {
  sdk::CatalogueClient client(settings.client_options());
  auto trust = client.GetTrust(code);
  if (!trust.ok()) return ReportError(trust.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*trust, std::cout);
    return kExitOk;
  }
  Table t({"ods_code", "name", "region_code", "region", "type"});
  AddTrustRow(t, *trust);
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int Publish(const RunSettings& settings, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto edition = ParseJson<v1::Edition>(*text, path);
  if (!edition.ok()) return ReportError(edition.status());
  sdk::CatalogueClient client(settings.client_options());
  auto published = client.PublishEdition(*edition);
  if (!published.ok()) return ReportError(published.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*published, std::cout);
  } else {
    std::cout << (published->created() ? "published edition " : "edition already published: ")
              << published->edition().id() << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddCatalogueCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto* catalogue =
      app.add_subcommand("catalogue", "Read the question catalogue and trust register");
  catalogue->require_subcommand(1);

  auto edition_id = std::make_shared<std::string>();
  auto section_id = std::make_shared<std::string>();
  auto* show = catalogue->add_subcommand("show", "The board questions grouped by 6C section");
  show->add_option("--edition", *edition_id, "Edition id (default: the latest)");
  show->add_option("--section", *section_id, "Only this section (e.g. challenges)");
  show->callback([&, edition_id, section_id] {
    exit_code = ShowQuestions(settings, *edition_id, *section_id);
  });

  auto* typology = catalogue->add_subcommand("typology", "Table 1: the AHP leadership typology");
  typology->add_option("--edition", *edition_id, "Edition id (default: the latest)");
  typology->callback([&, edition_id] { exit_code = ShowTypology(settings, *edition_id); });

  auto* professions =
      catalogue->add_subcommand("professions", "AHP professions, non-AHP groups and AfC bands");
  professions->add_option("--edition", *edition_id, "Edition id (default: the latest)");
  professions->callback([&, edition_id] { exit_code = ShowProfessions(settings, *edition_id); });

  catalogue->add_subcommand("editions", "Published editions, newest first")->callback([&] {
    exit_code = ShowEditions(settings);
  });
  catalogue->add_subcommand("regions", "NHS England regions with their trust counts")
      ->callback([&] { exit_code = ShowRegions(settings); });

  auto region = std::make_shared<std::string>();
  auto* trusts = catalogue->add_subcommand("trusts", "Trusts in the register");
  trusts->add_option("--region", *region, "Only this region (code, e.g. Y56)");
  trusts->callback([&, region] { exit_code = ShowTrusts(settings, *region); });

  auto code = std::make_shared<std::string>();
  auto* trust = catalogue->add_subcommand("trust", "One trust by ODS code");
  trust->add_option("ods_code", *code, "ODS code, e.g. RAL")->required();
  trust->callback([&, code] { exit_code = ShowTrust(settings, *code); });

  auto path = std::make_shared<std::string>();
  auto* publish = catalogue->add_subcommand("publish", "Publish a new edition from a JSON file");
  publish->add_option("file", *path, "Edition in proto3 JSON")->required();
  publish->callback([&, path] { exit_code = Publish(settings, *path); });
}

}  // namespace ahpl::cli
