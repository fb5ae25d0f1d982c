// Returns from a CSV file, one row per return, with a documented header
// (docs/api.md): identity and respondent, the arrangement's facts, and one
// column per question id holding its rating.
#ifndef AHPL_SDK_CLI_CSV_RETURNS_H_
#define AHPL_SDK_CLI_CSV_RETURNS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/catalogue.pb.h"

namespace ahpl::cli {

struct CsvReturn {
  int line = 0;
  v1::AssessmentReturn ret;
};

// The columns before the question columns, in order.
const std::vector<std::string>& CsvReturnColumns();

// Parses `text` against `edition` (whose question ids are the rating
// columns). Every problem is reported at once, each naming its line and
// column; a missing column is named from the header. Cells go through
// RestoreCsvText (core/csv.h): a formula neutralised with a leading quote
// ('=x) is read as it was before (=x).
absl::StatusOr<std::vector<CsvReturn>> ParseReturnsCsv(const std::string& text,
                                                       const v1::Edition& edition);

// The CSV column a violation's field path (relative to the return) comes
// from, or "" when there is none.
std::string CsvColumnOf(const std::string& field, const v1::AssessmentReturn& ret);

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_CSV_RETURNS_H_
