// ahpl: the command line for trusts, regional and national teams.
#include <CLI/CLI.hpp>

#include "core/version.h"
#include "sdk/cli/admin_commands.h"
#include "sdk/cli/aggregate_commands.h"
#include "sdk/cli/catalogue_commands.h"
#include "sdk/cli/classify_commands.h"
#include "sdk/cli/collection_commands.h"
#include "sdk/cli/global_options.h"
#include "sdk/cli/import_export_commands.h"
#include "sdk/cli/report_commands.h"
#include "sdk/cli/return_commands.h"
#include "sdk/cli/run_settings.h"

int main(int argc, char** argv) {
  CLI::App app{"ahpl: AHP leadership self-assessment for NHS trust boards"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  app.set_version_flag("--version", std::string("ahpl ") + ahpl::BuildVersion());
  ahpl::cli::GlobalOptions global;
  app.add_option("--server", global.server,
                 "ahpl-server address; replicas of one deployment comma-separated, or a gRPC "
                 "target such as dns:///NAME:PORT (default $AHPL_SERVER or 127.0.0.1:50051)");
  app.add_option("--format", global.format, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("--timeout", global.timeout_seconds, "Seconds each call may take")
      ->check(CLI::PositiveNumber);
  app.add_option("--ca", global.ca_file, "PEM CA to trust: connect with TLS (default $AHPL_CA)");
  app.add_option("--cert", global.cert_file, "PEM client certificate for mutual TLS ($AHPL_CERT)");
  app.add_option("--key", global.key_file, "PEM key of --cert ($AHPL_KEY)");
  app.add_option("--tls-server-name", global.tls_server_name,
                 "Name every server's certificate must carry (default: the host of --server, or "
                 "of its first address; $AHPL_TLS_SERVER_NAME)");
  app.add_flag("--insecure", global.insecure,
               "Allow plaintext to a server beyond loopback when no --ca is given: the token "
               "travels unencrypted ($AHPL_INSECURE=1)");
  app.add_option("--token", global.token,
                 "Access token (default $AHPL_TOKEN; prefer --token-file, as arguments are "
                 "visible to other users)");
  app.add_option("--token-file", global.token_file,
                 "File holding the access token (default $AHPL_TOKEN_FILE)");
  app.footer(
      "Every call needs an access token (--token-file, $AHPL_TOKEN_FILE or $AHPL_TOKEN).\n"
      "Without --ca, a server beyond loopback is reached with TLS trusting the system's CAs.\n"
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 not found, 5 server "
      "unavailable, 6 no or bad token / permission denied, 7 conflict.");

  // The command families, in the order `ahpl --help` lists them.
  const ahpl::cli::RunSettings settings(global);
  int exit_code = ahpl::cli::kExitOk;
  ahpl::cli::AddCatalogueCommands(app, settings, exit_code);
  ahpl::cli::AddReturnCommands(app, settings, exit_code);
  ahpl::cli::AddCollectionCommands(app, settings, exit_code);
  ahpl::cli::AddImportExportCommands(app, settings, exit_code);
  ahpl::cli::AddClassifyCommands(app, settings, exit_code);
  ahpl::cli::AddAggregateCommands(app, settings, exit_code);
  ahpl::cli::AddReportCommands(app, settings, exit_code);
  ahpl::cli::AddAdminCommands(app, settings, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ahpl::cli::kExitOk : ahpl::cli::kExitUsage;
  }
  return exit_code;
}
