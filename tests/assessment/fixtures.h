// Returns for the assessment tests.
#ifndef AHPL_TESTS_ASSESSMENT_FIXTURES_H_
#define AHPL_TESTS_ASSESSMENT_FIXTURES_H_

#include <string>

#include "ahpl/v1/assessment.pb.h"
#include "tests/classification/fixtures.h"

namespace ahpl::assessment::testing {

// A complete return for trust `ods_code`: every question of edition 2018-06
// rated, with the strategic-lead arrangement.
inline v1::AssessmentReturn CompleteReturn(const std::string& ods_code = "RF4",
                                           const std::string& cycle = "2018-19") {
  v1::AssessmentReturn r;
  r.set_trust_ods_code(ods_code);
  r.set_cycle(cycle);
  r.set_edition_id("2018-06");
  r.mutable_respondent()->set_name("Alex Morgan");
  r.mutable_respondent()->set_role("Director of nursing");
  const auto edition = classification::testing::Edition2018();
  int i = 0;
  for (const auto& q : edition.questions()) {
    auto* a = r.add_answers();
    a->set_question_id(q.id());
    a->set_rating(1 + (i++ % 4));
    a->set_evidence("Board minutes, March");
  }
  *r.mutable_arrangement() = classification::testing::StrategicLead();
  return r;
}

// A draft with only what identifies it.
inline v1::AssessmentReturn MinimalDraft(const std::string& ods_code = "RF4") {
  v1::AssessmentReturn r;
  r.set_trust_ods_code(ods_code);
  r.set_cycle("2018-19");
  r.set_edition_id("2018-06");
  return r;
}

}  // namespace ahpl::assessment::testing

#endif  // AHPL_TESTS_ASSESSMENT_FIXTURES_H_
