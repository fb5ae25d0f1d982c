// The shipped ruleset against Table 1, the findings and the polarity rules.
#include "services/classification/classifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "tests/classification/fixtures.h"
#include "tests/support/status_matchers.h"

namespace ahpl::classification {
namespace {

using testing::NoPost;
using testing::ShippedRules;
using testing::StrategicLead;

v1::SeniorAhpLeader* Leader(v1::LeadershipArrangement& a) { return a.mutable_senior_leader(); }

void LeadOnly(v1::LeadershipArrangement& a, std::vector<v1::Profession> professions) {
  Leader(a)->clear_professions_led();
  for (auto p : professions) Leader(a)->add_professions_led(p);
}

std::vector<std::string> Codes(const ClassifyResult& r) {
  std::vector<std::string> codes;
  for (const auto& f : r.findings) codes.push_back(f.code());
  return codes;
}

bool HasFinding(const ClassifyResult& r, const std::string& code) {
  const auto codes = Codes(r);
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

ClassifyResult MustClassify(const v1::LeadershipArrangement& a) {
  static const auto rules = ShippedRules();
  auto result = Classify(*rules, a);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ClassifyResult{};
}

// One case per Table 1 row (and per way into it).
struct RowCase {
  const char* name;
  std::function<void(v1::LeadershipArrangement&)> arrange;
  v1::Typology typology;
  v1::BandFit band_fit;
  friend void PrintTo(const RowCase& c, std::ostream* os) { *os << c.name; }
};

class Table1RowTest : public ::testing::TestWithParam<RowCase> {};

TEST_P(Table1RowTest, PlacesTheArrangementInItsRow) {
  v1::LeadershipArrangement a = StrategicLead();
  GetParam().arrange(a);
  const auto r = MustClassify(a);
  const auto& c = r.classification;
  EXPECT_EQ(c.typology(), GetParam().typology) << v1::Typology_Name(c.typology());
  EXPECT_EQ(c.band_fit(), GetParam().band_fit) << v1::BandFit_Name(c.band_fit());
  EXPECT_EQ(c.ruleset_version(), "2018-06.1");
  EXPECT_FALSE(c.label().empty());
  EXPECT_FALSE(c.visibility_influence().empty());
  EXPECT_FALSE(c.communication().empty());
  EXPECT_FALSE(c.improvement_perception().empty());
  EXPECT_FALSE(c.exemplars().empty());
  EXPECT_GE(c.reasons_size(), 2) << "every decision is explained";
  for (const auto& reason : c.reasons()) EXPECT_FALSE(reason.explanation().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, Table1RowTest,
    ::testing::Values(
        RowCase{"NoPostIsUniprofessional", [](auto& a) { a = NoPost(); },
                v1::TYPOLOGY_UNIPROFESSIONAL, v1::BAND_FIT_NO_POST},
        RowCase{"NoPostWithBoltedOnRepresentation",
                [](auto& a) {
                  a = NoPost();
                  a.set_representation(v1::AHP_REPRESENTATION_BOLTED_ON);
                },
                v1::TYPOLOGY_UNIPROFESSIONAL_WITH_REPRESENTATION, v1::BAND_FIT_NO_POST},
        RowCase{"ProfessionSpecificLead8b",
                [](auto& a) {
                  LeadOnly(a, {v1::PROFESSION_PHYSIOTHERAPIST});
                  Leader(a)->set_band(v1::BAND_8B);
                  Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_DISTANT);
                  a.set_representation(v1::AHP_REPRESENTATION_NONE);
                },
                v1::TYPOLOGY_UNIPROFESSIONAL, v1::BAND_FIT_TYPICAL},
        RowCase{"ProfessionSpecificLeadWithVoluntaryRepresentation",
                [](auto& a) {
                  LeadOnly(a, {v1::PROFESSION_DIETITIAN});
                  Leader(a)->set_band(v1::BAND_8A);
                  Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_PROCESS_DRIVEN);
                  a.set_representation(v1::AHP_REPRESENTATION_VOLUNTARY);
                },
                v1::TYPOLOGY_UNIPROFESSIONAL_WITH_REPRESENTATION, v1::BAND_FIT_TYPICAL},
        RowCase{
            "PartialMultiprofessional8c",
            [](auto& a) {
              LeadOnly(a, {v1::PROFESSION_PHYSIOTHERAPIST, v1::PROFESSION_OCCUPATIONAL_THERAPIST});
              Leader(a)->set_band(v1::BAND_8C);
              Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_VARIED);
            },
            v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL, v1::BAND_FIT_TYPICAL},
        RowCase{"OverarchingWithoutStrategicRemit",
                [](auto& a) {
                  Leader(a)->set_band(v1::BAND_8C);
                  Leader(a)->clear_remits();
                  Leader(a)->add_remits(v1::REMIT_PROFESSIONAL);
                },
                v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_FIT_TYPICAL},
        RowCase{"OverarchingProcessDriven",
                [](auto& a) {
                  Leader(a)->set_band(v1::BAND_8D);
                  Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_PROCESS_DRIVEN);
                },
                v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_FIT_TYPICAL},
        RowCase{"StrategicOverarchingClose8d", [](auto&) {},
                v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_FIT_TYPICAL},
        RowCase{"StrategicOverarchingDirect9",
                [](auto& a) {
                  Leader(a)->set_band(v1::BAND_9);
                  Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_DIRECT);
                  Leader(a)->set_board_presence(v1::BOARD_PRESENCE_MEMBER);
                },
                v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_FIT_TYPICAL}),
    [](const ::testing::TestParamInfo<RowCase>& info) { return info.param.name; });

