// `ahpl return ...`: a trust's returns, from a fill-in template through
// validate, draft, update, submit, the board's attestation, amend and
// withdraw, to reading them back.
#ifndef AHPL_SDK_CLI_RETURN_COMMANDS_H_
#define AHPL_SDK_CLI_RETURN_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `return` and its subcommands to `app`; the one that runs stores its
// exit code in `exit_code`.
void AddReturnCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_RETURN_COMMANDS_H_
