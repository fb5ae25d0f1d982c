// A bounded pool of PostgreSQL connections shared by every handler of a
// server, with the statements each store prepares on every connection.
#ifndef AHPL_SERVICES_COMMON_PG_POOL_H_
#define AHPL_SERVICES_COMMON_PG_POOL_H_

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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
  ~PgPool();

  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Adds statements prepared on every connection, now and later. A name
  // registered again with the same SQL is ignored (several stores may share
  // one pool); with other SQL it is a programming error and aborts.
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

 private:
  struct Slot {
    std::unique_ptr<pqxx::connection> conn;
    size_t prepared = 0;  // statements_[0, prepared) are prepared on it
  };

  explicit PgPool(Options options);
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

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PG_POOL_H_
