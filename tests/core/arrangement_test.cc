#include "core/arrangement.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/classification/fixtures.h"
#include "tests/support/status_matchers.h"

namespace ahpl::classification {
namespace {

using testing::NoPost;
using testing::StrategicLead;

std::set<std::string> Fields(const v1::LeadershipArrangement& a) {
  return ahpl::testing::ViolatedFields(ValidateArrangement(a).ToStatus("x"));
}

TEST(ArrangementTest, FixturesAreValid) {
  EXPECT_TRUE(Fields(StrategicLead()).empty());
  EXPECT_TRUE(Fields(NoPost()).empty());
}

struct InvalidCase {
  const char* name;
  std::function<void(v1::LeadershipArrangement&)> mutate;
  std::set<std::string> fields;
  friend void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }
};

class InvalidArrangementTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidArrangementTest, NamesEachViolatedField) {
  v1::LeadershipArrangement a = StrategicLead();
  GetParam().mutate(a);
  EXPECT_EQ(Fields(a), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Facts, InvalidArrangementTest,
    ::testing::Values(
        InvalidCase{"UnsetBand",
                    [](auto& a) { a.mutable_senior_leader()->clear_band(); },
                    {"senior_leader.band"}},
        InvalidCase{"UnknownBand",
                    [](auto& a) { a.mutable_senior_leader()->set_band(static_cast<v1::Band>(42)); },
                    {"senior_leader.band"}},
        InvalidCase{"ZeroWte",
                    [](auto& a) { a.mutable_senior_leader()->set_whole_time_equivalent(0); },
                    {"senior_leader.whole_time_equivalent"}},
        InvalidCase{"WteAboveOne",
                    [](auto& a) { a.mutable_senior_leader()->set_whole_time_equivalent(1.5); },
                    {"senior_leader.whole_time_equivalent"}},
        InvalidCase{"NothingLed",
                    [](auto& a) { a.mutable_senior_leader()->clear_professions_led(); },
                    {"senior_leader.professions_led"}},
        InvalidCase{"ProfessionOutsideThe14",
                    [](auto& a) {
                      a.mutable_senior_leader()->add_professions_led(
                          static_cast<v1::Profession>(15));
                    },
                    {"senior_leader.professions_led[5]"}},
        InvalidCase{"LedButNotEmployed",
                    [](auto& a) {
                      a.mutable_senior_leader()->add_professions_led(v1::PROFESSION_PARAMEDIC);
                    },
                    {"senior_leader.professions_led[5]"}},
        InvalidCase{"RepeatedEmployed",
                    [](auto& a) { a.add_professions_employed(v1::PROFESSION_DIETITIAN); },
                    {"professions_employed[5]"}},
        InvalidCase{"NoneEmployed",
                    [](auto& a) {
                      a.clear_professions_employed();
                      a.mutable_senior_leader()->clear_professions_led();
                      a.mutable_senior_leader()->add_professions_led(v1::PROFESSION_DIETITIAN);
                    },
                    {"professions_employed", "senior_leader.professions_led[0]"}},
        InvalidCase{"UnsetEnums",
                    [](auto& a) {
                      auto* l = a.mutable_senior_leader();
                      l->clear_board_relationship();
                      l->clear_reporting_line();
                      l->clear_board_presence();
                      l->clear_eligibility();
                      l->clear_remits();
                      a.clear_representation();
                    },
                    {"senior_leader.board_relationship", "senior_leader.reporting_line",
                     "senior_leader.board_presence", "senior_leader.eligibility",
                     "senior_leader.remits", "representation"}},
        InvalidCase{"UnknownNonAhpGroup",
                    [](auto& a) { a.add_non_ahp_groups_counted(static_cast<v1::NonAhpGroup>(9)); },
                    {"non_ahp_groups_counted[0]"}},
        InvalidCase{"ClosedToAhpsButNotCombined",
                    [](auto& a) {
                      a.mutable_senior_leader()->set_eligibility(
                          v1::POST_ELIGIBILITY_NOT_OPEN_TO_AHPS);
                    },
                    {"senior_leader.eligibility"}},
        InvalidCase{"BandWithNoPost",
                    [](auto& a) {
                      a.set_has_senior_ahp_leader(false);
                      a.mutable_senior_leader()->clear_professions_led();
                      a.mutable_senior_leader()->clear_remits();
                      auto* l = a.mutable_senior_leader();
                      l->clear_job_title();
                      l->clear_whole_time_equivalent();
                      l->clear_board_relationship();
                      l->clear_reporting_line();
                      l->clear_board_presence();
                      l->clear_eligibility();
                      l->clear_professional_background();
                    },
                    {"senior_leader.band"}},
        InvalidCase{"WholePostWithNoPost",
                    [](auto& a) { a.set_has_senior_ahp_leader(false); },
                    {"senior_leader.band", "senior_leader.job_title",
                     "senior_leader.whole_time_equivalent", "senior_leader.professions_led",
                     "senior_leader.remits", "senior_leader.board_relationship",
                     "senior_leader.reporting_line", "senior_leader.board_presence",
                     "senior_leader.eligibility", "senior_leader.professional_background"}}),
    [](const ::testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

TEST(ArrangementFactsTest, ScopeFollowsTheProfessionsLed) {
  v1::LeadershipArrangement a = StrategicLead();
  EXPECT_EQ(DeriveFacts(a).scope, v1::SCOPE_ALL_EMPLOYED_PROFESSIONS);
  a.mutable_senior_leader()->mutable_professions_led()->RemoveLast();
  auto facts = DeriveFacts(a);
  EXPECT_EQ(facts.scope, v1::SCOPE_SOME_PROFESSIONS);
  EXPECT_EQ(facts.professions_led, 4);
  EXPECT_EQ(facts.professions_employed, 5);
  a.mutable_senior_leader()->clear_professions_led();
  a.mutable_senior_leader()->add_professions_led(v1::PROFESSION_PHYSIOTHERAPIST);
  EXPECT_EQ(DeriveFacts(a).scope, v1::SCOPE_SINGLE_PROFESSION);
  EXPECT_EQ(DeriveFacts(NoPost()).scope, v1::SCOPE_NO_POST);
}

TEST(ArrangementFactsTest, UncoveredProfessionsNeedNoProfessionSpecificLeads) {
  v1::LeadershipArrangement a = StrategicLead();
  a.mutable_senior_leader()->mutable_professions_led()->RemoveLast();  // radiographers
  EXPECT_TRUE(DeriveFacts(a).uncovered_professions.empty())
      << "profession-specific leads cover them";
  a.set_has_profession_specific_leads(false);
  EXPECT_EQ(DeriveFacts(a).uncovered_professions,
            std::vector<v1::Profession>{v1::PROFESSION_RADIOGRAPHER});
}

TEST(ArrangementFactsTest, BandRanks) {
  EXPECT_EQ(BandRank(v1::BAND_UNSPECIFIED), 0);
  EXPECT_LT(BandRank(v1::BAND_BELOW_8A), BandRank(v1::BAND_8A));
  EXPECT_LT(BandRank(v1::BAND_8B), BandRank(v1::BAND_8C));
  EXPECT_LT(BandRank(v1::BAND_8D), BandRank(v1::BAND_9));
}

}  // namespace
}  // namespace ahpl::classification
