// The settings one run of ahpl calls with: the output format, and the client
// options (server, deadline, TLS, token) resolved from the global flags and the
// environment once. Every command family reads them from here.
#ifndef AHPL_SDK_CLI_RUN_SETTINGS_H_
#define AHPL_SDK_CLI_RUN_SETTINGS_H_

#include <optional>
#include <set>
#include <string>

#include "ahpl/sdk/client_options.h"
#include "sdk/cli/global_options.h"
#include "sdk/cli/output.h"

namespace ahpl::cli {

class RunSettings {
 public:
  // Reads `flags` only once parsing is done; `flags` must outlive this.
  explicit RunSettings(const GlobalOptions& flags) : flags_(flags) {}
  RunSettings(const RunSettings&) = delete;
  RunSettings& operator=(const RunSettings&) = delete;

  Format output_format() const;

  // The options every client of this run is built with. Resolved on first use
  // and kept: a command checks its own arguments and input files first, and
  // only then do an unreadable token file or TLS file end the run (exit code 2).
  // The server is --server, else $AHPL_SERVER, else 127.0.0.1:50051: one
  // address, several (replicas, comma-separated) or a gRPC target; one that
  // sdk::CheckTarget refuses ends the run (exit code 2). The token
  // is --token, else the file named by --token-file, else the file named by
  // $AHPL_TOKEN_FILE, else $AHPL_TOKEN (docs/api.md, docs/access.md).
  // The channel is TLS (with --ca, or the system's CAs beyond loopback) or
  // plaintext (loopback, or --insecure / $AHPL_INSECURE=1 beyond it, which
  // prints one warning line on stderr per target).
  const sdk::ClientOptions& client_options() const;

  // The same options for a command that calls targets of its own
  // (--servers): no warning for the run's server; call WarnIfPlaintext for
  // each target.
  const sdk::ClientOptions& options_for_other_targets() const;

  // Prints "ahpl: warning: plaintext to TARGET: ..." once when the options
  // reach `target` in plaintext beyond loopback.
  void WarnIfPlaintext(const std::string& target) const;

 private:
  const GlobalOptions& flags_;
  mutable std::optional<sdk::ClientOptions> client_options_;
  mutable std::set<std::string> warned_;
};

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_RUN_SETTINGS_H_
