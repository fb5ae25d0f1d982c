#include "sdk/cli/collection_commands.h"

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/regional_aggregator.h"
#include "core/codes.h"
#include "sdk/cli/command_support.h"
#include "sdk/cli/season_text.h"

namespace ahpl::cli {
namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

// A mistake in the arguments, found before anything is sent: exit code 2.
int UsageError(const absl::Status& status) {
  std::cerr << "ahpl: " << status.message() << "\n";
  return kExitUsage;
}

void PrintCollection(const v1::Collection& c, Format format) {
  if (format == Format::kJson) {
    PrintJson(c, std::cout);
    return;
  }
  const DisplayZone& zone = ShownZone();
  Table t({"field", "value"});
  for (auto& [field, value] : CollectionFields(c, zone)) t.AddRow({field, value});
  t.Print(format, std::cout);
  if (format == Format::kTable) std::cout << zone.note << "\n";
}

struct CreateArgs {
  std::string cycle, edition, opens, closes, title;
  int suppress_below = 0;
  bool require_attestation = false;
};

// The cycle of a collection named by its cycle or its resource name.
std::string CycleOf(std::string name) {
  absl::string_view cycle = name;
  absl::ConsumePrefix(&cycle, "collections/");
  return std::string(cycle);
}

int Create(const RunSettings& settings, const CreateArgs& args) {
  auto name = CollectionNameOf(args.cycle);
  if (!name.ok()) return UsageError(name.status());
  const std::string cycle = CycleOf(*name);
  auto opens = ParseUtcTime(args.opens, "--opens");
  if (!opens.ok()) return UsageError(opens.status());
  // Without --closes the window is open-ended (a deadline is set later with
  // extend).
  std::optional<absl::Time> closes;
  if (!args.closes.empty()) {
    auto parsed = ParseUtcTime(args.closes, "--closes");
    if (!parsed.ok()) return UsageError(parsed.status());
    if (*parsed <= *opens) {
      return UsageError(absl::InvalidArgumentError("--closes: must be after --opens"));
    }
    closes = *parsed;
  }
  v1::Collection c;
  c.set_cycle(cycle);
  c.set_edition_id(args.edition);
  c.set_title(args.title.empty() ? absl::StrCat("AHP leadership self-assessment ", cycle)
                                 : args.title);
  *c.mutable_open_time() = ToTimestamp(*opens);
  if (closes.has_value()) *c.mutable_close_time() = ToTimestamp(*closes);
  c.set_suppress_below(args.suppress_below);
  c.set_attestation_required(args.require_attestation);
  sdk::AssessmentClient client(settings.client_options());
  auto created = client.CreateCollection(c);
  if (!created.ok()) return ReportError(created.status());
  PrintCollection(*created, settings.output_format());
  return kExitOk;
}

int List(const RunSettings& settings) {
  sdk::AssessmentClient client(settings.client_options());
  auto collections = client.ListCollections();
  if (!collections.ok()) return ReportError(collections.status());
  const Format format = settings.output_format();
  if (format == Format::kJson) {
    v1::ListCollectionsResponse all;
    for (const auto& c : *collections) *all.add_collections() = c;
    PrintJson(all, std::cout);
    return kExitOk;
  }
  CollectionsTable(*collections, ShownZone(), format).Print(format, std::cout);
  if (format == Format::kTable) std::cout << ShownZone().note << "\n";
  return kExitOk;
}

int Show(const RunSettings& settings, const std::string& cycle) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  sdk::AssessmentClient client(settings.client_options());
  auto c = client.GetCollection(*name);
  if (!c.ok()) return ReportError(c.status());
  PrintCollection(*c, settings.output_format());
  return kExitOk;
}

int Extend(const RunSettings& settings, const std::string& cycle, const std::string& closes,
           const std::string& reason) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  auto until = ParseUtcTime(closes, "--closes");
  if (!until.ok()) return UsageError(until.status());
  v1::Collection c;
  c.set_name(*name);
  *c.mutable_close_time() = ToTimestamp(*until);
  google::protobuf::FieldMask mask;
  mask.add_paths("close_time");
  sdk::AssessmentClient client(settings.client_options());
  auto changed = client.UpdateCollection(c, mask, reason);
  if (!changed.ok()) return ReportError(changed.status());
  PrintCollection(*changed, settings.output_format());
  return kExitOk;
}

// What `collection update` may change; an empty text (or -1) leaves a field
// as it is.
struct UpdateArgs {
  std::string cycle, title, edition, opens, attestation, reason;
  int suppress_below = -1;
};

