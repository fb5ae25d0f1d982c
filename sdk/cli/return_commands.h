// `ahpl return ...`, `ahpl import`, `ahpl export`, `ahpl classify`,
// `ahpl evaluate` and `ahpl aggregate`: the everyday jobs of trusts and of
// regional and national teams.
#ifndef AHPL_SDK_CLI_RETURN_COMMANDS_H_
#define AHPL_SDK_CLI_RETURN_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

void AddReturnCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_RETURN_COMMANDS_H_
