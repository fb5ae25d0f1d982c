// `ahpl classify` and `ahpl evaluate`: place an arrangement in Table 1, and
// evaluate a whole return (typology, gaps by section, findings), storing nothing.
#ifndef AHPL_SDK_CLI_CLASSIFY_COMMANDS_H_
#define AHPL_SDK_CLI_CLASSIFY_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `classify` and `evaluate` to `app`; the one that runs stores its exit
// code in `exit_code`.
void AddClassifyCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_CLASSIFY_COMMANDS_H_
