// `ahpl report trust` and `ahpl report regions`: self-contained HTML reports
// (report.h renders them) for one trust's return and for a cycle by region.
#ifndef AHPL_SDK_CLI_REPORT_COMMANDS_H_
#define AHPL_SDK_CLI_REPORT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `report` and its subcommands to `app`; the one that runs stores its
// exit code in `exit_code`.
void AddReportCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_REPORT_COMMANDS_H_
