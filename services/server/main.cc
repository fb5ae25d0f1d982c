// ahpl-server: hosts any subset of the ahpl gRPC services.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/files.h"
#include "core/roles.h"
#include "core/version.h"
#include "services/common/log.h"
#include "services/common/service_host.h"
#include "services/server/hosted_services.h"

ABSL_FLAG(std::string, listen, "",
          "address to listen on (default $AHPL_LISTEN or 127.0.0.1:50051)");
ABSL_FLAG(std::string, database_url, "", "PostgreSQL connection URL (default $AHPL_DATABASE_URL)");
ABSL_FLAG(std::string, read_database_url, "",
          "a streaming standby of --database_url for reads that may lag: summaries, lists, "
          "exports, chase lists (default $AHPL_READ_DATABASE_URL; empty: all on the primary)");
ABSL_FLAG(int, read_max_lag_seconds, 30,
          "with --read_database_url: those reads go to the primary while the standby is "
          "further behind than this");
ABSL_FLAG(std::string, services, "all",
          "comma-separated services to host: all, access, catalogue, assessment, classification");
ABSL_FLAG(std::string, classification_target, "",
          "host:port of a classification service for the assessment service to call at "
          "submission; empty to classify in process");
ABSL_FLAG(std::string, classification_token_file, "",
          "file holding the classifier token to call --classification_target with");
ABSL_FLAG(std::string, classification_ca, "",
          "PEM CA to call --classification_target with TLS (this server's --tls_cert and "
          "--tls_key are presented for mutual TLS)");
ABSL_FLAG(std::string, create_token, "",
          "bootstrap: create a token with this role (admin, national, region, trust, "
          "classifier), print its secret and exit, without serving");
ABSL_FLAG(std::string, token_scope, "", "with --create_token: the region or trust code");
ABSL_FLAG(std::string, token_description, "created on the server host",
          "with --create_token: what the token is for");
ABSL_FLAG(int, token_ttl_days, 0, "with --create_token: days until it expires (0: never)");
ABSL_FLAG(std::string, ruleset_file, "",
          "classification ruleset (proto3 JSON) to use instead of the shipped one; "
          "re-read on SIGHUP");
ABSL_FLAG(int, suppress_below, 5,
          "disclosure control: summaries hide counts from 1 to this value minus 1, and whatever "
          "else it takes to keep them hidden (at least 2; docs/disclosure.md)");
ABSL_FLAG(int, pool_size, 8, "database connections (and workers) shared by all services");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "on SIGTERM/SIGINT, how long calls in flight may take to finish");
ABSL_FLAG(bool, verbose, false, "log debug messages");
ABSL_FLAG(std::string, log_format, "",
          "text or json: one line per event, either way (default $AHPL_LOG_FORMAT, else text)");
ABSL_FLAG(bool, access_log, true, "log one line per call (method, code, duration, caller, peer)");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT to serve Prometheus metrics on, plain HTTP at /metrics (default "
          "$AHPL_METRICS_LISTEN; none when empty)");
ABSL_FLAG(std::string, health_listen, "",
          "HOST:PORT of a plaintext port serving only gRPC health checking, for probes that "
          "present no client certificate (default $AHPL_HEALTH_LISTEN; none when empty)");
ABSL_FLAG(bool, migrate_only, false,
          "apply the schema migrations and load the reference data, then exit");
ABSL_FLAG(int, tls_reload_seconds, 60,
          "read --tls_cert, --tls_key and --tls_client_ca again this often, serving renewed "
          "certificates without a restart; 0: read once");
ABSL_FLAG(int, max_connections, 4096,
          "client connections open at once; more are closed as they are accepted");
ABSL_FLAG(int, fd_reserve, 64,
          "file descriptors kept free below the open-file limit for the server's own use; "
          "connections that would use them are closed as they are accepted");
ABSL_FLAG(int, max_connection_idle_seconds, 300,
          "close a client connection with no call in progress for this long (0: never)");
ABSL_FLAG(int, max_connection_age_seconds, 7200,
          "tell any client connection to go away after about this long (0: never)");
ABSL_FLAG(int, max_connection_age_grace_seconds, 300,
          "after --max_connection_age_seconds, how long calls in flight may take to finish");
ABSL_FLAG(int, handshake_timeout_seconds, 20,
          "close a connection that has not finished its TLS and HTTP/2 handshake in this time");
ABSL_FLAG(int, keepalive_seconds, 120,
          "ping a client connection with calls in flight after this long without traffic "
          "(0: never)");
ABSL_FLAG(int, keepalive_timeout_seconds, 20,
          "close a connection whose keepalive ping is not answered within this time");
ABSL_FLAG(int, min_client_ping_interval_seconds, 60,
          "clients may ping at most this often without sending data");
ABSL_FLAG(int, max_ping_strikes, 2,
          "pings more often than --min_client_ping_interval_seconds tolerated before GOAWAY "
          "(0: any number)");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain to serve TLS with");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: require client certificates it signed (mutual TLS)");
ABSL_FLAG(bool, insecure, false,
          "allow plaintext on a non-loopback address (loopback is always allowed)");

