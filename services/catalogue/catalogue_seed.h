// Loads the reference data shipped with ahpl (edition 2018-06 and the trust
// register, compiled in from services/catalogue/data/) into PostgreSQL.
#ifndef AHPL_SERVICES_CATALOGUE_CATALOGUE_SEED_H_
#define AHPL_SERVICES_CATALOGUE_CATALOGUE_SEED_H_

#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/v1/catalogue.pb.h"
#include "services/catalogue/catalogue_store.h"
#include "services/catalogue/trust_register.h"

namespace ahpl::catalogue {

// The shipped editions, parsed from their JSON data files.
absl::StatusOr<std::vector<v1::Edition>> ShippedEditions();
// The shipped trust register.
absl::StatusOr<std::vector<TrustRecord>> ShippedTrustRegister();

// Publishes each shipped edition not yet in the database (an identical one
// is left alone; a different one under the same id is an error) and brings
// the trust register in line with the shipped file. Safe to run at every
// start and from several servers at once.
absl::Status SeedCatalogue(CatalogueStore& store);

}  // namespace ahpl::catalogue

#endif  // AHPL_SERVICES_CATALOGUE_CATALOGUE_SEED_H_