int Update(const RunSettings& settings, const UpdateArgs& args) {
  auto name = CollectionNameOf(args.cycle);
  if (!name.ok()) return UsageError(name.status());
  v1::Collection c;
  c.set_name(*name);
  google::protobuf::FieldMask mask;
  if (!args.title.empty()) {
    c.set_title(args.title);
    mask.add_paths("title");
  }
  if (!args.edition.empty()) {
    c.set_edition_id(args.edition);
    mask.add_paths("edition_id");
  }
  if (!args.opens.empty()) {
    auto opens = ParseUtcTime(args.opens, "--opens");
    if (!opens.ok()) return UsageError(opens.status());
    *c.mutable_open_time() = ToTimestamp(*opens);
    mask.add_paths("open_time");
  }
  if (args.suppress_below >= 0) {
    c.set_suppress_below(args.suppress_below);
    mask.add_paths("suppress_below");
  }
  if (!args.attestation.empty()) {
    if (args.attestation != "required" && args.attestation != "not-required") {
      return UsageError(
          absl::InvalidArgumentError("--attestation: \"required\" or \"not-required\""));
    }
    c.set_attestation_required(args.attestation == "required");
    mask.add_paths("attestation_required");
  }
  if (mask.paths().empty()) {
    return UsageError(absl::InvalidArgumentError(
        "name something to change: --title, --edition, --opens, --suppress-below or "
        "--attestation (extend moves the deadline)"));
  }
  sdk::AssessmentClient client(settings.client_options());
  auto changed = client.UpdateCollection(c, mask, args.reason);
  if (!changed.ok()) return ReportError(changed.status());
  PrintCollection(*changed, settings.output_format());
  return kExitOk;
}

int Close(const RunSettings& settings, const std::string& cycle, const std::string& reason) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  sdk::AssessmentClient client(settings.client_options());
  auto closed = client.CloseCollection(*name, reason);
  if (!closed.ok()) return ReportError(closed.status());
  PrintCollection(*closed, settings.output_format());
  return kExitOk;
}

int Reopen(const RunSettings& settings, const std::string& cycle, const std::string& closes,
           const std::string& reason) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  std::optional<absl::Time> until;
  if (!closes.empty()) {
    auto t = ParseUtcTime(closes, "--closes");
    if (!t.ok()) return UsageError(t.status());
    until = *t;
  }
  sdk::AssessmentClient client(settings.client_options());
  auto reopened = client.ReopenCollection(*name, until, reason);
  if (!reopened.ok()) return ReportError(reopened.status());
  PrintCollection(*reopened, settings.output_format());
  return kExitOk;
}

int AllowLate(const RunSettings& settings, const std::string& cycle, const std::string& trust,
              const std::string& until_text, const std::string& reason) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  const std::string ods = CanonicalCode(trust);
  if (!IsOdsCode(ods)) {
    return UsageError(absl::InvalidArgumentError(absl::StrCat("--trust: ", kOdsCodeRule)));
  }
  // "now" ends the trust's allowance (the server takes a time not in the
  // future so).
  auto until = until_text == "now" ? absl::StatusOr<absl::Time>(absl::Now())
                                   : ParseUtcTime(until_text, "--until");
  if (!until.ok()) return UsageError(until.status());
  sdk::AssessmentClient client(settings.client_options());
  auto allowed = client.AllowLateReturn(*name, ods, *until, reason);
  if (!allowed.ok()) return ReportError(allowed.status());
  PrintCollection(*allowed, settings.output_format());
  return kExitOk;
}

int Chase(const RunSettings& settings, const std::string& cycle, const std::string& region,
          const EndpointFlags& servers) {
  auto name = CollectionNameOf(cycle);
  if (!name.ok()) return UsageError(name.status());
  const std::string region_code = CanonicalCode(region);
  if (!region_code.empty() && !IsRegionCode(region_code)) {
    return UsageError(absl::InvalidArgumentError(absl::StrCat("--region: ", kRegionCodeRule)));
  }
  const std::string plain_cycle = CycleOf(*name);
  auto endpoints = Endpoints(servers, settings);
  if (!endpoints.ok()) return UsageError(endpoints.status());
  sdk::RegionalAggregator aggregator(settings.options_for_other_targets(), std::move(*endpoints));
  auto response = aggregator.NonResponders(plain_cycle, region_code);
  if (!response.ok()) return ReportError(response.status());
  const Format format = settings.output_format();
  if (format == Format::kJson) {
    PrintJson(*response, std::cout);
    return kExitOk;
  }
  if (format == Format::kTable) std::cout << ChaseHeadline(plain_cycle, *response) << "\n";
  ChaseTable(*response, ShownZone(), format).Print(format, std::cout);
  if (format == Format::kTable) std::cout << ShownZone().note << "\n";
  return kExitOk;
}

}  // namespace

void AddCollectionCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto* collection = app.add_subcommand(
      "collection", "Run a collection season: its window, deadline and late overrides");
  collection->require_subcommand(1);
  const std::string times = "UTC, e.g. 2019-06-30T23:00:00Z or 2019-07-01";

  auto args = std::make_shared<CreateArgs>();
  auto* create = collection->add_subcommand("create", "Create a collection (national, admin)");
  create->add_option("cycle", args->cycle, "Reporting year, e.g. 2019-20")->required();
  create->add_option("--edition", args->edition, "Catalogue edition its returns answer")
      ->required();
  create->add_option("--opens", args->opens, "When the window opens (" + times + ")")->required();
  create->add_option("--closes", args->closes,
                     "When it closes (" + times + "); without it, open-ended");
  create->add_option("--title", args->title, "Title (default: the cycle's)");
  create
      ->add_option("--suppress-below", args->suppress_below,
                   "Small-count threshold of its summaries (default: the server's)")
      ->check(CLI::NonNegativeNumber);
  create->add_flag("--require-attestation", args->require_attestation,
                   "A return counts only once its board has attested it");
  create->callback([&, args] { exit_code = Create(settings, *args); });

  collection->add_subcommand("list", "Every collection, newest first")->callback([&] {
    exit_code = List(settings);
  });

  auto cycle = std::make_shared<std::string>();
  auto closes = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto* show = collection->add_subcommand("show", "One collection, with its late allowances");
  show->add_option("cycle", *cycle, "Reporting year, e.g. 2019-20")->required();
  show->callback([&, cycle] { exit_code = Show(settings, *cycle); });

  auto* extend = collection->add_subcommand("extend", "Move the deadline, with a reason");
  extend->add_option("cycle", *cycle, "Reporting year")->required();
  extend->add_option("--closes", *closes, "The new deadline (" + times + ")")->required();
  extend->add_option("--reason", *reason, "Why (audited)")->required();
  extend->callback(
      [&, cycle, closes, reason] { exit_code = Extend(settings, *cycle, *closes, *reason); });

  auto update_args = std::make_shared<UpdateArgs>();
  auto* update = collection->add_subcommand(
      "update",
      "Change a scheduled or open collection's title, edition, opening, threshold or "
      "attestation rule, with a reason");
  update->add_option("cycle", update_args->cycle, "Reporting year")->required();
  update->add_option("--title", update_args->title, "A new title");
  update->add_option("--edition", update_args->edition,
                     "The edition its returns answer (while none is stored)");
  update->add_option("--opens", update_args->opens,
                     "When the window opens (" + times + "; while scheduled)");
  update
      ->add_option("--suppress-below", update_args->suppress_below,
                   "Small-count threshold (0: the server's)")
      ->check(CLI::NonNegativeNumber);
  update->add_option("--attestation", update_args->attestation,
                     "required or not-required: whether a return counts only once attested");
  update->add_option("--reason", update_args->reason, "Why (audited)")->required();
  update->callback([&, update_args] { exit_code = Update(settings, *update_args); });

  auto* close = collection->add_subcommand("close", "Close a collection now, with a reason");
  close->add_option("cycle", *cycle, "Reporting year")->required();
  close->add_option("--reason", *reason, "Why (audited)")->required();
  close->callback([&, cycle, reason] { exit_code = Close(settings, *cycle, *reason); });

  auto* reopen =
      collection->add_subcommand("reopen", "Reopen a closed collection (admin), with a reason");
  reopen->add_option("cycle", *cycle, "Reporting year")->required();
  reopen->add_option("--closes", *closes, "The new deadline (" + times + "; default: none)");
  reopen->add_option("--reason", *reason, "Why (audited)")->required();
  reopen->callback(
      [&, cycle, closes, reason] { exit_code = Reopen(settings, *cycle, *closes, *reason); });

  auto trust = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  auto* late = collection->add_subcommand(
      "allow-late", "Let one trust submit after the deadline (late-submission override)");
  late->add_option("cycle", *cycle, "Reporting year")->required();
  late->add_option("--trust", *trust, "ODS code of the trust")->required();
  late->add_option("--until", *until, "Until when (" + times + "), or now to end it")->required();
  late->add_option("--reason", *reason, "Why (audited)")->required();
  late->callback([&, cycle, trust, until, reason] {
    exit_code = AllowLate(settings, *cycle, *trust, *until, *reason);
  });

  auto chase_cycle = std::make_shared<std::string>();
  auto region = std::make_shared<std::string>();
  auto servers = std::make_shared<EndpointFlags>();
  auto* chase = app.add_subcommand(
      "chase", "Trusts that have not returned in a collection, and how far each has got");
  chase->add_option("--cycle", *chase_cycle, "Reporting year, e.g. 2018-19")->required();
  chase->add_option("--region", *region, "One region, e.g. Y56 (default: all the token sees)");
  servers->AddTo(chase);
  chase->callback([&, chase_cycle, region, servers] {
    exit_code = Chase(settings, *chase_cycle, *region, *servers);
  });
}

}  // namespace ahpl::cli
