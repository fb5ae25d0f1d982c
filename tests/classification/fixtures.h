// Arrangements and the shipped ruleset, for the classification tests.
#ifndef AHPL_TESTS_CLASSIFICATION_FIXTURES_H_
#define AHPL_TESTS_CLASSIFICATION_FIXTURES_H_

#include <gtest/gtest.h>

#include <memory>

#include "services/catalogue/catalogue_seed.h"
#include "services/classification/ruleset.h"

namespace ahpl::classification::testing {

inline const v1::Edition& Edition2018() {
  static const v1::Edition* edition = [] {
    auto editions = catalogue::ShippedEditions();
    EXPECT_TRUE(editions.ok()) << editions.status();
    return new v1::Edition(editions->front());
  }();
  return *edition;
}

inline std::shared_ptr<const CompiledRuleset> ShippedRules() {
  auto ruleset = ShippedRuleset();
  EXPECT_TRUE(ruleset.ok()) << ruleset.status();
  auto compiled = CompiledRuleset::Compile(*ruleset, Edition2018());
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return *compiled;
}

// A trust employing five AHP professions whose full-time band 8d leader
// leads all of them with a strategic remit, close to the board, reporting to
// the director of nursing and attending the board: strategic overarching,
// no findings.
inline v1::LeadershipArrangement StrategicLead() {
  v1::LeadershipArrangement a;
  for (auto p : {v1::PROFESSION_PHYSIOTHERAPIST, v1::PROFESSION_OCCUPATIONAL_THERAPIST,
                 v1::PROFESSION_SPEECH_AND_LANGUAGE_THERAPIST, v1::PROFESSION_DIETITIAN,
                 v1::PROFESSION_RADIOGRAPHER}) {
    a.add_professions_employed(p);
  }
  a.set_has_senior_ahp_leader(true);
  auto* l = a.mutable_senior_leader();
  l->set_job_title("Director of Allied Health Professions");
  l->set_band(v1::BAND_8D);
  l->set_whole_time_equivalent(1.0);
  l->set_professional_background(v1::PROFESSION_PHYSIOTHERAPIST);
  *l->mutable_professions_led() = a.professions_employed();
  l->add_remits(v1::REMIT_STRATEGIC);
  l->add_remits(v1::REMIT_PROFESSIONAL);
  l->set_board_relationship(v1::BOARD_RELATIONSHIP_CLOSE);
  l->set_reporting_line(v1::REPORTING_LINE_DIRECTOR_OF_NURSING);
  l->set_board_presence(v1::BOARD_PRESENCE_ATTENDS);
  l->set_eligibility(v1::POST_ELIGIBILITY_ALL_AHPS);
  a.set_has_profession_specific_leads(true);
  a.set_representation(v1::AHP_REPRESENTATION_DESIGNATED);
  return a;
}

// No senior AHP post: profession-specific leads only.
inline v1::LeadershipArrangement NoPost() {
  v1::LeadershipArrangement a = StrategicLead();
  a.set_has_senior_ahp_leader(false);
  a.clear_senior_leader();
  a.set_representation(v1::AHP_REPRESENTATION_NONE);
  return a;
}

}  // namespace ahpl::classification::testing

#endif  // AHPL_TESTS_CLASSIFICATION_FIXTURES_H_
