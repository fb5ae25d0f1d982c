#include "services/common/pg_pool.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace ahpl {
namespace {

// SQLSTATE classes and codes, from PostgreSQL's errcodes appendix.
bool IsSqlState(const pqxx::sql_error& e, const char* state) { return e.sqlstate() == state; }

// How long a call waits to connect to a standby before the primary serves it.
constexpr int kStandbyConnectSeconds = 3;

}  // namespace

absl::Status StatusFromDatabaseError(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database unavailable: ", e.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat("database commit in doubt: ", e.what()));
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    // Serialization failures and deadlocks (libpqxx 6 does not derive these
    // from sql_error).
    return absl::AbortedError("database conflict; try again");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    if (dynamic_cast<const pqxx::unique_violation*>(sql) != nullptr) {
      return absl::AlreadyExistsError(sql->what());
    }
    if (IsSqlState(*sql, "57014")) {
      return absl::DeadlineExceededError("database statement timed out");
    }
    if (IsSqlState(*sql, "40001") || IsSqlState(*sql, "40P01")) {
      return absl::AbortedError("database conflict; try again");
    }
    if (dynamic_cast<const pqxx::integrity_constraint_violation*>(sql) != nullptr) {
      return absl::FailedPreconditionError(sql->what());
    }
    if (IsSqlState(*sql, "57P01") || IsSqlState(*sql, "57P03") ||
        sql->sqlstate().rfind("08", 0) == 0) {
      return absl::UnavailableError(absl::StrCat("database unavailable: ", sql->what()));
    }
    LogError("database error ", sql->sqlstate(), ": ", sql->what());
    return absl::InternalError("database error");
  }
  LogError("unexpected error: ", e.what());
  return absl::InternalError("internal error");
}

bool IsRetryableDatabaseError(const std::exception& e) {
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return true;
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql != nullptr && (IsSqlState(*sql, "40001") || IsSqlState(*sql, "40P01"));
}

std::string WithConnectTimeout(const std::string& url, int seconds) {
  if (absl::StrContains(url, "connect_timeout")) return url;
  const std::string timeout = absl::StrCat("connect_timeout=", seconds);
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    return absl::StrCat(url, absl::StrContains(url, "?") ? "&" : "?", timeout);
  }
  return absl::StrCat(url, url.empty() ? "" : " ", timeout);
}

PgPool::PgPool(Options options, PgPool* primary)
    : options_(std::move(options)), primary_(primary) {}

PgPool::~PgPool() = default;

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Connect(Options options) {
  if (options.size == 0) return absl::InvalidArgumentError("pool size must be positive");
  std::unique_ptr<PgPool> pool(new PgPool(std::move(options), nullptr));
  auto first = pool->Open();
  if (!first.ok()) return first.status();
  auto slot = std::make_unique<Slot>();
  slot->conn = std::move(*first);
  {
    absl::MutexLock lock(&pool->mu_);
    pool->open_ = 1;
    pool->idle_.push_back(std::move(slot));
  }
  return pool;
}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::ForStandby(Options options, PgPool& primary) {
  if (options.size == 0) return absl::InvalidArgumentError("pool size must be positive");
  options.url = WithConnectTimeout(options.url, kStandbyConnectSeconds);
  return std::unique_ptr<PgPool>(new PgPool(std::move(options), &primary));
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Open() const {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.url);
    if (options_.statement_timeout > absl::ZeroDuration()) {
      pqxx::nontransaction tx(*conn);
      tx.exec_params("SELECT set_config('statement_timeout', $1, false)",
                     std::to_string(absl::ToInt64Milliseconds(options_.statement_timeout)));
    }
    return conn;
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot connect to the database: ", e.what()));
  }
}

void PgPool::RegisterStatements(const std::vector<PreparedStatement>& statements) {
  // A call handed to the primary prepares there.
  if (primary_ != nullptr) primary_->RegisterStatements(statements);
  absl::MutexLock lock(&mu_);
  for (const auto& s : statements) {
    bool known = false;
    for (const auto& existing : statements_) {
      if (existing.name != s.name) continue;
      known = true;
      if (existing.sql != s.sql) {
        LogError("prepared statement ", s.name, " registered twice with different SQL");
        std::abort();
      }
    }
    if (!known) statements_.push_back(s);
  }
}

void PgPool::PrepareMissing(Slot& slot) {
  std::vector<PreparedStatement> missing;
  {
    absl::MutexLock lock(&mu_);
    missing.assign(statements_.begin() + slot.prepared, statements_.end());
  }
  for (const auto& s : missing) {
    slot.conn->prepare(s.name, s.sql);
    ++slot.prepared;
  }
}

