#include "sdk/cli/admin_commands.h"

#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "ahpl/sdk/access_client.h"
#include "core/roles.h"

namespace ahpl::cli {
namespace {

using google::protobuf::util::TimeUtil;

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

std::string State(const v1::AccessToken& t) {
  if (t.has_revoke_time()) return "revoked";
  if (t.has_expire_time() &&
      TimeUtil::TimestampToSeconds(t.expire_time()) <= absl::ToUnixSeconds(absl::Now())) {
    return "expired";
  }
  return "active";
}

void PrintTokens(const std::vector<v1::AccessToken>& tokens, Format format) {
  if (format == Format::kJson) {
    v1::ListTokensResponse all;
    for (const auto& t : tokens) *all.add_tokens() = t;
    PrintJson(all, std::cout);
    return;
  }
  Table table({"name", "role", "scope", "state", "created", "by", "expires", "description"});
  for (const auto& t : tokens) {
    table.AddRow({t.name(), RoleWord(t.role()), t.scope(), State(t), Time(t.create_time()),
                  t.created_by(), Time(t.expire_time()), t.description()});
  }
  table.Print(format, std::cout);
}

// Parses "2026-11-27" or "2026-11-27T10:00:00Z" (UTC).
bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d", text, &t, &err) &&
      !absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return false;
  }
  *out = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
  return true;
}

}  // namespace

void AddAdminCommands(CLI::App& app, const RunSettings& settings, int& exit_code) {
  auto* admin = app.add_subcommand("admin", "Manage access tokens and read the audit log (admin)");
  admin->require_subcommand(1);
  auto* token = admin->add_subcommand("token", "Create, list and revoke access tokens");
  token->require_subcommand(1);

  struct CreateArgs {
    std::string role, scope, description;
    int ttl_days = 0;
    bool secret_only = false;
  };
  auto create_args = std::make_shared<CreateArgs>();
  auto* create = token->add_subcommand(
      "create", "Create a token; its secret is printed once and cannot be shown again");
  create->add_option("--role", create_args->role, RoleWords())
      ->required()
      ->check(CLI::Validator(
          [](std::string& word) {
            return RoleFromWord(word).has_value()
                       ? std::string()
                       : absl::StrCat("the role is one of ", RoleWords());
          },
          "ROLE", "role"));
  create->add_option("--scope", create_args->scope,
                     "ODS code (trust tokens) or region code (region tokens)");
  create
      ->add_option("--description", create_args->description,
                   "What the token is for (who holds it, where)")
      ->required();
  create->add_option("--ttl-days", create_args->ttl_days, "Days until it expires (default never)")
      ->check(CLI::NonNegativeNumber);
  create->add_flag("--secret-only", create_args->secret_only,
                   "Print only the secret (for scripts: TOKEN=$(ahpl admin token create ...))");
  create->callback([&, create_args] {
    sdk::AccessClient client(settings.client_options());
    auto created =
        client.CreateToken(*RoleFromWord(create_args->role), create_args->scope,
                           create_args->description, absl::Hours(24) * create_args->ttl_days);
    if (!created.ok()) {
      exit_code = ReportError(created.status());
      return;
    }
    if (create_args->secret_only) {
      std::cout << created->secret() << "\n";
    } else if (settings.output_format() == Format::kJson) {
      PrintJson(*created, std::cout);
    } else {
      std::cout << "Created " << created->token().name() << " ("
                << RoleWord(created->token().role())
                << (created->token().scope().empty() ? "" : " " + created->token().scope())
                << "). Its secret, shown only now:\n"
                << created->secret() << "\n";
    }
    exit_code = kExitOk;
  });

  auto include_inactive = std::make_shared<bool>(false);
  auto* list = token->add_subcommand("list", "Tokens, newest first (never their secrets)");
  list->add_flag("--all", *include_inactive, "Include revoked and expired tokens");
  list->callback([&, include_inactive] {
    sdk::AccessClient client(settings.client_options());
    auto tokens = client.ListTokens(*include_inactive);
    if (!tokens.ok()) {
      exit_code = ReportError(tokens.status());
      return;
    }
    PrintTokens(*tokens, settings.output_format());
    exit_code = kExitOk;
  });

  auto revoke_name = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "Revoke a token; refused from its next call");
  revoke->add_option("name", *revoke_name, "The token, \"tokens/{id}\"")->required();
  revoke->callback([&, revoke_name] {
    sdk::AccessClient client(settings.client_options());
    auto revoked = client.RevokeToken(*revoke_name);
    if (!revoked.ok()) {
      exit_code = ReportError(revoked.status());
      return;
    }
    PrintTokens({*revoked}, settings.output_format());
    exit_code = kExitOk;
  });

  struct AuditArgs {
    std::string actor, action, resource, since, until;
    int64_t limit = 0;
  };
  auto audit_args = std::make_shared<AuditArgs>();
  auto* audit = admin->add_subcommand("audit", "The audit log of writes, oldest first");
  audit->add_option("--actor", audit_args->actor, "Only this token's writes (\"tokens/{id}\")");
  audit->add_option("--action", audit_args->action, "Only this action, e.g. return.submitted");
  audit->add_option("--resource", audit_args->resource, "Only this resource, e.g. returns/{id}");
  audit->add_option("--since", audit_args->since, "From this time (YYYY-MM-DD or RFC 3339, UTC)");
  audit->add_option("--until", audit_args->until, "Before this time");
  audit->add_option("--limit", audit_args->limit, "At most this many events")
      ->check(CLI::NonNegativeNumber);
  audit->callback([&, audit_args] {
    v1::AuditFilter filter;
    filter.set_actor(audit_args->actor);
    filter.set_action(audit_args->action);
    filter.set_resource(audit_args->resource);
    if (!audit_args->since.empty() && !ParseTime(audit_args->since, filter.mutable_start_time())) {
      std::cerr << "ahpl: --since: not a date (YYYY-MM-DD) or RFC 3339 time\n";
      exit_code = kExitUsage;
      return;
    }
    if (!audit_args->until.empty() && !ParseTime(audit_args->until, filter.mutable_end_time())) {
      std::cerr << "ahpl: --until: not a date (YYYY-MM-DD) or RFC 3339 time\n";
      exit_code = kExitUsage;
      return;
    }
    sdk::AccessClient client(settings.client_options());
    const Format format = settings.output_format();
    Table table(
        {"id", "time", "actor", "role", "action", "resource", "version", "request_id", "detail"});
    auto status = client.ListAuditEvents(filter, audit_args->limit, [&](const v1::AuditEvent& e) {
      if (format == Format::kJson) {
        PrintJson(e, std::cout);
        return;
      }
      table.AddRow({std::to_string(e.id()), Time(e.time()), e.actor(),
                    e.actor_role() == v1::ROLE_UNSPECIFIED ? "system" : RoleWord(e.actor_role()),
                    e.action(), e.resource(), e.version() == 0 ? "" : std::to_string(e.version()),
                    e.request_id(), e.detail()});
    });
    if (!status.ok()) {
      exit_code = ReportError(status);
      return;
    }
    if (format != Format::kJson) table.Print(format, std::cout);
    exit_code = kExitOk;
  });

  app.add_subcommand("whoami", "The token this command line calls with")->callback([&] {
    sdk::AccessClient client(settings.client_options());
    auto caller = client.GetCaller();
    if (!caller.ok()) {
      exit_code = ReportError(caller.status());
      return;
    }
    PrintTokens({*caller}, settings.output_format());
    exit_code = kExitOk;
  });
}

}  // namespace ahpl::cli
