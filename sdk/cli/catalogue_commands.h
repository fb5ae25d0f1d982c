// `ahpl catalogue ...`: read the question catalogue and trust register,
// and publish editions.
#ifndef AHPL_SDK_CLI_CATALOGUE_COMMANDS_H_
#define AHPL_SDK_CLI_CATALOGUE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds the catalogue subcommands to `app`; the one that runs stores its exit
// code in `exit_code`.
void AddCatalogueCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_CATALOGUE_COMMANDS_H_
