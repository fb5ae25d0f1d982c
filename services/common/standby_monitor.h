// Decides, probe by probe, whether reads that may lag are served by a
// PostgreSQL streaming standby or by the primary: the standby's pool serves
// them while the standby answers, is in recovery, is a copy of the primary's
// cluster, has replayed the schema this server migrated to, and is not too
// far behind; otherwise its calls go to the primary, and each change is
// logged. See docs/operations.md#read-replica.
#ifndef AHPL_SERVICES_COMMON_STANDBY_MONITOR_H_
#define AHPL_SERVICES_COMMON_STANDBY_MONITOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <pqxx/pqxx>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/pg_pool.h"

namespace ahpl {

// A WAL position as PostgreSQL writes it ("16/B374D848") as a number;
// INVALID_ARGUMENT for anything else.
absl::StatusOr<uint64_t> ParseLsn(absl::string_view text);

// How far a standby is behind its primary, measured on the primary's own
// WAL positions: each probe records the position the primary had flushed
// and when it was read; the standby is behind by the age of the oldest
// recorded position it has not replayed yet, zero when it has replayed them
// all. Unlike `now() - pg_last_xact_replay_timestamp()` on the standby, this
// does not grow while the primary is idle and does not compare two servers'
// clocks. Not thread-safe (one probing thread uses it).
class ReplayLag {
 public:
  // Positions recorded at most; beyond it the oldest two are merged into
  // the oldest time with the newer position, so the lag is overstated
  // rather than understated.
  static constexpr size_t kMaxRecorded = 4096;

  // The primary had flushed WAL up to `flushed` at `when`.
  void RecordPrimary(absl::Time when, uint64_t flushed);
  // How far behind a standby that has replayed up to `replayed` is at
  // `now`; forgets the positions it has replayed.
  absl::Duration Behind(absl::Time now, uint64_t replayed);

 private:
  // Ascending in both time and position.
  std::deque<std::pair<absl::Time, uint64_t>> recorded_;
};

class StandbyMonitor {
 public:
  struct Options {
    std::string primary_url;
    std::string standby_url;
    // Between probes.
    absl::Duration interval = absl::Seconds(1);
    // Reads go to the primary while the standby is further behind than this.
    absl::Duration max_lag = absl::Seconds(30);
  };

  // Probes once, so that a standby in good order serves from the start,
  // then every interval on a thread of its own, setting `standby_pool`
  // aside (PgPool::SetStandbyUsable) while the standby may not serve.
  // Start after migrating: the primary's WAL position at the first probe
  // is the least the standby must have replayed before it serves (the
  // schema this server's statements need). `standby_pool` must outlive the
  // monitor.
  static std::unique_ptr<StandbyMonitor> Start(Options options, PgPool& standby_pool);
  // Stops.
  ~StandbyMonitor();

  StandbyMonitor(const StandbyMonitor&) = delete;
  StandbyMonitor& operator=(const StandbyMonitor&) = delete;

  // Stops probing (the pool keeps its last setting). Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether reads that may lag go to the standby now.
  bool in_use() const { return pool_.serves_own_database(); }

 private:
  StandbyMonitor(Options options, PgPool& standby_pool);
  // Probes until Stop.
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Probes and sets the pool aside or not, logging changes.
  void Check();
  // OK when the standby may serve; otherwise why not.
  absl::Status Probe();

  const Options options_;
  PgPool& pool_;
  // Used by the probing thread only (and by Start before it runs).
  std::unique_ptr<pqxx::connection> primary_;
  std::unique_ptr<pqxx::connection> standby_;
  std::string primary_system_;  // the primary's system identifier, once read
  // The primary's flushed position at the first probe that reached it.
  std::optional<uint64_t> schema_position_;
  ReplayLag lag_;
  bool checked_ = false;
  absl::Time aside_logged_ = absl::InfinitePast();

  absl::Mutex mu_;
  // Set once by Stop; releasing mu_ then wakes the thread.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_STANDBY_MONITOR_H_