// Band boundaries: the band never moves an arrangement between rows, it
// moves it against the row's typical bands.
struct BandCase {
  const char* name;
  v1::Typology typology;  // arranged by scope and board relationship
  v1::Band band;
  v1::BandFit fit;
  friend void PrintTo(const BandCase& c, std::ostream* os) { *os << c.name; }
};

class BandBoundaryTest : public ::testing::TestWithParam<BandCase> {};

TEST_P(BandBoundaryTest, BandFitsTheRowsTypicalBands) {
  v1::LeadershipArrangement a = StrategicLead();
  switch (GetParam().typology) {
    case v1::TYPOLOGY_UNIPROFESSIONAL:
      LeadOnly(a, {v1::PROFESSION_PHYSIOTHERAPIST});
      a.set_representation(v1::AHP_REPRESENTATION_NONE);
      break;
    case v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL:
      LeadOnly(a, {v1::PROFESSION_PHYSIOTHERAPIST, v1::PROFESSION_DIETITIAN});
      break;
    case v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL:
      Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_VARIED);
      break;
    default:
      break;
  }
  Leader(a)->set_band(GetParam().band);
  const auto r = MustClassify(a);
  EXPECT_EQ(r.classification.typology(), GetParam().typology);
  EXPECT_EQ(r.classification.band_fit(), GetParam().fit)
      << v1::BandFit_Name(r.classification.band_fit());
  EXPECT_EQ(HasFinding(r, "LEADER_BELOW_8C"), BandRank(GetParam().band) < BandRank(v1::BAND_8C));
}

INSTANTIATE_TEST_SUITE_P(
    Boundaries, BandBoundaryTest,
    ::testing::Values(
        // 8b/8c
        BandCase{"Uniprofessional8b", v1::TYPOLOGY_UNIPROFESSIONAL, v1::BAND_8B,
                 v1::BAND_FIT_TYPICAL},
        BandCase{"Uniprofessional8c", v1::TYPOLOGY_UNIPROFESSIONAL, v1::BAND_8C,
                 v1::BAND_FIT_ABOVE},
        BandCase{"UniprofessionalBelow8a", v1::TYPOLOGY_UNIPROFESSIONAL, v1::BAND_BELOW_8A,
                 v1::BAND_FIT_BELOW},
        BandCase{"Partial8b", v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL, v1::BAND_8B,
                 v1::BAND_FIT_BELOW},
        BandCase{"Partial8c", v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL, v1::BAND_8C,
                 v1::BAND_FIT_TYPICAL},
        // 8c/8d
        BandCase{"Partial8d", v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL, v1::BAND_8D,
                 v1::BAND_FIT_ABOVE},
        BandCase{"Overarching8c", v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_8C,
                 v1::BAND_FIT_TYPICAL},
        BandCase{"Overarching8d", v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_8D,
                 v1::BAND_FIT_TYPICAL},
        BandCase{"Overarching8b", v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_8B,
                 v1::BAND_FIT_BELOW},
        BandCase{"Strategic8c", v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_8C,
                 v1::BAND_FIT_BELOW},
        // 8d/9
        BandCase{"Overarching9", v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_9,
                 v1::BAND_FIT_ABOVE},
        BandCase{"Strategic8d", v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_8D,
                 v1::BAND_FIT_TYPICAL},
        BandCase{"Strategic9", v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL, v1::BAND_9,
                 v1::BAND_FIT_TYPICAL}),
    [](const ::testing::TestParamInfo<BandCase>& info) { return info.param.name; });

