// `ahpl import` and `ahpl export`: returns in bulk, into the service from a
// folder of .json files, a .jsonl or a .csv file, and out as JSON lines or CSV.
#ifndef AHPL_SDK_CLI_IMPORT_EXPORT_COMMANDS_H_
#define AHPL_SDK_CLI_IMPORT_EXPORT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `import` and `export` to `app`; the one that runs stores its exit code
// in `exit_code`.
void AddImportExportCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_IMPORT_EXPORT_COMMANDS_H_
