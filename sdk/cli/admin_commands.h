// `ahpl admin ...` (tokens and the audit log) and `ahpl whoami`.
#ifndef AHPL_SDK_CLI_ADMIN_COMMANDS_H_
#define AHPL_SDK_CLI_ADMIN_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

void AddAdminCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_ADMIN_COMMANDS_H_