// Each finding on (arranged) and off (the strategic fixture has none).
struct FindingCase {
  const char* code;
  std::function<void(v1::LeadershipArrangement&)> arrange;
  friend void PrintTo(const FindingCase& c, std::ostream* os) { *os << c.code; }
};

class FindingTest : public ::testing::TestWithParam<FindingCase> {};

TEST_P(FindingTest, RaisedWhenItsFactsHoldAndOnlyThen) {
  const auto clean = MustClassify(StrategicLead());
  EXPECT_TRUE(clean.findings.empty()) << ::testing::PrintToString(Codes(clean));
  v1::LeadershipArrangement a = StrategicLead();
  GetParam().arrange(a);
  const auto r = MustClassify(a);
  ASSERT_TRUE(HasFinding(r, GetParam().code)) << ::testing::PrintToString(Codes(r));
  for (const auto& f : r.findings) {
    if (f.code() != GetParam().code) continue;
    EXPECT_NE(f.severity(), v1::SEVERITY_UNSPECIFIED);
    EXPECT_FALSE(f.section_id().empty());
    EXPECT_FALSE(f.explanation().empty());
    EXPECT_FALSE(f.triggered_by().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Findings, FindingTest,
    ::testing::Values(
        FindingCase{"NO_IDENTIFIABLE_LEADER", [](auto& a) { a = NoPost(); }},
        FindingCase{"LEADER_BELOW_8C", [](auto& a) { Leader(a)->set_band(v1::BAND_8B); }},
        FindingCase{"BAND_8C_OPERATIONAL_REMIT",
                    [](auto& a) {
                      Leader(a)->set_band(v1::BAND_8C);
                      Leader(a)->add_remits(v1::REMIT_OPERATIONAL);
                    }},
        FindingCase{"PART_TIME_SENIOR_POST",
                    [](auto& a) { Leader(a)->set_whole_time_equivalent(0.6); }},
        FindingCase{"NO_ROUTE_TO_BOARD_EXCEPT_DON",
                    [](auto& a) { Leader(a)->set_board_presence(v1::BOARD_PRESENCE_NONE); }},
        FindingCase{
            "POST_OPEN_TO_SOME_PROFESSIONS",
            [](auto& a) { Leader(a)->set_eligibility(v1::POST_ELIGIBILITY_SOME_PROFESSIONS); }},
        FindingCase{"COMBINED_POST_CLOSED_TO_AHPS",
                    [](auto& a) {
                      Leader(a)->set_combined_nursing_ahp_post(true);
                      Leader(a)->set_eligibility(v1::POST_ELIGIBILITY_NOT_OPEN_TO_AHPS);
                    }},
        FindingCase{"PROFESSIONS_WITHOUT_LEADERSHIP",
                    [](auto& a) {
                      a.set_has_profession_specific_leads(false);
                      Leader(a)->mutable_professions_led()->RemoveLast();
                    }},
        FindingCase{"NON_AHP_GROUPS_COUNTED_AS_AHPS",
                    [](auto& a) { a.add_non_ahp_groups_counted(v1::NON_AHP_GROUP_PSYCHOLOGISTS); }},
        FindingCase{"SENIOR_BAND_DISTANT_FROM_BOARD",
                    [](auto& a) {
                      Leader(a)->set_band(v1::BAND_9);
                      Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_DISTANT);
                    }}),
    [](const ::testing::TestParamInfo<FindingCase>& info) { return info.param.code; });

TEST(FindingTest, Band8cOperationalNeedsBoth) {
  v1::LeadershipArrangement a = StrategicLead();
  Leader(a)->add_remits(v1::REMIT_OPERATIONAL);  // 8d with operational remit
  EXPECT_FALSE(HasFinding(MustClassify(a), "BAND_8C_OPERATIONAL_REMIT"));
  a = StrategicLead();
  Leader(a)->set_band(v1::BAND_8C);  // 8c without operational remit
  EXPECT_FALSE(HasFinding(MustClassify(a), "BAND_8C_OPERATIONAL_REMIT"));
}

TEST(FindingTest, DonRouteIsFineWhenTheLeaderAttendsOrReportsElsewhere) {
  v1::LeadershipArrangement a = StrategicLead();
  Leader(a)->set_reporting_line(v1::REPORTING_LINE_CHIEF_EXECUTIVE);
  Leader(a)->set_board_presence(v1::BOARD_PRESENCE_NONE);
  EXPECT_FALSE(HasFinding(MustClassify(a), "NO_ROUTE_TO_BOARD_EXCEPT_DON"));
}

TEST(FindingTest, UncoveredProfessionsAreNamed) {
  v1::LeadershipArrangement a = StrategicLead();
  a.set_has_profession_specific_leads(false);
  LeadOnly(a, {v1::PROFESSION_PHYSIOTHERAPIST, v1::PROFESSION_OCCUPATIONAL_THERAPIST});
  const auto r = MustClassify(a);
  ASSERT_TRUE(HasFinding(r, "PROFESSIONS_WITHOUT_LEADERSHIP"));
  for (const auto& f : r.findings) {
    if (f.code() == "PROFESSIONS_WITHOUT_LEADERSHIP") {
      EXPECT_NE(f.explanation().find("speech and language therapists"), std::string::npos)
          << f.explanation();
      EXPECT_NE(f.explanation().find("diagnostic and therapeutic radiographers"),
                std::string::npos);
    }
  }
}

TEST(ContradictionTest, Band9WithADistantBoardIsOverarchingAboveItsBandsAndFlagged) {
  v1::LeadershipArrangement a = StrategicLead();
  Leader(a)->set_band(v1::BAND_9);
  Leader(a)->set_board_relationship(v1::BOARD_RELATIONSHIP_DISTANT);
  const auto r = MustClassify(a);
  EXPECT_EQ(r.classification.typology(), v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(r.classification.band_fit(), v1::BAND_FIT_ABOVE);
  EXPECT_TRUE(HasFinding(r, "SENIOR_BAND_DISTANT_FROM_BOARD"));
}

TEST(ContradictionTest, MultiprofessionalLeadAt8bIsPlacedByScopeAndFlaggedBelow) {
  v1::LeadershipArrangement a = StrategicLead();
  Leader(a)->set_band(v1::BAND_8B);
  const auto r = MustClassify(a);
  EXPECT_EQ(r.classification.typology(), v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL);
  EXPECT_EQ(r.classification.band_fit(), v1::BAND_FIT_BELOW);
  EXPECT_TRUE(HasFinding(r, "LEADER_BELOW_8C"));
}

TEST(ExplanationTest, NamesTheDecidingFactsInPlainWords) {
  const auto r = MustClassify(StrategicLead());
  std::string all;
  std::set<std::string> fields;
  for (const auto& reason : r.classification.reasons()) {
    all += reason.explanation() + "\n";
    fields.insert(reason.field());
  }
  EXPECT_NE(all.find("leads all 5 AHP professions the trust employs"), std::string::npos) << all;
  EXPECT_NE(all.find("strategic remit"), std::string::npos) << all;
  EXPECT_NE(all.find("relationship with the trust board is close"), std::string::npos) << all;
  EXPECT_NE(all.find("Band 8d is typical of this row (8d, 9)"), std::string::npos) << all;
  EXPECT_EQ(fields.count("senior_leader.professions_led"), 1u);
  EXPECT_EQ(fields.count("senior_leader.board_relationship"), 1u);
  EXPECT_EQ(fields.count("senior_leader.band"), 1u);
}

TEST(MissingFactsTest, InvalidArrangementIsRefusedWithEveryField) {
  v1::LeadershipArrangement a;
  a.set_has_senior_ahp_leader(true);
  auto r = Classify(*ShippedRules(), a);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const auto fields = ahpl::testing::ViolatedFields(r.status());
  for (const char* f :
       {"professions_employed", "representation", "senior_leader.band",
        "senior_leader.whole_time_equivalent", "senior_leader.professions_led",
        "senior_leader.remits", "senior_leader.board_relationship", "senior_leader.reporting_line",
        "senior_leader.board_presence", "senior_leader.eligibility"}) {
    EXPECT_EQ(fields.count(f), 1u) << f;
  }
}

TEST(TotalityTest, EveryValidCombinationOfStructuralFactsHasARow) {
  const auto rules = ShippedRules();
  int classified = 0;
  for (int scope = 0; scope < 4; ++scope) {
    for (int rel = 1; rel <= 5; ++rel) {
      for (int rep = 1; rep <= 4; ++rep) {
        for (bool strategic : {false, true}) {
          for (int band = 1; band <= 6; ++band) {
            v1::LeadershipArrangement a = scope == 0 ? NoPost() : StrategicLead();
            a.set_representation(static_cast<v1::AhpRepresentation>(rep));
            if (scope != 0) {
              if (scope == 1) LeadOnly(a, {v1::PROFESSION_DIETITIAN});
              if (scope == 2) LeadOnly(a, {v1::PROFESSION_DIETITIAN, v1::PROFESSION_RADIOGRAPHER});
              Leader(a)->set_board_relationship(static_cast<v1::BoardRelationship>(rel));
              Leader(a)->set_band(static_cast<v1::Band>(band));
              Leader(a)->clear_remits();
              Leader(a)->add_remits(strategic ? v1::REMIT_STRATEGIC : v1::REMIT_CLINICAL);
            }
            auto r = Classify(*rules, a);
            ASSERT_TRUE(r.ok()) << r.status();
            EXPECT_NE(r->classification.typology(), v1::TYPOLOGY_UNSPECIFIED);
            ++classified;
          }
        }
      }
    }
  }
  EXPECT_EQ(classified, 4 * 5 * 4 * 2 * 6);
}

// Polarity: for every question, which ratings are gaps.
class PolarityTest : public ::testing::TestWithParam<int> {};

TEST_P(PolarityTest, GapsFollowEachQuestionsPolarity) {
  const auto rules = ShippedRules();
  const v1::Edition& edition = rules->edition();
  const v1::Question& q = edition.questions(GetParam());
  for (int rating = 1; rating <= 4; ++rating) {
    google::protobuf::RepeatedPtrField<v1::RatedAnswer> answers;
    auto* answer = answers.Add();
    answer->set_question_id(q.id());
    answer->set_rating(rating);
    auto r = Evaluate(*rules, edition, StrategicLead(), answers);
    ASSERT_TRUE(r.ok()) << r.status();
    bool gap = false;
    for (const auto& s : r->section_gaps()) {
      for (const auto& id : s.question_ids()) gap = gap || id == q.id();
      if (s.section_id() == q.section_id()) {
        EXPECT_EQ(s.answered_count(), 1);
      }
    }
    const bool yes = rating >= 3;
    const bool expected = q.polarity() == v1::POLARITY_YES_IS_GAP ? yes : !yes;
    EXPECT_EQ(gap, expected) << q.id() << " rated " << rating;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryQuestion, PolarityTest, ::testing::Range(0, 12));

TEST(EvaluateTest, GapsAndFindingsLeadToConsiderations) {
  const auto rules = ShippedRules();
  v1::LeadershipArrangement a = NoPost();
  google::protobuf::RepeatedPtrField<v1::RatedAnswer> answers;
  for (const auto& q : rules->edition().questions()) {
    auto* answer = answers.Add();
    answer->set_question_id(q.id());
    answer->set_rating(4);  // "yes" everywhere: only the yes-is-gap question is a gap
  }
  auto r = Evaluate(*rules, rules->edition(), a, answers);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->section_gaps_size(), 6);
  std::map<std::string, std::vector<std::string>> because;
  for (const auto& rec : r->recommendations()) {
    because[rec.consideration_id()] = {rec.because_of().begin(), rec.because_of().end()};
    EXPECT_FALSE(rec.title().empty());
  }
  EXPECT_EQ(because["appoint-strategic-senior-ahp"],
            std::vector<std::string>{"NO_IDENTIFIABLE_LEADER"});
  EXPECT_EQ(because["demonstrate-ahp-value"],
            std::vector<std::string>{"challenges.broaden-professions"});
  EXPECT_EQ(because.count("harness-system-redesign"), 0u);
}

TEST(EvaluateTest, BadAnswersAndArrangementAreReportedTogether) {
  const auto rules = ShippedRules();
  v1::LeadershipArrangement a = StrategicLead();
  a.clear_representation();
  google::protobuf::RepeatedPtrField<v1::RatedAnswer> answers;
  auto* unknown = answers.Add();
  unknown->set_question_id("concepts.nope");
  unknown->set_rating(2);
  auto* off_scale = answers.Add();
  off_scale->set_question_id("contexts.model-fit");
  off_scale->set_rating(7);
  auto* twice = answers.Add();
  twice->set_question_id("contexts.model-fit");
  twice->set_rating(2);
  auto r = Evaluate(*rules, rules->edition(), a, answers);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ahpl::testing::ViolatedFields(r.status()),
            (std::set<std::string>{"arrangement.representation", "answers[0].question_id",
                                   "answers[1].rating", "answers[2].question_id"}));
}

}  // namespace
}  // namespace ahpl::classification
