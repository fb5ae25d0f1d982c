#include "sdk/cli/return_commands.h"

#include <google/protobuf/util/time_util.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "core/codes.h"
#include "core/json.h"
#include "core/return_rules.h"
#include "sdk/cli/command_support.h"
#include "sdk/cli/season_text.h"

namespace ahpl::cli {
namespace {

using google::protobuf::util::TimeUtil;

// Returns in a table, with whether each is its trust's counting return.
void PrintReturns(const std::vector<v1::AssessmentReturn>& returns, Format format) {
  if (format == Format::kJson) {
    for (const auto& r : returns) std::cout << ToJson(r) << "\n";
    return;
  }
  Table t(
      {"name", "trust", "cycle", "status", "version", "typology", "updated", "counts", "attested"});
  for (const auto& r : returns) {
    std::vector<std::string> row = {
        r.name(),
        r.trust_ods_code(),
        r.cycle(),
        v1::ReturnStatus_Name(r.status()),
        std::to_string(r.version()),
        r.has_classification() ? v1::Typology_Name(r.classification().typology()) : "",
        TimeUtil::ToString(r.update_time())};
    row.push_back(r.counting() ? "yes" : "no");
    row.push_back(r.attestation().attested_by_name().empty() ? "no" : "yes");
    t.AddRow(std::move(row));
  }
  t.Print(format, std::cout);
}

// What `return show` says of whether `r` counts, read as the latest version
// (`latest`) or an earlier one.
std::string CountsText(const v1::AssessmentReturn& r, bool latest) {
  if (!latest) return "(said of the latest version only)";
  return r.counting() ? "yes: the trust's counting return in its collection" : "no";
}

// One return in full: what it is, whether it counts (`counts`, from
// CountsText), and its board's sign-off.
void PrintReturn(const v1::AssessmentReturn& r, const std::string& counts, Format format) {
  if (format == Format::kJson) {
    PrintJson(r, std::cout);
    return;
  }
  const DisplayZone& zone = ShownZone();
  auto when = [&](const google::protobuf::Timestamp& t) {
    return format == Format::kCsv ? ShowTimeRfc3339(t, zone) : ShowTime(t, zone);
  };
  Table t({"field", "value"});
  t.AddRow({"name", r.name()});
  t.AddRow({"trust", r.trust_ods_code()});
  t.AddRow({"cycle", r.cycle()});
  t.AddRow({"edition", r.edition_id()});
  t.AddRow({"status", v1::ReturnStatus_Name(r.status())});
  t.AddRow({"version", std::to_string(r.version())});
  t.AddRow(
      {"typology", r.has_classification() ? v1::Typology_Name(r.classification().typology()) : ""});
  t.AddRow({"respondent",
            absl::StrCat(r.respondent().name(),
                         r.respondent().role().empty() ? "" : " (" + r.respondent().role() + ")")});
  t.AddRow({"updated", when(r.update_time())});
  t.AddRow({"written by", r.written_by()});
  if (!r.change_reason().empty()) t.AddRow({"change reason", r.change_reason()});
  t.AddRow({"counts", counts});
  t.AddRow({"attestation", AttestationLine(r)});
  const auto& a = r.attestation();
  if (!a.attested_by_name().empty()) {
    if (!a.statement().empty()) t.AddRow({"statement", a.statement()});
    t.AddRow({"attested", absl::StrCat(when(a.attest_time()), ", recorded by ", a.recorded_by())});
  }
  t.Print(format, std::cout);
  if (format == Format::kTable) std::cout << zone.note << "\n";
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

int Show(const RunSettings& settings, const std::string& name, int64_t version) {
  sdk::AssessmentClient client(settings.client_options());
  auto ret = client.Get(name, version);
  if (!ret.ok()) return ReportError(ret.status());
  bool latest = version == 0;
  if (!latest) {
    auto current = client.Get(name);
    if (!current.ok()) return ReportError(current.status());
    latest = current->version() == ret->version();
  }
  PrintReturn(*ret, CountsText(*ret, latest), settings.output_format());
  return kExitOk;
}

// The etag of the return to change: the file's, when it names one (the
// version the edit started from), else the latest's.
absl::StatusOr<std::string> EtagFor(sdk::AssessmentClient& client,
                                    const v1::AssessmentReturn& ret) {
  if (!ret.etag().empty()) return ret.etag();
  auto current = client.Get(ret.name());
  if (!current.ok()) return current.status();
  return current->etag();
}

// Replaces the content of the stored draft `name` with a file's.
int UpdateDraft(const RunSettings& settings, const std::string& name, const std::string& path,
                std::string request_id) {
  auto text = ReadFile(path);
  if (!text.ok()) return ReportError(text.status());
  auto ret = ParseJson<v1::AssessmentReturn>(*text, path);
  if (!ret.ok()) return ReportError(ret.status());
  if (!ret->name().empty() && ret->name() != name) {
    std::cerr << "ahpl: " << path << " is " << ret->name() << ", not " << name << "\n";
    return kExitUsage;
  }
  ret->set_name(name);
  sdk::AssessmentClient client(settings.client_options());
  auto etag = EtagFor(client, *ret);
  if (!etag.ok()) return ReportError(etag.status());
  ret->set_etag(*etag);
  auto updated = client.Update(*ret, std::move(request_id));
  if (absl::IsInvalidArgument(updated.status())) {
    return ReportViolations(updated.status(), path, *text, "assessment_return.");
  }
  if (!updated.ok()) return ReportError(updated.status());
  PrintReturns({*updated}, settings.output_format());
  return kExitOk;
}

// Submits the stored draft `name` as it is now.
int SubmitStored(const RunSettings& settings, const std::string& name, std::string request_id) {
  sdk::AssessmentClient client(settings.client_options());
  auto current = client.Get(name);
  if (!current.ok()) return ReportError(current.status());
  auto submitted = client.Submit(name, current->etag(), std::move(request_id));
  if (!submitted.ok()) return ReportError(submitted.status());
  if (settings.output_format() == Format::kJson) {
    PrintJson(*submitted, std::cout);
  } else {
    PrintReturns({*submitted}, settings.output_format());
  }
  return kExitOk;
}

struct AttestArgs {
  std::string name, by, role, meeting_date, minute, statement, request_id;
};

// Records the board's sign-off of the latest version of a submitted return.
int Attest(const RunSettings& settings, const AttestArgs& args) {
  if (auto date = CheckDate(args.meeting_date, "--meeting-date"); !date.ok()) {
    std::cerr << "ahpl: " << date.message() << "\n";
    return kExitUsage;
  }
  v1::Attestation attestation;
  attestation.set_attested_by_name(args.by);
  attestation.set_attested_by_role(args.role);
  attestation.set_meeting_date(args.meeting_date);
  attestation.set_minute_reference(args.minute);
  attestation.set_statement(args.statement);
  sdk::AssessmentClient client(settings.client_options());
  auto current = client.Get(args.name);
  if (!current.ok()) return ReportError(current.status());
  auto attested = client.Attest(args.name, current->etag(), attestation, args.request_id);
  if (!attested.ok()) return ReportError(attested.status());
  PrintReturn(*attested, CountsText(*attested, /*latest=*/true), settings.output_format());
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
  auto* ret =
      app.add_subcommand("return", "Draft, validate, submit, attest, amend and read returns");
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
  auto* submit = ret->add_subcommand(
      "submit", "Submit a return file (validated in full), or a stored draft by its name");
  submit->add_option("file", *file, "Return in JSON, or the name of a stored draft (returns/{id})")
      ->required();
  submit->add_option("--request-id", *request_id, "Idempotency key (default: a new one)");
  submit->callback([&, file, request_id] {
    // A file of that name wins; otherwise a resource name is a stored draft.
    std::error_code error;
    if (file->rfind("returns/", 0) == 0 && !std::filesystem::exists(*file, error)) {
      exit_code = SubmitStored(settings, *file, *request_id);
    } else {
      exit_code = Store(settings, *file, true, *request_id);
    }
  });

  auto* save = ret->add_subcommand("draft", "Store a return file as a draft");
  save->add_option("file", *file, "Return in JSON")->required();
  save->add_option("--request-id", *request_id, "Idempotency key (default: a new one)");
  save->callback([&, file, request_id] { exit_code = Store(settings, *file, false, *request_id); });

  auto reason = std::make_shared<std::string>();
  auto update_name = std::make_shared<std::string>();
  auto* update = ret->add_subcommand(
      "update",
      "Replace a stored draft's content with a file's (the etag: the file's, or the latest)");
  update->add_option("name", *update_name, "returns/{id}")->required();
  update->add_option("file", *file, "Return in JSON")->required();
  update->add_option("--request-id", *request_id, "Idempotency key (default: a new one)");
  update->callback([&, update_name, file, request_id] {
    exit_code = UpdateDraft(settings, *update_name, *file, *request_id);
  });

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

  auto* show = ret->add_subcommand(
      "show", "One return in full: whether it counts, and its board's attestation");
  show->add_option("name", *name, "returns/{id}")->required();
  show->add_option("--version", *version, "Version (default: the latest)");
  show->callback([&, name, version] { exit_code = Show(settings, *name, *version); });

  auto attest_args = std::make_shared<AttestArgs>();
  auto* attest = ret->add_subcommand(
      "attest", "Record the board's sign-off of a submitted return (a new version)");
  attest->add_option("name", attest_args->name, "returns/{id}")->required();
  attest->add_option("--by", attest_args->by, "Who attests, e.g. \"Dr A Patel\"")->required();
  attest->add_option("--role", attest_args->role, "Their role, e.g. \"Chief executive\"")
      ->required();
  attest
      ->add_option("--meeting-date", attest_args->meeting_date,
                   "Date of the board meeting, YYYY-MM-DD")
      ->required();
  attest->add_option("--minute", attest_args->minute, "Board minute reference, e.g. TB 2019/045")
      ->required();
  attest->add_option("--statement", attest_args->statement, "The board's statement");
  attest->add_option("--request-id", attest_args->request_id,
                     "Idempotency key (default: a new one)");
  attest->callback([&, attest_args] { exit_code = Attest(settings, *attest_args); });

  auto* history = ret->add_subcommand("history", "Every version of a return");
  history->add_option("name", *name, "returns/{id}")->required();
  history->callback([&, name] { exit_code = History(settings, *name); });

  auto filters = std::make_shared<FilterFlags>();
  auto* list = ret->add_subcommand("list", "Returns matching a filter");
  filters->AddTo(list);
  list->callback([&, filters] { exit_code = List(settings, *filters); });
}

}  // namespace ahpl::cli
