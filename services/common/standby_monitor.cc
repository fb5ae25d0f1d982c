#include "services/common/standby_monitor.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "services/common/log.h"

namespace ahpl {
namespace {

// How long a probe waits to connect to either server.
constexpr int kProbeConnectSeconds = 3;
// While the standby is set aside, the reason is logged again this often.
constexpr absl::Duration kRepeatAside = absl::Minutes(1);

// `d` to a tenth of a second, for a log line.
std::string ForLog(absl::Duration d) {
  return absl::FormatDuration(absl::Ceil(d, absl::Milliseconds(100)));
}

// libpq's message on one line (it spreads some over several).
std::string OneLine(absl::string_view message) {
  return std::string(
      absl::StripAsciiWhitespace(absl::StrReplaceAll(message, {{"\n", " "}, {"\t", ""}})));
}

// One to eight hex digits, nothing else.
bool IsHexWord(absl::string_view s) {
  if (s.empty() || s.size() > 8) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<uint64_t> ParseLsn(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  uint32_t high = 0;
  uint32_t low = 0;
  if (parts.size() != 2 || !IsHexWord(parts[0]) || !IsHexWord(parts[1]) ||
      !absl::SimpleHexAtoi(parts[0], &high) || !absl::SimpleHexAtoi(parts[1], &low)) {
    return absl::InvalidArgumentError(absl::StrCat("not a WAL position: \"", text, "\""));
  }
  return (uint64_t{high} << 32) | low;
}

void ReplayLag::RecordPrimary(absl::Time when, uint64_t flushed) {
  if (!recorded_.empty() && flushed <= recorded_.back().second) return;
  if (recorded_.size() >= kMaxRecorded) {
    // The oldest time with the second's position: a standby is taken to be
    // behind since then until it has replayed both.
    recorded_[0].second = recorded_[1].second;
    recorded_.erase(recorded_.begin() + 1);
  }
  recorded_.emplace_back(when, flushed);
}

absl::Duration ReplayLag::Behind(absl::Time now, uint64_t replayed) {
  while (!recorded_.empty() && recorded_.front().second <= replayed) recorded_.pop_front();
  if (recorded_.empty()) return absl::ZeroDuration();
  return std::max(absl::ZeroDuration(), now - recorded_.front().first);
}

StandbyMonitor::StandbyMonitor(Options options, PgPool& standby_pool)
    : options_(std::move(options)), pool_(standby_pool) {}

std::unique_ptr<StandbyMonitor> StandbyMonitor::Start(Options options, PgPool& standby_pool) {
  std::unique_ptr<StandbyMonitor> monitor(new StandbyMonitor(std::move(options), standby_pool));
  monitor->Check();
  monitor->thread_ = std::thread([m = monitor.get()] { m->Run(); });
  return monitor;
}

StandbyMonitor::~StandbyMonitor() { Stop(); }

void StandbyMonitor::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void StandbyMonitor::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      // True (and at once) when Stop sets stopping_.
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) return;
    }
    Check();
  }
}

void StandbyMonitor::Check() {
  const absl::Status verdict = Probe();
  const bool was = pool_.serves_own_database();
  pool_.SetStandbyUsable(verdict.ok());
  const absl::Time now = absl::Now();
  if (verdict.ok()) {
    if (!was || !checked_) LogInfo("reads that may lag go to the standby");
  } else if (was || !checked_ || now - aside_logged_ >= kRepeatAside) {
    LogWarning("reads that may lag go to the primary: ", verdict.message());
    aside_logged_ = now;
  }
  checked_ = true;
}

absl::Status StandbyMonitor::Probe() {
  // The primary's position first: what the standby has replayed by the
  // time it is asked is compared with it.
  const absl::Time asked = absl::Now();
  try {
    if (primary_ == nullptr || !primary_->is_open()) {
      primary_ = std::make_unique<pqxx::connection>(
          WithConnectTimeout(options_.primary_url, kProbeConnectSeconds));
    }
    pqxx::nontransaction tx(*primary_);
    const pqxx::row row = tx.exec1(
        "SELECT system_identifier::text, pg_current_wal_flush_lsn()::text "
        "FROM pg_control_system()");
    primary_system_ = row[0].c_str();
    ASSIGN_OR_RETURN(const uint64_t flushed, ParseLsn(row[1].c_str()));
    lag_.RecordPrimary(asked, flushed);
    if (!schema_position_.has_value()) schema_position_ = flushed;
  } catch (const std::exception&) {
    // The primary's own health is the host's business; the standby is
    // judged on the positions recorded so far.
    primary_.reset();
  }

  std::string system;
  bool recovering = false;
  std::optional<std::string> replayed;
  try {
    if (standby_ == nullptr || !standby_->is_open()) {
      standby_ = std::make_unique<pqxx::connection>(
          WithConnectTimeout(options_.standby_url, kProbeConnectSeconds));
    }
    pqxx::nontransaction tx(*standby_);
    const pqxx::row row = tx.exec1(
        "SELECT system_identifier::text, pg_is_in_recovery(), pg_last_wal_replay_lsn()::text "
        "FROM pg_control_system()");
    system = row[0].c_str();
    recovering = row[1].as<bool>();
    if (!row[2].is_null()) replayed = row[2].c_str();
  } catch (const std::exception& e) {
    standby_.reset();
    return absl::UnavailableError(
        absl::StrCat("the standby cannot be reached (", OneLine(e.what()), ")"));
  }
  if (primary_system_.empty() || !schema_position_.has_value()) {
    return absl::UnavailableError("the primary cannot be reached to check the standby against");
  }
  if (system != primary_system_) {
    return absl::FailedPreconditionError(
        "the read database is not a copy of the primary's cluster (another system identifier)");
  }
  if (!recovering || !replayed.has_value()) {
    return absl::FailedPreconditionError(
        "the read database is not in recovery (not a standby, or promoted)");
  }
  ASSIGN_OR_RETURN(const uint64_t at, ParseLsn(*replayed));
  if (at < *schema_position_) {
    return absl::FailedPreconditionError(
        "the standby has not yet replayed the schema this server migrated to");
  }
  const absl::Duration behind = lag_.Behind(absl::Now(), at);
  if (behind > options_.max_lag) {
    return absl::FailedPreconditionError(absl::StrCat("the standby is ", ForLog(behind),
                                                      " behind the primary (more than ",
                                                      ForLog(options_.max_lag), ")"));
  }
  return absl::OkStatus();
}

}  // namespace ahpl
