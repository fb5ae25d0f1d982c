#include "services/catalogue/trust_register.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/codes.h"
#include "core/csv.h"

namespace ahpl::catalogue {
namespace {

const std::vector<std::string>& Header() {
  static const auto* header =
      new std::vector<std::string>{"ods_code", "name", "region_code", "region_name", "trust_type"};
  return *header;
}

}  // namespace

absl::StatusOr<std::vector<TrustRecord>> ParseTrustRegister(absl::string_view csv) {
  auto rows = ParseCsv(csv);
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().fields != Header()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line 1: header must be ", absl::StrJoin(Header(), ",")));
  }
  std::vector<std::string> problems;
  std::vector<TrustRecord> out;
  std::set<std::string> seen;
  std::map<std::string, std::string> region_names;
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    const std::string where = absl::StrCat("line ", row.line, ": ");
    if (row.fields.size() != Header().size()) {
      problems.push_back(
          absl::StrCat(where, "expected ", Header().size(), " fields, found ", row.fields.size()));
      continue;
    }
    TrustRecord r{row.fields[0], row.fields[1], row.fields[2], row.fields[3], row.fields[4]};
    if (!IsOdsCode(r.ods_code))
      problems.push_back(absl::StrCat(where, "ods_code \"", r.ods_code, "\" is not an ODS code"));
    if (!seen.insert(r.ods_code).second)
      problems.push_back(absl::StrCat(where, "ods_code ", r.ods_code, " appears twice"));
    if (r.name.empty()) problems.push_back(absl::StrCat(where, "name is empty"));
    if (!IsRegionCode(r.region_code))
      problems.push_back(absl::StrCat(where, "region_code \"", r.region_code,
                                      "\" is not a region code (Y56-Y63)"));
    if (r.region_name.empty()) problems.push_back(absl::StrCat(where, "region_name is empty"));
    if (r.trust_type.empty()) problems.push_back(absl::StrCat(where, "trust_type is empty"));
    auto [it, inserted] = region_names.emplace(r.region_code, r.region_name);
    if (!inserted && it->second != r.region_name) {
      problems.push_back(absl::StrCat(where, "region ", r.region_code, " is named \"",
                                      r.region_name, "\" here but \"", it->second, "\" earlier"));
    }
    out.push_back(std::move(r));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  return out;
}

}  // namespace ahpl::catalogue
