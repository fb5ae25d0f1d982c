#include "sdk/cli/return_commands.h"

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>

#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/return_rules.h"
#include "sdk/cli/command_support.h"

namespace ahpl::cli {
namespace {

using google::protobuf::util::TimeUtil;

void PrintReturns(const std::vector<v1::AssessmentReturn>& returns, Format format) {
  if (format == Format::kJson) {
    for (const auto& r : returns) std::cout << ToJson(r) << "\n";
    return;
  }
  Table t({"name", "trust", "cycle", "status", "version", "typology", "updated"});
  for (const auto& r : returns) {
    t.AddRow({r.name(), r.trust_ods_code(), r.cycle(), v1::ReturnStatus_Name(r.status()),
              std::to_string(r.version()),
              r.has_classification() ? v1::Typology_Name(r.classification().typology()) : "",
              TimeUtil::ToString(r.update_time())});
  }
  t.Print(format, std::cout);
}

// A fill-in return for an edition: every question at rating 0.
int Template(const RunSettings& settings, const std::string& edition_id, const std::string& trust,
             const std::string& cycle) {
  sdk::CatalogueClient catalogue(settings.client_options());
  auto edition = catalogue.GetEdition(edition_id);
  if (!edition.ok()) return ReportError(edition.status());
  v1::AssessmentReturn r;
  r.set_trust_ods_code(trust);
  r.set_cycle(cycle);
  r.set_edition_id(edition->id());
  r.mutable_respondent()->set_name("");
  for (const auto& q : edition->questions()) {
    auto* a = r.add_answers();
    a->set_question_id(q.id());
  }
  auto* arrangement = r.mutable_arrangement();
  arrangement->set_has_senior_ahp_leader(true);
  auto* leader = arrangement->mutable_senior_leader();
  leader->set_band(v1::BAND_UNSPECIFIED);
  leader->set_whole_time_equivalent(1.0);
  std::cout << ToJson(r, JsonLayout::kPretty, /*with_defaults=*/true);
  return kExitOk;
}

// Validates a return file against its edition without writing anything.
int Validate(const RunSettings& settings, const std::string& path, bool draft) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto ret = ParseJson<v1::AssessmentReturn>(*text, path);
  if (!ret.ok()) return ReportError(ret.status());
  sdk::CatalogueClient catalogue(settings.client_options());
  std::unique_ptr<v1::Edition> edition;
  if (auto e = catalogue.GetEdition(ret->edition_id()); e.ok() && !ret->edition_id().empty()) {
    edition = std::make_unique<v1::Edition>(std::move(*e));
  } else if (!e.ok() && !absl::IsNotFound(e.status())) {
    return ReportError(e.status());
  }
  bool trust_known = false;
  if (IsOdsCode(ret->trust_ods_code())) {
    auto trust = catalogue.GetTrust(ret->trust_ods_code());
    if (!trust.ok() && !absl::IsNotFound(trust.status())) return ReportError(trust.status());
    trust_known = trust.ok();
  }
  const auto violations = assessment::ValidateReturn(
      *ret, edition.get(), trust_known,
      draft ? assessment::Completeness::kDraft : assessment::Completeness::kComplete);
  if (!violations.empty()) {
    return ReportViolations(
        violations.ToStatus(draft ? "not a valid draft" : "cannot be submitted"), path, *text, "");
  }
  std::cout << path << ": valid " << (draft ? "draft" : "for submission") << "\n";
  return kExitOk;
}

int Store(const RunSettings& settings, const std::string& path, bool submit,
          std::string request_id) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto ret = ParseJson<v1::AssessmentReturn>(*text, path);
  if (!ret.ok()) return ReportError(ret.status());
  sdk::AssessmentClient client(settings.client_options());
  auto stored = client.Create(*ret, submit, std::move(request_id));
  if (absl::IsInvalidArgument(stored.status())) {
    return ReportViolations(stored.status(), path, *text, "assessment_return.");
  }
  if (!stored.ok()) return ReportError(stored.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*stored, std::cout);
  } else {
    PrintReturns({*stored}, settings.output_format());
  }
  return kExitOk;
}

int Amend(const RunSettings& settings, const std::string& path, const std::string& reason) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto ret = ParseJson<v1::AssessmentReturn>(*text, path);
  if (!ret.ok()) return ReportError(ret.status());
  sdk::AssessmentClient client(settings.client_options());
  if (ret->etag().empty() && !ret->name().empty()) {
    auto current = client.Get(ret->name());
    if (!current.ok()) return ReportError(current.status());
    ret->set_etag(current->etag());
  }
  auto amended = client.Amend(*ret, reason);
  if (absl::IsInvalidArgument(amended.status())) {
    return ReportViolations(amended.status(), path, *text, "assessment_return.");
  }
  if (!amended.ok()) return ReportError(amended.status());
  PrintReturns({*amended}, settings.output_format());
  return kExitOk;
}

int Withdraw(const RunSettings& settings, const std::string& name, std::string etag,
             const std::string& reason) {
  sdk::AssessmentClient client(settings.client_options());
  if (etag.empty()) {
    auto current = client.Get(name);
    if (!current.ok()) return ReportError(current.status());
    etag = current->etag();
  }
  auto withdrawn = client.Withdraw(name, etag, reason);
  if (!withdrawn.ok()) return ReportError(withdrawn.status());
  PrintReturns({*withdrawn}, settings.output_format());
  return kExitOk;
}