absl::StatusOr<std::unique_ptr<PgPool::Slot>> PgPool::Acquire() {
  absl::Duration waited = absl::ZeroDuration();
  bool timed_out = false;
  std::unique_ptr<Slot> idle;
  {
    absl::MutexLock lock(&mu_);
    if (!CanLeaseLocked()) {
      const absl::Time start = absl::Now();
      ++waiting_;
      // The condition as it stands at the deadline, re-checked on every wake.
      const bool free = mu_.AwaitWithTimeout(absl::Condition(this, &PgPool::CanLeaseLocked),
                                             options_.acquire_timeout);
      --waiting_;
      waited = absl::Now() - start;
      timed_out = !free;
    }
    if (!timed_out) {
      ++in_use_;
      if (!idle_.empty()) {
        idle = std::move(idle_.back());
        idle_.pop_back();
      } else {
        ++open_;  // room for one more: counted now, opened without the lock
      }
    }
  }
  if (options_.on_wait) options_.on_wait(waited);
  if (timed_out) return absl::ResourceExhaustedError("no database connection free in time");
  if (idle != nullptr) return idle;
  auto conn = Open();
  if (!conn.ok()) {
    // Releasing mu_ lets a waiter take the room back.
    absl::MutexLock lock(&mu_);
    --open_;
    --in_use_;
    return conn.status();
  }
  auto slot = std::make_unique<Slot>();
  slot->conn = std::move(*conn);
  return slot;
}

PgPool::Usage PgPool::usage() const {
  absl::MutexLock lock(&mu_);
  return Usage{options_.size, open_, in_use_, waiting_};
}

void PgPool::Release(std::unique_ptr<Slot> slot, bool broken) {
  // Releasing mu_ wakes a waiter in Acquire whose condition now holds.
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (broken || !slot->conn->is_open()) {
    --open_;
  } else {
    idle_.push_back(std::move(slot));
  }
}

absl::Status PgPool::WithConnection(const std::function<absl::Status(pqxx::connection&)>& fn) {
  if (PgPool* primary = Diverted()) return primary->WithConnection(fn);
  return WithOwnConnection(fn);
}

absl::Status PgPool::WithOwnConnection(const std::function<absl::Status(pqxx::connection&)>& fn) {
  auto slot = Acquire();
  if (!slot.ok()) {
    // The standby cannot be reached (StandbyMonitor sets it aside within
    // a probe): the primary serves the call.
    if (primary_ != nullptr && absl::IsUnavailable(slot.status())) {
      return primary_->WithConnection(fn);
    }
    return slot.status();
  }
  bool broken = false;
  absl::Status status;
  try {
    PrepareMissing(**slot);
    status = fn(*(*slot)->conn);
  } catch (const pqxx::broken_connection& e) {
    broken = true;
    status = StatusFromDatabaseError(e);
  } catch (const std::exception& e) {
    status = StatusFromDatabaseError(e);
  }
  Release(std::move(*slot), broken);
  return status;
}

absl::Status PgPool::InTransaction(const std::function<absl::Status(pqxx::transaction_base&)>& fn,
                                   Isolation isolation) {
  absl::Status status;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    bool retry = false;
    status = WithConnection([&](pqxx::connection& conn) -> absl::Status {
      try {
        auto run = [&](auto& tx) -> absl::Status {
          absl::Status s = fn(tx);
          if (s.ok()) {
            tx.commit();
          } else {
            tx.abort();
          }
          return s;
        };
        switch (isolation) {
          case Isolation::kSerializable: {
            pqxx::transaction<pqxx::serializable> tx(conn);
            return run(tx);
          }
          case Isolation::kRepeatableRead: {
            pqxx::transaction<pqxx::repeatable_read> tx(conn);
            return run(tx);
          }
          case Isolation::kReadCommitted:
            break;
        }
        pqxx::work tx(conn);
        return run(tx);
      } catch (const pqxx::broken_connection&) {
        throw;
      } catch (const std::exception& e) {
        if (IsRetryableDatabaseError(e)) retry = true;
        return StatusFromDatabaseError(e);
      }
    });
    if (!retry) return status;
  }
  return status;
}

absl::Status PgPool::Statement(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return WithConnection([&](pqxx::connection& conn) -> absl::Status {
    pqxx::nontransaction tx(conn);
    return fn(tx);
  });
}

absl::Status PgPool::Read(const std::function<absl::Status(pqxx::transaction_base&)>& fn) {
  return WithConnection([&](pqxx::connection& conn) -> absl::Status {
    pqxx::read_transaction tx(conn);
    return fn(tx);
  });
}

}  // namespace ahpl
