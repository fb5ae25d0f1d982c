// `ahpl aggregate`: a cycle summarised by region across one or more server
// endpoints, or compared with an earlier cycle; `ahpl benchmark`: one trust's
// return beside its region and England. Both count per trust or per return.
#ifndef AHPL_SDK_CLI_AGGREGATE_COMMANDS_H_
#define AHPL_SDK_CLI_AGGREGATE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `aggregate` and `benchmark` to `app`; the one that runs stores its
// exit code in `exit_code`.
void AddAggregateCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_AGGREGATE_COMMANDS_H_
