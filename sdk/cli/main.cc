// ahpl: the command line for trusts, regional and national teams.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "absl/strings/ascii.h"
#include "sdk/cli/admin_commands.h"
#include "sdk/cli/catalogue_commands.h"
#include "sdk/cli/global_options.h"
#include "sdk/cli/return_commands.h"

namespace ahpl::cli {

sdk::ClientOptions GlobalOptions::client_options() const {
  sdk::ClientOptions options;
  options.target = server;
  if (options.target.empty()) {
    const char* env = std::getenv("AHPL_SERVER");
    options.target = env != nullptr && *env != '\0' ? env : "127.0.0.1:50051";
  }
  options.deadline = absl::Milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  auto env = [](const std::string& flag, const char* name) {
    const char* value = std::getenv(name);
    return !flag.empty() ? flag : (value != nullptr ? std::string(value) : std::string());
  };
  const std::string ca = env(ca_file, "AHPL_CA");
  if (!ca.empty()) {
    auto credentials = sdk::TlsCredentials(ca, env(cert_file, "AHPL_CERT"), env(key_file, "AHPL_KEY"));
    if (!credentials.ok()) {
      std::cerr << "ahpl: " << credentials.status().message() << "\n";
      std::exit(kExitUsage);
    }
    options.credentials = *credentials;
  }
  options.token = token;
  if (options.token.empty()) {
    const std::string file = env(token_file, "AHPL_TOKEN_FILE");
    if (!file.empty()) {
      std::ifstream in(file);
      if (!in) {
        std::cerr << "ahpl: cannot read token file " << file << "\n";
        std::exit(kExitUsage);
      }
      std::stringstream text;
      text << in.rdbuf();
      options.token = std::string(absl::StripAsciiWhitespace(text.str()));
    } else {
      options.token = env("", "AHPL_TOKEN");
    }
  }
  return options;
}

}  // namespace ahpl::cli

int main(int argc, char** argv) {
  CLI::App app{"ahpl: AHP leadership self-assessment for NHS trust boards"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  ahpl::cli::GlobalOptions global;
  app.add_option("--server", global.server,
                 "ahpl-server address (default $AHPL_SERVER or 127.0.0.1:50051)");
  app.add_option("--format", global.format, "Output: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("--timeout", global.timeout_seconds, "Seconds each call may take")
      ->check(CLI::PositiveNumber);
  app.add_option("--ca", global.ca_file, "PEM CA to trust: connect with TLS (default $AHPL_CA)");
  app.add_option("--cert", global.cert_file, "PEM client certificate for mutual TLS ($AHPL_CERT)");
  app.add_option("--key", global.key_file, "PEM key of --cert ($AHPL_KEY)");
  app.add_option("--token", global.token,
                 "Access token (default $AHPL_TOKEN; prefer --token-file, as arguments are "
                 "visible to other users)");
  app.add_option("--token-file", global.token_file,
                 "File holding the access token (default $AHPL_TOKEN_FILE)");
  app.footer(
      "Every call needs an access token (--token-file, $AHPL_TOKEN_FILE or $AHPL_TOKEN).\n"
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 not found, 5 server "
      "unavailable, 6 no or bad token / permission denied, 7 conflict.");

  int exit_code = ahpl::cli::kExitOk;
  ahpl::cli::AddCatalogueCommands(app, global, exit_code);
  ahpl::cli::AddReturnCommands(app, global, exit_code);
  ahpl::cli::AddAdminCommands(app, global, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ahpl::cli::kExitOk : ahpl::cli::kExitUsage;
  }
  return exit_code;
}