int Get(const RunSettings& settings, const std::string& name, int64_t version) {
  sdk::AssessmentClient client(settings.client_options());
  auto ret = client.Get(name, version);
  if (!ret.ok()) return ReportError(ret.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*ret, std::cout);
  } else {
    PrintReturns({*ret}, settings.output_format());
  }
  return kExitOk;
}

int History(const RunSettings& settings, const std::string& name) {
  sdk::AssessmentClient client(settings.client_options());
  auto versions = client.History(name);
  if (!versions.ok()) return ReportError(versions.status());
  if (settings.output_format() == Format::kJson) {
    for (const auto& v : *versions) std::cout << ToJson(v) << "\n";
    return kExitOk;
  }
  Table t({"version", "status", "written", "by", "reason", "typology"});
  for (const auto& v : *versions) {
    t.AddRow({std::to_string(v.version()), v1::ReturnStatus_Name(v.status()),
              TimeUtil::ToString(v.update_time()), v.written_by(), v.change_reason(),
              v.has_classification() ? v1::Typology_Name(v.classification().typology()) : ""});
  }
  t.Print(settings.output_format(), std::cout);
  return kExitOk;
}

int List(const RunSettings& settings, const FilterFlags& flags) {
  auto filter = flags.ToFilter();
  if (!filter.ok()) return ReportError(filter.status());
  sdk::AssessmentClient client(settings.client_options());
  std::vector<v1::AssessmentReturn> returns;
  auto status = client.ForEachReturn(*filter, [&](const v1::AssessmentReturn& r) {
    returns.push_back(r);
    return true;
  });
  if (!status.ok()) return ReportError(status);
  PrintReturns(returns, settings.output_format());
  return kExitOk;
}

}  // namespace

void AddReturnCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto* ret = app.add_subcommand("return", "Draft, validate, submit, amend and read returns");
  ret->require_subcommand(1);

  auto edition = std::make_shared<std::string>();
  auto trust = std::make_shared<std::string>();
  auto cycle = std::make_shared<std::string>("2018-19");
  auto* tmpl = ret->add_subcommand("template", "Print a fill-in return (JSON) for an edition");
  tmpl->add_option("--edition", *edition, "Edition id (default: the latest)");
  tmpl->add_option("--trust", *trust, "ODS code to fill in");
  tmpl->add_option("--cycle", *cycle, "Cycle to fill in")->capture_default_str();
  tmpl->callback(
      [&, edition, trust, cycle] { exit_code = Template(settings, *edition, *trust, *cycle); });

  auto file = std::make_shared<std::string>();
  auto draft = std::make_shared<bool>(false);
  auto* validate =
      ret->add_subcommand("validate", "Check a return file against its edition; writes nothing");
  validate->add_option("file", *file, "Return in JSON")->required();
  validate->add_flag("--draft", *draft, "Check as a draft (incomplete allowed)");
  validate->callback([&, file, draft] { exit_code = Validate(settings, *file, *draft); });

  auto request_id = std::make_shared<std::string>();
  auto* submit = ret->add_subcommand("submit", "Submit a return file (validated in full)");
  submit->add_option("file", *file, "Return in JSON")->required();
  submit->add_option("--request-id", *request_id, "Idempotency key (default: a new one)");
  submit->callback(
      [&, file, request_id] { exit_code = Store(settings, *file, true, *request_id); });

  auto* save = ret->add_subcommand("draft", "Store a return file as a draft");
  save->add_option("file", *file, "Return in JSON")->required();
  save->add_option("--request-id", *request_id, "Idempotency key (default: a new one)");
  save->callback([&, file, request_id] { exit_code = Store(settings, *file, false, *request_id); });

  auto reason = std::make_shared<std::string>();
  auto* amend = ret->add_subcommand("amend", "Amend a submitted return from a file (with name)");
  amend->add_option("file", *file, "Return in JSON, with its name (and etag)")->required();
  amend->add_option("--reason", *reason, "Why it is amended")->required();
  amend->callback([&, file, reason] { exit_code = Amend(settings, *file, *reason); });

  auto name = std::make_shared<std::string>();
  auto etag = std::make_shared<std::string>();
  auto* withdraw = ret->add_subcommand("withdraw", "Withdraw a submitted return");
  withdraw->add_option("name", *name, "returns/{id}")->required();
  withdraw->add_option("--reason", *reason, "Why it is withdrawn")->required();
  withdraw->add_option("--etag", *etag, "Etag of the version withdrawn (default: the latest)");
  withdraw->callback(
      [&, name, etag, reason] { exit_code = Withdraw(settings, *name, *etag, *reason); });

  auto version = std::make_shared<int64_t>(0);
  auto* get = ret->add_subcommand("get", "One return, latest or a version");
  get->add_option("name", *name, "returns/{id}")->required();
  get->add_option("--version", *version, "Version (default: the latest)");
  get->callback([&, name, version] { exit_code = Get(settings, *name, *version); });

  auto* history = ret->add_subcommand("history", "Every version of a return");
  history->add_option("name", *name, "returns/{id}")->required();
  history->callback([&, name] { exit_code = History(settings, *name); });

  auto filters = std::make_shared<FilterFlags>();
  auto* list = ret->add_subcommand("list", "Returns matching a filter");
  filters->AddTo(list);
  list->callback([&, filters] { exit_code = List(settings, *filters); });
}

}  // namespace ahpl::cli
