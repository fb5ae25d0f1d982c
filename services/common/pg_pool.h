// A bounded pool of PostgreSQL connections shared by every handler of a
// server, with the statements each store prepares on every connection; or,
// for reads that may lag, a pool on a streaming standby that hands its calls
// to the primary's pool while the standby is set aside.
#ifndef AHPL_SERVICES_COMMON_PG_POOL_H_
#define AHPL_SERVICES_COMMON_PG_POOL_H_

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <atomic>

#include <pqxx/pqxx>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ahpl {

// A named SQL statement prepared on every pooled connection.
struct PreparedStatement {
  std::string name;
  std::string sql;
};

// Isolation level of a pooled transaction.
enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

// Every method may be called from any number of threads at once: each call
// leases a connection of its own, and the pool's bookkeeping (idle
// connections, their count, the registered statements) is guarded by mu_.
class PgPool {
 public:
  struct Options {
    std::string url;
    size_t size = 8;
    absl::Duration acquire_timeout = absl::Seconds(10);
    // Server-side limit on each statement; zero for none.
    absl::Duration statement_timeout = absl::Seconds(30);
    // Attempts for a transaction that meets a serialization failure or
    // deadlock.
    int max_attempts = 5;
    // Told how long each lease waited for a connection (zero when one was
    // free), outside the pool's lock; may be empty.
    std::function<void(absl::Duration waited)> on_wait;
  };

  // How the pool stands at one moment.
  struct Usage {
    size_t size = 0;     // connections it may open
    size_t open = 0;     // open now, idle or leased
    size_t in_use = 0;   // leased now
    size_t waiting = 0;  // callers waiting for a connection
  };

  // Opens the first connection, so an unreachable database fails here.
  static absl::StatusOr<std::unique_ptr<PgPool>> Connect(Options options);

  // A pool on a streaming standby of `primary`'s database (`options.url`),
  // for reads that may lag. It opens no connection until used, and each
  // call goes to `primary` instead while the standby is set aside (at
  // first, until SetStandbyUsable(true); StandbyMonitor decides) or when no
  // connection to it can be opened. `primary` must outlive it.
  static absl::StatusOr<std::unique_ptr<PgPool>> ForStandby(Options options, PgPool& primary);
  ~PgPool();

  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Adds statements prepared on every connection, now and later (a
  // standby's pool adds them to its primary's too). A name registered again
  // with the same SQL is ignored (several stores may share one pool); with
  // other SQL it is a programming error and aborts.
  void RegisterStatements(const std::vector<PreparedStatement>& statements)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Runs `fn` on a leased connection. Database exceptions become statuses.
  absl::Status WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn);

  // Runs `fn` in a transaction, committing when it returns OK and rolling
  // back otherwise; retries serialization failures and deadlocks a bounded
  // number of times, so `fn` must be safe to run again.
  absl::Status InTransaction(const std::function<absl::Status(pqxx::transaction_base&)>& fn,
                             Isolation isolation = Isolation::kReadCommitted);

  // Runs `fn` in a read-only transaction (no commit needed), for reads of
  // several statements that must see one snapshot.
  absl::Status Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn);

  // Runs `fn` with no explicit transaction: each statement commits on its
  // own, atomically, in one round trip. For single-statement reads and
  // writes.
  absl::Status Statement(const std::function<absl::Status(pqxx::transaction_base&)>& fn);

  size_t size() const { return options_.size; }
  Usage usage() const ABSL_LOCKS_EXCLUDED(mu_);
  const std::string& url() const { return options_.url; }

  // A standby's pool: whether its calls go to the standby (true) or to the
  // primary (false). No effect on a primary's pool.
  void SetStandbyUsable(bool usable) { standby_usable_.store(usable); }
  // Whether calls are served on this pool's own database: always for a
  // primary's pool; for a standby's, while it is not set aside.
  bool serves_own_database() const { return primary_ == nullptr || standby_usable_.load(); }

 private:
  struct Slot {
    std::unique_ptr<pqxx::connection> conn;
    size_t prepared = 0;  // statements_[0, prepared) are prepared on it
  };

  PgPool(Options options, PgPool* primary);
  // The pool a call goes to instead: a standby's primary while the standby
  // is set aside; nullptr to serve it here.
  PgPool* Diverted() const { return serves_own_database() ? nullptr : primary_; }
  // WithConnection on this pool's own database; a standby's pool hands the
  // call to its primary when no connection to the standby can be opened
  // (before `fn` has run).
  absl::Status WithOwnConnection(const std::function<absl::Status(pqxx::connection&)>& fn);
  // Waits (up to acquire_timeout) for an idle connection or room to open
  // one. Releasing mu_ wakes the waiters whose condition holds, so Release
  // has nothing to notify.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire() ABSL_LOCKS_EXCLUDED(mu_);
  void Release(std::unique_ptr<Slot> slot, bool broken) ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open() const;
  // `slot` is leased to the caller, so only the statement list needs mu_.
  void PrepareMissing(Slot& slot) ABSL_LOCKS_EXCLUDED(mu_);
  // Whether Acquire can lease at once.
  bool CanLeaseLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || open_ < options_.size;
  }

  const Options options_;
  // Set for a standby's pool: where its calls go while it is set aside.
  PgPool* const primary_ = nullptr;
  std::atomic<bool> standby_usable_{false};
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Slot>> idle_ ABSL_GUARDED_BY(mu_);
  size_t open_ ABSL_GUARDED_BY(mu_) = 0;  // connections idle or leased
  size_t in_use_ ABSL_GUARDED_BY(mu_) = 0;
  size_t waiting_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<PreparedStatement> statements_ ABSL_GUARDED_BY(mu_);
};

// Maps a database exception to a status: lost connections are UNAVAILABLE,
// unique violations ALREADY_EXISTS, cancelled statements DEADLINE_EXCEEDED,
// serialization failures ABORTED, constraint violations FAILED_PRECONDITION,
// anything else INTERNAL.
absl::Status StatusFromDatabaseError(const std::exception& e);

// Whether `e` is a transient conflict worth retrying the transaction for.
bool IsRetryableDatabaseError(const std::exception& e);

// `url` (a postgresql:// URL or key=value connection string) with libpq's
// connect_timeout set to `seconds` unless it sets one: libpq waits for ever
// by default, and a standby that vanished from the network must not hold a
// call or a probe that long.
std::string WithConnectTimeout(const std::string& url, int seconds);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PG_POOL_H_
