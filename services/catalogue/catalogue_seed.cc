#include "services/catalogue/catalogue_seed.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "services/catalogue/edition_rules.h"
#include "services/common/embedded_file.h"
#include "services/common/log.h"

namespace ahpl {
std::vector<EmbeddedFile> CatalogueSeedFiles();  // generated from data/
}  // namespace ahpl

namespace ahpl::catalogue {

absl::StatusOr<std::vector<v1::Edition>> ShippedEditions() {
  std::vector<v1::Edition> out;
  for (const auto& file : CatalogueSeedFiles()) {
    if (!absl::StartsWith(file.name, "edition-") || !absl::EndsWith(file.name, ".json")) continue;
    v1::Edition edition;
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(file.contents.data(), file.contents.size()), &edition);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.name, ": ", parsed.message().as_string()));
    }
    out.push_back(std::move(edition));
  }
  return out;
}

absl::StatusOr<std::vector<TrustRecord>> ShippedTrustRegister() {
  for (const auto& file : CatalogueSeedFiles()) {
    if (file.name == "nhs_trusts_england.csv") {
      auto records = ParseTrustRegister(file.contents);
      if (!records.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(file.name, ": ", records.status().message()));
      }
      return records;
    }
  }
  return absl::NotFoundError("nhs_trusts_england.csv is not built into this binary");
}

absl::Status SeedCatalogue(CatalogueStore& store) {
  ASSIGN_OR_RETURN(auto editions, ShippedEditions());
  for (const auto& edition : editions) {
    RETURN_IF_ERROR(ValidateEdition(edition).ToStatus(
        absl::StrCat("shipped edition ", edition.id(), " is invalid")));
    ASSIGN_OR_RETURN(auto published, store.PublishEdition(edition, EditionFingerprint(edition),
                                                          Principal::System("seed")));
    if (published.created) LogInfo("published shipped edition ", edition.id());
  }
  ASSIGN_OR_RETURN(auto register_records, ShippedTrustRegister());
  RETURN_IF_ERROR(store.ReplaceTrustRegister(register_records));
  LogInfo("trust register holds ", register_records.size(), " trusts");
  return absl::OkStatus();
}

}  // namespace ahpl::catalogue
