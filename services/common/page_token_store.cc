#include "services/common/page_token_store.h"

#include <optional>

#include "core/status_macros.h"

namespace ahpl {

absl::StatusOr<std::string> LoadPageTokenKey(PgPool& pool) {
  pool.RegisterStatements({{"page_token_key", "SELECT key FROM page_token_key"}});
  std::optional<std::string> key;
  RETURN_IF_ERROR(pool.Statement([&](pqxx::transaction_base& tx) -> absl::Status {
    const auto r = tx.exec_prepared("page_token_key");
    if (!r.empty()) key = pqxx::binarystring(r[0][0]).str();
    return absl::OkStatus();
  }));
  if (!key.has_value()) {
    return absl::FailedPreconditionError(
        "the database has no page-token key (table page_token_key, made by migration 0005)");
  }
  return *std::move(key);
}

}  // namespace ahpl
