#include "services/catalogue/edition_rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "services/catalogue/catalogue_seed.h"
#include "tests/support/status_matchers.h"

namespace ahpl::catalogue {
namespace {

v1::Edition Shipped() {
  auto editions = ShippedEditions();
  EXPECT_TRUE(editions.ok()) << editions.status();
  EXPECT_FALSE(editions->empty());
  return editions->front();
}

std::set<std::string> Fields(const FieldViolations& v) {
  return testing::ViolatedFields(v.ToStatus("x"));
}

TEST(EditionRulesTest, ShippedEditionIsValid) {
  const auto v = ValidateEdition(Shipped());
  EXPECT_TRUE(v.empty()) << v.ToStatus("shipped edition");
}

struct BrokenCase {
  const char* name;
  std::function<void(v1::Edition&)> mutate;
  std::set<std::string> fields;
  friend void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.name; }
};

class BrokenEditionTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenEditionTest, NamesTheViolatedField) {
  v1::Edition e = Shipped();
  GetParam().mutate(e);
  EXPECT_EQ(Fields(ValidateEdition(e)), GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BrokenEditionTest,
    ::testing::Values(
        BrokenCase{"EmptyId", [](v1::Edition& e) { e.set_id(""); }, {"id"}},
        BrokenCase{"IdWithSlash", [](v1::Edition& e) { e.set_id("2018/06"); }, {"id"}},
        BrokenCase{"NoTitle", [](v1::Edition& e) { e.set_title("  "); }, {"title"}},
        BrokenCase{"NoAttribution", [](v1::Edition& e) { e.clear_attribution(); }, {"attribution"}},
        BrokenCase{"DuplicateQuestionId",
                   [](v1::Edition& e) { e.mutable_questions(1)->set_id(e.questions(0).id()); },
                   {"questions[1].id"}},
        BrokenCase{"UnknownSection",
                   [](v1::Edition& e) { e.mutable_questions(3)->set_section_id("courage"); },
                   {"questions[3].section_id"}},
        BrokenCase{"SectionLeftWithoutQuestions",
                   [](v1::Edition& e) { e.mutable_questions(2)->set_section_id("concepts"); },
                   {"sections[1]"}},
        BrokenCase{"EmptyQuestionText",
                   [](v1::Edition& e) { e.mutable_questions(4)->clear_text(); },
                   {"questions[4].text"}},
        BrokenCase{
            "UnsetPolarity",
            [](v1::Edition& e) { e.mutable_questions(5)->set_polarity(v1::POLARITY_UNSPECIFIED); },
            {"questions[5].polarity"}},
        BrokenCase{"QuestionOutOfOrder",
                   [](v1::Edition& e) { e.mutable_questions(0)->set_position(7); },
                   {"questions[0].position"}},
        BrokenCase{"DuplicateSectionId",
                   [](v1::Edition& e) { e.mutable_sections(1)->set_id(e.sections(0).id()); },
                   // contexts' question then points at a missing section too
                   {"sections[1].id", "questions[2].section_id"}},
        BrokenCase{"SectionWithoutQuestions",
                   [](v1::Edition& e) {
                     auto* s = e.add_sections();
                     s->set_id("extra");
                     s->set_title("Extra");
                     s->set_position(e.sections_size());
                   },
                   {"sections[6]"}},
        BrokenCase{"EmptyScale",
                   [](v1::Edition& e) { e.mutable_scale()->clear_points(); },
                   {"scale.points"}},
        BrokenCase{"ScaleNotAscending",
                   [](v1::Edition& e) { e.mutable_scale()->mutable_points(3)->set_value(2); },
                   {"scale.points[3].value"}},
        BrokenCase{"ThresholdOffScale",
                   [](v1::Edition& e) { e.mutable_scale()->set_yes_threshold(9); },
                   {"scale.yes_threshold"}},
        BrokenCase{"ThresholdAtLowestPoint",
                   [](v1::Edition& e) { e.mutable_scale()->set_yes_threshold(1); },
                   {"scale.yes_threshold"}},
        BrokenCase{"DuplicateProfession",
                   [](v1::Edition& e) {
                     e.mutable_professions(1)->set_profession(e.professions(0).profession());
                   },
                   {"professions[1].profession"}},
        BrokenCase{"UnsetBand",
                   [](v1::Edition& e) { e.mutable_bands(0)->set_band(v1::BAND_UNSPECIFIED); },
                   {"bands[0].band"}},
        BrokenCase{"TypologyBandNotInEdition",
                   [](v1::Edition& e) {
                     e.mutable_bands()->RemoveLast();  // band 9
                   },
                   {"typology[4].typical_bands[1]"}},
        BrokenCase{"NegativeSurvey",
                   [](v1::Edition& e) { e.mutable_survey()->set_responses(-1); },
                   {"survey.responses"}},
        BrokenCase{"RespondingMoreThanSurveyed",
                   [](v1::Edition& e) { e.mutable_survey()->set_trusts_responding(500); },
                   {"survey.trusts_responding"}}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) { return info.param.name; });

TEST(EditionRulesTest, ReportsEveryProblemAtOnce) {
  v1::Edition e = Shipped();
  e.set_id("");
  e.mutable_questions(0)->clear_text();
  e.mutable_questions(10)->set_section_id("nowhere");
  e.mutable_scale()->clear_points();
  EXPECT_EQ(Fields(ValidateEdition(e)),
            (std::set<std::string>{"id", "questions[0].text", "questions[10].section_id",
                                   "scale.points"}));
}

TEST(EditionRulesTest, EmptyEditionNamesEveryRequiredPart) {
  const auto fields = Fields(ValidateEdition(v1::Edition()));
  for (const char* f : {"id", "title", "attribution", "sections", "questions", "scale.points",
                        "professions", "bands"}) {
    EXPECT_EQ(fields.count(f), 1u) << f;
  }
}

TEST(EditionRulesTest, FingerprintFollowsContentNotPublishTime) {
  v1::Edition a = Shipped();
  v1::Edition b = a;
  b.mutable_publish_time()->set_seconds(12345);
  EXPECT_EQ(EditionFingerprint(a), EditionFingerprint(b));
  b.mutable_questions(0)->set_text("Changed?");
  EXPECT_NE(EditionFingerprint(a), EditionFingerprint(b));
}

TEST(EditionRulesTest, QuestionsInSectionKeepsOrder) {
  const v1::Edition e = Shipped();
  const auto capabilities = QuestionsInSection(e, "capabilities");
  ASSERT_EQ(capabilities.size(), 3u);
  EXPECT_EQ(capabilities[0].position(), 6);
  EXPECT_EQ(capabilities[2].position(), 8);
  EXPECT_EQ(QuestionsInSection(e, "").size(), 12u);
  EXPECT_TRUE(QuestionsInSection(e, "nowhere").empty());
  EXPECT_TRUE(HasSection(e, "challenges"));
  EXPECT_FALSE(HasSection(e, "nowhere"));
}

TEST(EditionRulesTest, EditionIds) {
  EXPECT_TRUE(IsValidEditionId("2018-06"));
  EXPECT_TRUE(IsValidEditionId("2025.1_draft"));
  EXPECT_FALSE(IsValidEditionId(""));
  EXPECT_FALSE(IsValidEditionId("-2018"));
  EXPECT_FALSE(IsValidEditionId("2018 06"));
  EXPECT_FALSE(IsValidEditionId(std::string(33, 'a')));
}

}  // namespace
}  // namespace ahpl::catalogue
