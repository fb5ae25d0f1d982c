// Applies numbered SQL migrations at start-up, once each, recorded in the
// schema_migrations table. Safe when several servers start at once.
#ifndef AHPL_SERVICES_COMMON_MIGRATIONS_H_
#define AHPL_SERVICES_COMMON_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/embedded_file.h"

namespace ahpl {

struct Migration {
  int version = 0;   // from the file name's leading digits
  std::string name;  // the file name
  std::string sql;
  std::string checksum;  // hex SHA-256 of sql
};

// Parses files named "NNNN_description.sql" into migrations ordered by
// version; duplicate or missing numbers are errors.
absl::StatusOr<std::vector<Migration>> ParseMigrations(const std::vector<EmbeddedFile>& files);

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this call
  int current_version = 0;   // highest version recorded after the call
};

// Applies the migrations not yet recorded in the database at `url`, each in
// its own transaction under an advisory lock, so a failing migration leaves
// the database as it was and concurrent callers wait rather than race. An
// applied migration whose text has since changed is an error.
absl::StatusOr<MigrationReport> ApplyMigrations(const std::string& url,
                                                const std::vector<Migration>& migrations);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_MIGRATIONS_H_
