// The register of NHS trusts in England with their NHS England regions, as
// read from the project's data file.
#ifndef AHPL_SERVICES_CATALOGUE_TRUST_REGISTER_H_
#define AHPL_SERVICES_CATALOGUE_TRUST_REGISTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ahpl::catalogue {

struct TrustRecord {
  std::string ods_code;
  std::string name;
  std::string region_code;
  std::string region_name;
  std::string trust_type;
};

// Parses the register CSV (header ods_code,name,region_code,region_name,
// trust_type). Every problem is reported with its line; a region code named
// differently on two lines, or an ODS code twice, is an error.
absl::StatusOr<std::vector<TrustRecord>> ParseTrustRegister(absl::string_view csv);

}  // namespace ahpl::catalogue

#endif  // AHPL_SERVICES_CATALOGUE_TRUST_REGISTER_H_
