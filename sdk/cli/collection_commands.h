// `ahpl collection ...` and `ahpl chase`: the national team runs a
// collection season (create, extend, close, reopen, late-submission
// overrides) and chases the trusts that have not returned.
#ifndef AHPL_SDK_CLI_COLLECTION_COMMANDS_H_
#define AHPL_SDK_CLI_COLLECTION_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Adds `collection` with its subcommands, and `chase`, to `app`; the one
// that runs stores its exit code in `exit_code`.
void AddCollectionCommands(CLI::App& app, const RunSettings& settings, int& exit_code);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_COLLECTION_COMMANDS_H_
