#include "services/common/migrations.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"

namespace ahpl {
namespace {

// Key of the advisory lock held while migrating ("ahpl" in ASCII).
constexpr long long kMigrationLockKey = 0x6168706c;

}  // namespace

absl::StatusOr<std::vector<Migration>> ParseMigrations(const std::vector<EmbeddedFile>& files) {
  std::vector<Migration> out;
  for (const auto& f : files) {
    size_t digits = 0;
    while (digits < f.name.size() && std::isdigit(static_cast<unsigned char>(f.name[digits]))) {
      ++digits;
    }
    Migration m;
    if (digits == 0 || digits >= f.name.size() || f.name[digits] != '_' ||
        !absl::SimpleAtoi(f.name.substr(0, digits), &m.version) || m.version <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration file name must be NNNN_description.sql: ", f.name));
    }
    m.name = std::string(f.name);
    m.sql = std::string(f.contents);
    m.checksum = Sha256Hex(f.contents);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].version != static_cast<int>(i) + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("migrations must be numbered 1, 2, 3... without gaps or repeats; found ",
                       out[i].name, " at position ", i + 1));
    }
  }
  return out;
}

absl::StatusOr<MigrationReport> ApplyMigrations(const std::string& url,
                                                const std::vector<Migration>& migrations) {
  MigrationReport report;
  try {
    pqxx::connection conn(url);
    {
      pqxx::nontransaction tx(conn);
      tx.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    }
    absl::Status status = [&]() -> absl::Status {
      {
        pqxx::work tx(conn);
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "  version integer PRIMARY KEY,"
            "  name text NOT NULL,"
            "  checksum text NOT NULL,"
            "  applied_at timestamptz NOT NULL DEFAULT now())");
        tx.commit();
      }
      std::map<int, std::string> recorded;
      {
        pqxx::read_transaction tx(conn);
        for (const auto& row : tx.exec("SELECT version, checksum FROM schema_migrations")) {
          recorded[row[0].as<int>()] = row[1].as<std::string>();
        }
      }
      for (const auto& m : migrations) {
        auto it = recorded.find(m.version);
        if (it != recorded.end()) {
          if (it->second != m.checksum) {
            return absl::FailedPreconditionError(
                absl::StrCat("migration ", m.name,
                             " was changed after it was applied; add a new migration "
                             "instead of editing an applied one"));
          }
          continue;
        }
        try {
          pqxx::work tx(conn);
          tx.exec(m.sql);
          tx.exec_params(
              "INSERT INTO schema_migrations (version, name, checksum) "
              "VALUES ($1, $2, $3)",
              m.version, m.name, m.checksum);
          tx.commit();
        } catch (const pqxx::sql_error& e) {
          return absl::FailedPreconditionError(
              absl::StrCat("migration ", m.name, " failed and was rolled back: ", e.what()));
        }
        LogInfo("applied migration ", m.name);
        report.applied.push_back(m.version);
      }
      pqxx::read_transaction tx(conn);
      report.current_version =
          tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
      return absl::OkStatus();
    }();
    {
      pqxx::nontransaction tx(conn);
      tx.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    }
    if (!status.ok()) return status;
  } catch (const std::exception& e) {
    auto status = StatusFromDatabaseError(e);
    return absl::Status(status.code(), absl::StrCat("migrating the database: ", e.what()));
  }
  return report;
}

}  // namespace ahpl
