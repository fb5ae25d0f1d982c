// The services ahpl-server can host, by short name.
#ifndef AHPL_SERVICES_SERVER_HOSTED_SERVICES_H_
#define AHPL_SERVICES_SERVER_HOSTED_SERVICES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/access.pb.h"
#include "services/common/embedded_file.h"
#include "services/common/migrations.h"
#include "services/common/service_host.h"

namespace ahpl {

// Every service this build can host.
std::vector<ServiceFactory> AllServiceFactories();

// The services named in `names` (comma-separated short names, or "all"); an
// unknown or repeated name is INVALID_ARGUMENT listing the known ones.
absl::StatusOr<std::vector<ServiceFactory>> SelectServices(absl::string_view names);

// The SQL migrations of every service, compiled in.
std::vector<EmbeddedFile> SchemaMigrations();

// Loads the shipped reference data (catalogue editions, trust register);
// run by every server at start, whichever services it hosts.
absl::Status SeedReferenceData(PgPool& pool);

// Host options for `database_url` with the migrations, seed and token
// authorizer filled in.
HostOptions DefaultHostOptions(std::string database_url);

// Applies the schema migrations and loads the reference data, as every
// server does at start, and nothing else (ahpl-server --migrate_only: the
// one-shot migration step of a deployment). Says what it applied.
absl::StatusOr<MigrationReport> PrepareDatabase(const std::string& database_url);

// Creates a token on the server host, as "bootstrap", without a running
// server (migrating and seeding the database first if needed): how the
// first admin token is made.
absl::StatusOr<v1::CreateTokenResponse> BootstrapToken(const std::string& database_url,
                                                       const v1::CreateTokenRequest& request);

}  // namespace ahpl

#endif  // AHPL_SERVICES_SERVER_HOSTED_SERVICES_H_
