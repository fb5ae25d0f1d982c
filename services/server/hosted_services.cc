#include "services/server/hosted_services.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"
#include "services/access/access_service.h"
#include "services/assessment/hosted_assessment.h"
#include "services/catalogue/catalogue_seed.h"
#include "services/catalogue/catalogue_service.h"
#include "services/classification/classification_service.h"
#include "services/common/migrations.h"

namespace ahpl {

std::vector<EmbeddedFile> EmbeddedMigrations();  // generated from services/migrations/

std::vector<EmbeddedFile> SchemaMigrations() { return EmbeddedMigrations(); }

absl::Status SeedReferenceData(PgPool& pool) {
  catalogue::CatalogueStore store(pool);
  return catalogue::SeedCatalogue(store);
}

HostOptions DefaultHostOptions(std::string database_url) {
  HostOptions options;
  options.database_url = std::move(database_url);
  options.migrations = SchemaMigrations();
  options.seed = SeedReferenceData;
  options.authorizer = access::MakeTokenAuthorizer;
  return options;
}

absl::StatusOr<MigrationReport> PrepareDatabase(const std::string& database_url) {
  PgPool::Options pool_options;
  pool_options.url = database_url;
  pool_options.size = 1;
  ASSIGN_OR_RETURN(auto pool, PgPool::Connect(pool_options));
  ASSIGN_OR_RETURN(auto migrations, ParseMigrations(SchemaMigrations()));
  ASSIGN_OR_RETURN(MigrationReport report, ApplyMigrations(database_url, migrations));
  RETURN_IF_ERROR(SeedReferenceData(*pool));
  return report;
}

absl::StatusOr<v1::CreateTokenResponse> BootstrapToken(const std::string& database_url,
                                                       const v1::CreateTokenRequest& request) {
  RETURN_IF_ERROR(PrepareDatabase(database_url).status());
  PgPool::Options pool_options;
  pool_options.url = database_url;
  pool_options.size = 1;
  ASSIGN_OR_RETURN(auto pool, PgPool::Connect(pool_options));
  access::AccessStore store(*pool);
  return access::CreateToken(store, request, Principal::System("bootstrap"));
}

std::vector<ServiceFactory> AllServiceFactories() {
  return {access::AccessServiceFactory(), catalogue::CatalogueServiceFactory(),
          assessment::AssessmentServiceFactory(), classification::ClassificationServiceFactory()};
}

absl::StatusOr<std::vector<ServiceFactory>> SelectServices(absl::string_view names) {
  std::vector<ServiceFactory> all = AllServiceFactories();
  if (absl::StripAsciiWhitespace(names) == "all" || absl::StripAsciiWhitespace(names).empty()) {
    return all;
  }
  std::vector<std::string> known;
  for (const auto& f : all) known.push_back(f.name);
  std::vector<ServiceFactory> chosen;
  std::set<std::string> seen;
  for (absl::string_view raw : absl::StrSplit(names, ',')) {
    const std::string name(absl::StripAsciiWhitespace(raw));
    bool found = false;
    for (const auto& f : all) {
      if (f.name == name) {
        if (!seen.insert(name).second) {
          return absl::InvalidArgumentError(absl::StrCat("--services names \"", name, "\" twice"));
        }
        chosen.push_back(f);
        found = true;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--services: unknown service \"", name, "\"; known: all, ", absl::StrJoin(known, ", ")));
    }
  }
  return chosen;
}

}  // namespace ahpl