namespace {

std::string FlagOrEnv(const std::string& flag, const char* env, const char* fallback) {
  if (!flag.empty()) return flag;
  const char* value = std::getenv(env);
  if (value != nullptr && *value != '\0') return value;
  return fallback;
}

[[noreturn]] void Fail(const std::string& message) {
  ahpl::FlushLogs();
  std::fprintf(stderr, "ahpl-server: %s\n", message.c_str());
  std::exit(1);
}

// --help lists the flags defined here (Abseil's default looks for files
// named after the program), --version prints the build's version.
void ConfigureUsage() {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "services/server/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  config.version_string = [] { return absl::StrCat("ahpl-server ", ahpl::BuildVersion(), "\n"); };
  absl::SetFlagsUsageConfig(config);
}

// The value of a flag in seconds that must not be negative; 0 is
// "no limit" where `zero_is_unlimited`.
absl::Duration FlagSeconds(const absl::Flag<int>& flag, const char* name, bool zero_is_unlimited) {
  const int seconds = absl::GetFlag(flag);
  if (seconds < 0) Fail(absl::StrCat("--", name, " must not be negative"));
  if (seconds == 0 && zero_is_unlimited) return absl::InfiniteDuration();
  return absl::Seconds(seconds);
}

ahpl::ConnectionOptions ConnectionFlags() {
  ahpl::ConnectionOptions c;
  c.limits.max_connections = absl::GetFlag(FLAGS_max_connections);
  if (c.limits.max_connections < 1) Fail("--max_connections must be at least 1");
  c.limits.fd_reserve = absl::GetFlag(FLAGS_fd_reserve);
  if (c.limits.fd_reserve < 0) Fail("--fd_reserve must not be negative");
  c.max_idle = FlagSeconds(FLAGS_max_connection_idle_seconds, "max_connection_idle_seconds", true);
  c.max_age = FlagSeconds(FLAGS_max_connection_age_seconds, "max_connection_age_seconds", true);
  c.max_age_grace = FlagSeconds(FLAGS_max_connection_age_grace_seconds,
                                "max_connection_age_grace_seconds", false);
  c.handshake_timeout =
      FlagSeconds(FLAGS_handshake_timeout_seconds, "handshake_timeout_seconds", false);
  if (c.handshake_timeout == absl::ZeroDuration())
    Fail("--handshake_timeout_seconds must be positive");
  c.keepalive_time = FlagSeconds(FLAGS_keepalive_seconds, "keepalive_seconds", true);
  c.keepalive_timeout =
      FlagSeconds(FLAGS_keepalive_timeout_seconds, "keepalive_timeout_seconds", false);
  c.min_client_ping_interval = FlagSeconds(FLAGS_min_client_ping_interval_seconds,
                                           "min_client_ping_interval_seconds", false);
  c.max_ping_strikes = absl::GetFlag(FLAGS_max_ping_strikes);
  if (c.max_ping_strikes < 0) Fail("--max_ping_strikes must not be negative");
  return c;
}

std::string SecretFromFile(const std::string& path) {
  auto secret = ahpl::ReadSecretFile(path);
  if (!secret.ok()) Fail(std::string(secret.status().message()));
  return *secret;
}

// --create_token: make one token as "bootstrap" and print its secret.
int CreateToken(const std::string& database_url) {
  ahpl::v1::CreateTokenRequest request;
  const std::optional<ahpl::v1::Role> role = ahpl::RoleFromWord(absl::GetFlag(FLAGS_create_token));
  if (!role.has_value()) Fail("--create_token: the role is one of " + ahpl::RoleWords());
  request.set_role(*role);
  request.set_scope(absl::GetFlag(FLAGS_token_scope));
  request.set_description(absl::GetFlag(FLAGS_token_description));
  const int days = absl::GetFlag(FLAGS_token_ttl_days);
  if (days < 0) Fail("--token_ttl_days must not be negative");
  if (days > 0) request.mutable_time_to_live()->set_seconds(int64_t{days} * 86400);
  auto created = ahpl::BootstrapToken(database_url, request);
  if (!created.ok()) Fail(std::string(created.status().message()));
  std::fprintf(stderr, "created %s (%s%s%s); its secret is shown once, below:\n",
               created->token().name().c_str(), absl::GetFlag(FLAGS_create_token).c_str(),
               request.scope().empty() ? "" : " ", request.scope().c_str());
  std::printf("%s\n", created->secret().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ConfigureUsage();
  absl::SetProgramUsageMessage(
      "Hosts the ahpl gRPC services (docs/operations.md).\n"
      "  ahpl-server --database_url=postgresql://... [--listen=127.0.0.1:50051] "
      "[--services=all]\n"
      "  ahpl-server --database_url=... --migrate_only\n"
      "  ahpl-server --database_url=... --create_token=admin");
  absl::ParseCommandLine(argc, argv);
  ahpl::LogFormat log_format = ahpl::LogFormat::kText;
  const std::string log_format_word =
      FlagOrEnv(absl::GetFlag(FLAGS_log_format), "AHPL_LOG_FORMAT", "text");
  if (!ahpl::ParseLogFormat(log_format_word, &log_format)) {
    Fail("--log_format must be text or json, not " + log_format_word);
  }
  ahpl::SetLogFormat(log_format);
  ahpl::PrepareServingProcess();
  if (absl::GetFlag(FLAGS_verbose)) ahpl::SetLogLevel(ahpl::LogLevel::kDebug);

  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ahpl::HostOptions options = ahpl::DefaultHostOptions("");
  options.listen_address = FlagOrEnv(absl::GetFlag(FLAGS_listen), "AHPL_LISTEN", "127.0.0.1:50051");
  options.database_url = FlagOrEnv(absl::GetFlag(FLAGS_database_url), "AHPL_DATABASE_URL", "");
  if (options.database_url.empty()) {
    Fail("no database: pass --database_url=postgresql://... or set AHPL_DATABASE_URL");
  }
  if (!absl::GetFlag(FLAGS_create_token).empty()) return CreateToken(options.database_url);
  if (absl::GetFlag(FLAGS_migrate_only)) {
    auto report = ahpl::PrepareDatabase(options.database_url);
    if (!report.ok()) Fail(std::string(report.status().message()));
    ahpl::LogInfo("database schema at version ", report->current_version, " (",
                  report->applied.size(), " applied now); reference data loaded");
    ahpl::FlushLogs();
    return 0;
  }
  options.health_listen = FlagOrEnv(absl::GetFlag(FLAGS_health_listen), "AHPL_HEALTH_LISTEN", "");
  options.observability.metrics_listen =
      FlagOrEnv(absl::GetFlag(FLAGS_metrics_listen), "AHPL_METRICS_LISTEN", "");
  options.observability.access_log = absl::GetFlag(FLAGS_access_log);
  options.observability.version = ahpl::BuildVersion();
  const int tls_reload = absl::GetFlag(FLAGS_tls_reload_seconds);
  if (tls_reload < 0) Fail("--tls_reload_seconds must not be negative");
  options.transport.reload_interval = absl::Seconds(tls_reload);
  options.read_database_url =
      FlagOrEnv(absl::GetFlag(FLAGS_read_database_url), "AHPL_READ_DATABASE_URL", "");
  if (absl::GetFlag(FLAGS_read_max_lag_seconds) < 1)
    Fail("--read_max_lag_seconds must be positive");
  options.read_max_lag = absl::Seconds(absl::GetFlag(FLAGS_read_max_lag_seconds));
  options.transport.cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.transport.key_file = absl::GetFlag(FLAGS_tls_key);
  options.transport.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca);
  options.transport.allow_insecure = absl::GetFlag(FLAGS_insecure);
  const int pool_size = absl::GetFlag(FLAGS_pool_size);
  if (pool_size < 1 || pool_size > 256) Fail("--pool_size must be between 1 and 256");
  options.pool_size = static_cast<size_t>(pool_size);
  const int grace = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  if (grace < 0) Fail("--shutdown_grace_seconds must not be negative");
  options.shutdown_grace = absl::Seconds(grace);
  options.connections = ConnectionFlags();
  if (!absl::GetFlag(FLAGS_classification_target).empty()) {
    ahpl::RemoteClassificationSettings& remote = options.settings.assessment.classification;
    remote.target = absl::GetFlag(FLAGS_classification_target);
    if (absl::GetFlag(FLAGS_classification_token_file).empty()) {
      Fail("--classification_target needs --classification_token_file (a classifier token)");
    }
    remote.token = SecretFromFile(absl::GetFlag(FLAGS_classification_token_file));
    remote.ca_file = absl::GetFlag(FLAGS_classification_ca);
    remote.cert_file = absl::GetFlag(FLAGS_tls_cert);
    remote.key_file = absl::GetFlag(FLAGS_tls_key);
    remote.insecure = absl::GetFlag(FLAGS_insecure);
  }
  options.settings.classification.ruleset_file = absl::GetFlag(FLAGS_ruleset_file);
  const int suppress_below = absl::GetFlag(FLAGS_suppress_below);
  if (suppress_below < 2 || suppress_below > 1000) {
    Fail("--suppress_below must be between 2 and 1000");
  }
  options.settings.assessment.suppress_below = suppress_below;

  auto services = ahpl::SelectServices(absl::GetFlag(FLAGS_services));
  if (!services.ok()) Fail(std::string(services.status().message()));
  std::string names;
  for (const auto& s : *services) absl::StrAppend(&names, names.empty() ? "" : ", ", s.name);

  ahpl::RaiseOpenFileLimit();
  auto host = ahpl::ServiceHost::Start(std::move(options), std::move(*services));
  if (!host.ok()) Fail(std::string(host.status().message()));
  ahpl::LogInfo("ahpl-server ", ahpl::BuildVersion(), " listening on port ", (*host)->port(),
                " with ", names);

  int received = 0;
  for (;;) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    ahpl::LogInfo("SIGHUP: reloading");
    (void)(*host)->Reload();
  }
  ahpl::LogInfo("signal ", received, ": shutting down, letting calls in flight finish");
  (*host)->Shutdown();
  ahpl::LogInfo("stopped");
  ahpl::FlushLogs();
  return 0;
}
