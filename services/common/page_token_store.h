// Where the page-token key lives: the only SQL of page tokens.
#ifndef AHPL_SERVICES_COMMON_PAGE_TOKEN_STORE_H_
#define AHPL_SERVICES_COMMON_PAGE_TOKEN_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/common/pg_pool.h"

namespace ahpl {

// The key every server on the database signs page tokens with (made by
// migration 0005); FAILED_PRECONDITION when it is missing.
absl::StatusOr<std::string> LoadPageTokenKey(PgPool& pool);

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_PAGE_TOKEN_STORE_H_
