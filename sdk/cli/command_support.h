// Pieces several ahpl command families share: parsing input files
// (ParseJson, from json_input.h), printing field violations against the
// lines of a JSON file, the filter flags of `return list` and `export`, and
// the endpoints of `aggregate` and `report regions`.
#ifndef AHPL_SDK_CLI_COMMAND_SUPPORT_H_
#define AHPL_SDK_CLI_COMMAND_SUPPORT_H_

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/assessment.pb.h"
#include "core/files.h"
#include "core/json.h"
#include "sdk/cli/json_input.h"
#include "sdk/cli/json_paths.h"
#include "sdk/cli/run_settings.h"

namespace ahpl::cli {

// Prints the violations in `status` with the lines of `json` (read from
// `path`) they refer to, after removing `strip_prefix` from each field path;
// returns kExitInvalidInput.
int ReportViolations(const absl::Status& status, const std::string& path, const std::string& json,
                     absl::string_view strip_prefix);

// --trust, --region, --cycle, --status, --typology and --counting-only.
struct FilterFlags {
  std::string trust, region, cycle, status, typology;
  bool counting_only = false;
  absl::StatusOr<v1::ReturnFilter> ToFilter() const;
  void AddTo(CLI::App* cmd);
};

// The comma-separated `servers`, else the run's own server; warns about each
// reached in plaintext beyond loopback. Build their clients with
// settings.options_for_other_targets().
std::vector<std::string> Endpoints(const std::string& servers, const RunSettings& settings);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_COMMAND_SUPPORT_H_
