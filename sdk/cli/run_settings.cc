#include "sdk/cli/run_settings.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "core/channel_security.h"
#include "core/files.h"

namespace ahpl::cli {
namespace {

// `flag` when given, else the environment variable `name`, else "".
std::string FlagOrEnv(const std::string& flag, const char* name) {
  const char* value = std::getenv(name);
  return !flag.empty() ? flag : (value != nullptr ? std::string(value) : std::string());
}

// $AHPL_INSECURE: 1, true or yes is on; unset, empty, 0, false or no is off;
// anything else ends the run (exit code 2).
bool InsecureFromEnvironment() {
  const char* value = std::getenv("AHPL_INSECURE");
  if (value == nullptr) return false;
  const std::string v = absl::AsciiStrToLower(value);
  if (v == "1" || v == "true" || v == "yes") return true;
  if (v.empty() || v == "0" || v == "false" || v == "no") return false;
  std::cerr << "ahpl: $AHPL_INSECURE must be 1 or 0, not \"" << value << "\"\n";
  std::exit(kExitUsage);
}

sdk::ClientOptions Resolve(const GlobalOptions& flags) {
  sdk::ClientOptions options;
  options.target = flags.server;
  const char* source = "--server";
  if (options.target.empty()) {
    const char* env = std::getenv("AHPL_SERVER");
    options.target = env != nullptr && *env != '\0' ? env : "127.0.0.1:50051";
    source = "$AHPL_SERVER";
  }
  if (absl::Status target = sdk::CheckTarget(options.target); !target.ok()) {
    std::cerr << "ahpl: " << source << ": " << target.message() << "\n";
    std::exit(kExitUsage);
  }
  options.tls_server_name = FlagOrEnv(flags.tls_server_name, "AHPL_TLS_SERVER_NAME");
  options.deadline = absl::Milliseconds(static_cast<int64_t>(flags.timeout_seconds * 1000));
  const std::string ca = FlagOrEnv(flags.ca_file, "AHPL_CA");
  if (!ca.empty()) {
    auto credentials = sdk::TlsCredentials(ca, FlagOrEnv(flags.cert_file, "AHPL_CERT"),
                                           FlagOrEnv(flags.key_file, "AHPL_KEY"));
    if (!credentials.ok()) {
      std::cerr << "ahpl: " << credentials.status().message() << "\n";
      std::exit(kExitUsage);
    }
    options.credentials = *credentials;
  }
  const bool insecure_environment = InsecureFromEnvironment();
  options.insecure = flags.insecure || insecure_environment;
  options.token = flags.token;
  if (options.token.empty()) {
    const std::string file = FlagOrEnv(flags.token_file, "AHPL_TOKEN_FILE");
    if (!file.empty()) {
      auto token = ReadSecretFile(file);
      if (!token.ok()) {
        std::cerr << "ahpl: cannot read token file " << file << "\n";
        std::exit(kExitUsage);
      }
      options.token = std::move(*token);
    } else {
      options.token = FlagOrEnv("", "AHPL_TOKEN");
    }
  }
  return options;
}

}  // namespace

Format RunSettings::output_format() const {
  if (flags_.format == "json") return Format::kJson;
  if (flags_.format == "csv") return Format::kCsv;
  return Format::kTable;
}

const sdk::ClientOptions& RunSettings::client_options() const {
  const sdk::ClientOptions& options = options_for_other_targets();
  WarnIfPlaintext(options.target);
  return options;
}

const sdk::ClientOptions& RunSettings::options_for_other_targets() const {
  if (!client_options_) client_options_ = Resolve(flags_);
  return *client_options_;
}

void RunSettings::WarnIfPlaintext(const std::string& target) const {
  const sdk::ClientOptions& options = options_for_other_targets();
  if (ChooseChannelSecurity(target, options.credentials != nullptr, options.insecure) !=
      ChannelSecurity::kPlaintextInsecure) {
    return;
  }
  if (warned_.insert(target).second) {
    std::cerr << "ahpl: warning: plaintext to " << target << ": the token travels unencrypted\n";
  }
}

}  // namespace ahpl::cli
