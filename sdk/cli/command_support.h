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
#include "ahpl/sdk/regional_aggregator.h"
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

// The deployments a command reaching several of them takes: --servers
// A,B (one address each, the run's token for all) and --endpoint
// TARGET[=TOKEN_FILE], repeated (one deployment each: an address, its
// replicas comma-separated or a gRPC target, with its own token file, else
// the run's token).
struct EndpointFlags {
  std::string servers;
  std::vector<std::string> endpoints;
  void AddTo(CLI::App* cmd);
};

// The deployments `flags` name (--servers first, then each --endpoint), else
// the run's own server. Each target is checked (sdk::CheckTarget) and each
// token file read: a mistake is INVALID_ARGUMENT naming the flag (a usage
// error). Warns about each target reached in plaintext beyond loopback.
// Give them to a RegionalAggregator with settings.options_for_other_targets().
absl::StatusOr<std::vector<sdk::Endpoint>> Endpoints(const EndpointFlags& flags,
                                                     const RunSettings& settings);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_COMMAND_SUPPORT_H_
