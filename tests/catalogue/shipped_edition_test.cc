// Spec fidelity: the shipped 2018-06 edition against the source document
// (the project's verbatim copy in docs/spec), read at test time.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "core/files.h"
#include "services/catalogue/catalogue_seed.h"

namespace ahpl::catalogue {
namespace {

std::string Spec() {
  auto spec = ReadFile(AHPL_SPEC_PATH);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : "";
}

// Each board question is a bold line ending in "?", under a "## " heading.
struct SpecQuestion {
  std::string section_heading;
  std::string text;
};

std::vector<SpecQuestion> SpecQuestions() {
  std::vector<SpecQuestion> out;
  std::istringstream lines(Spec());
  std::string line, heading;
  const std::regex bold_question(R"(^\*\*(.+\?)\*\*\s*$)");
  std::smatch m;
  while (std::getline(lines, line)) {
    if (line.rfind("## ", 0) == 0) heading = line.substr(3);
    if (std::regex_match(line, m, bold_question)) out.push_back({heading, m[1]});
  }
  return out;
}

v1::Edition Edition2018() {
  auto editions = ShippedEditions();
  EXPECT_TRUE(editions.ok()) << editions.status();
  for (const auto& e : *editions) {
    if (e.id() == "2018-06") return e;
  }
  ADD_FAILURE() << "edition 2018-06 is not shipped";
  return {};
}

TEST(ShippedEditionTest, HasTheTwelveQuestionsWordForWordInOrder) {
  const auto spec = SpecQuestions();
  const auto edition = Edition2018();
  ASSERT_EQ(spec.size(), 12u);
  ASSERT_EQ(edition.questions_size(), 12);
  std::map<std::string, std::string> section_titles;
  for (const auto& s : edition.sections()) section_titles[s.id()] = s.title();
  for (int i = 0; i < 12; ++i) {
    const auto& q = edition.questions(i);
    EXPECT_EQ(q.text(), spec[i].text) << q.id();
    EXPECT_EQ(section_titles[q.section_id()], spec[i].section_heading) << q.id();
    EXPECT_EQ(q.position(), i + 1);
  }
}

TEST(ShippedEditionTest, SixSectionsOfTheWarwick6CFramework) {
  const auto edition = Edition2018();
  const std::string spec = Spec();
  std::vector<std::string> names;
  for (const auto& s : edition.sections()) {
    names.push_back(s.framework_name());
    EXPECT_NE(spec.find("## " + s.title()), std::string::npos) << s.title();
    EXPECT_FALSE(s.findings_summary().empty()) << s.id();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Concepts", "Contexts", "Characteristics",
                                             "Capabilities", "Challenges", "Consequences"}));
}

TEST(ShippedEditionTest, SectionSummariesQuoteTheSpec) {
  const std::string spec = Spec();
  const auto edition = Edition2018();
  for (const auto& s : edition.sections()) {
    std::string summary = s.findings_summary();
    size_t start = 0;
    while (start < summary.size()) {
      size_t end = summary.find(". ", start);
      std::string sentence =
          summary.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start);
      EXPECT_NE(spec.find(sentence), std::string::npos) << s.id() << ": " << sentence;
      if (end == std::string::npos) break;
      start = end + 2;
    }
  }
}

struct PolarityCase {
  const char* question_id;
  v1::Polarity polarity;
  friend void PrintTo(const PolarityCase& c, std::ostream* os) {
    *os << c.question_id << " " << v1::Polarity_Name(c.polarity);
  }
};

class QuestionPolarityTest : public ::testing::TestWithParam<PolarityCase> {};

TEST_P(QuestionPolarityTest, MatchesTheDocumentedDecision) {
  const auto edition = Edition2018();
  bool found = false;
  for (const auto& q : edition.questions()) {
    if (q.id() != GetParam().question_id) continue;
    found = true;
    EXPECT_EQ(q.polarity(), GetParam().polarity);
    EXPECT_FALSE(q.polarity_rationale().empty());
  }
  EXPECT_TRUE(found) << GetParam().question_id;
}

INSTANTIATE_TEST_SUITE_P(
    EveryQuestion, QuestionPolarityTest,
    ::testing::Values(PolarityCase{"concepts.identify-leader", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"concepts.shared-understanding", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"contexts.model-fit", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"characteristics.typology-match", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"characteristics.structure-effective",
                                   v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"capabilities.career-portfolio", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"capabilities.talent-management", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"capabilities.systems-leadership", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"challenges.senior-capacity", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"challenges.broaden-professions", v1::POLARITY_YES_IS_GAP},
                      PolarityCase{"challenges.demonstrate-impact", v1::POLARITY_YES_IS_STRENGTH},
                      PolarityCase{"consequences.drive-improvement", v1::POLARITY_YES_IS_STRENGTH}),
    [](const ::testing::TestParamInfo<PolarityCase>& info) {
      std::string name = info.param.question_id;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(ShippedEditionTest, FourteenProfessionsAsTheSpecListsThem) {
  const auto edition = Edition2018();
  ASSERT_EQ(edition.professions_size(), 14);
  std::string list;
  for (int i = 0; i < edition.professions_size(); ++i) {
    list += (i == 0 ? "" : ", ") + edition.professions(i).name();
    EXPECT_EQ(static_cast<int>(edition.professions(i).profession()), i + 1);
  }
  // The spec gives the list twice, in this order, in one sentence.
  EXPECT_NE(Spec().find("AHPs by NHS England: " + list + "."), std::string::npos) << list;
}

TEST(ShippedEditionTest, NonAhpGroupsAndBands) {
  const auto edition = Edition2018();
  std::vector<std::string> groups, bands;
  for (const auto& g : edition.non_ahp_groups()) groups.push_back(g.name());
  for (const auto& b : edition.bands()) bands.push_back(b.code());
  EXPECT_EQ(groups, (std::vector<std::string>{"psychologists", "psychotherapists",
                                              "biomedical scientists", "social workers"}));
  EXPECT_NE(
      Spec().find(
          "such as psychologists, psychotherapists, biomedical scientists and social workers"),
      std::string::npos);
  EXPECT_EQ(bands, (std::vector<std::string>{"below-8a", "8a", "8b", "8c", "8d", "9"}));
}

struct TypologyCase {
  v1::Typology typology;
  std::vector<v1::Band> bands;
  const char* visibility;
  const char* communication;
  const char* improvement;
  const char* exemplars;
};

TEST(ShippedEditionTest, Table1RowsMatchTheSpec) {
  const std::vector<TypologyCase> expected = {
      {v1::TYPOLOGY_UNIPROFESSIONAL,
       {v1::BAND_8A, v1::BAND_8B},
       "Low",
       "Uncertainty",
       "Low",
       "Limited"},
      {v1::TYPOLOGY_UNIPROFESSIONAL_WITH_REPRESENTATION,
       {v1::BAND_8A, v1::BAND_8B},
       "Low",
       "Uncertainty",
       "Low",
       "Limited"},
      {v1::TYPOLOGY_PARTIAL_MULTIPROFESSIONAL,
       {v1::BAND_8C},
       "Variable",
       "Improved confidence",
       "Strengthened",
       "Good (most)"},
      {v1::TYPOLOGY_OVERARCHING_MULTIPROFESSIONAL,
       {v1::BAND_8C, v1::BAND_8D},
       "Improved",
       "Mostly confident",
       "Strengthened",
       "Good (most)"},
      {v1::TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL,
       {v1::BAND_8D, v1::BAND_9},
       "Good",
       "Mostly confident",
       "Strongest",
       "Good"},
  };
  const auto edition = Edition2018();
  const std::string spec = Spec();
  ASSERT_EQ(edition.typology_size(), 5);
  for (int i = 0; i < 5; ++i) {
    const auto& row = edition.typology(i);
    const auto& want = expected[i];
    EXPECT_EQ(row.typology(), want.typology);
    std::vector<v1::Band> bands;
    for (int b : row.typical_bands()) bands.push_back(static_cast<v1::Band>(b));
    EXPECT_EQ(bands, want.bands) << row.label();
    EXPECT_EQ(row.visibility_influence(), want.visibility);
    EXPECT_EQ(row.communication(), want.communication);
    EXPECT_EQ(row.improvement_perception(), want.improvement);
    EXPECT_EQ(row.exemplars(), want.exemplars);
    EXPECT_NE(spec.find(row.label() + "\t"), std::string::npos) << row.label();
    EXPECT_FALSE(row.board_relationships().empty());
  }
}

TEST(ShippedEditionTest, ConsiderationsAndSurveyFigures) {
  const auto edition = Edition2018();
  const std::string spec = Spec();
  ASSERT_EQ(edition.considerations_size(), 3);
  for (const auto& c : edition.considerations()) {
    EXPECT_NE(spec.find("- **" + c.title() + "** – " + c.text()), std::string::npos) << c.id();
  }
  const auto& s = edition.survey();
  EXPECT_EQ(s.trusts_surveyed(), 233);
  EXPECT_EQ(s.trusts_responding(), 95);
  EXPECT_EQ(s.responses(), 124);
  EXPECT_EQ(s.return_rate_percent(), 41);
  EXPECT_NE(spec.find("124 responses from 95 trusts"), std::string::npos);
  EXPECT_NE(spec.find("233 directors of nursing, representing a return rate of 41%"),
            std::string::npos);
  EXPECT_EQ(s.distinct_leader_titles(), 41);
  EXPECT_EQ(s.job_descriptions(), 43);
}

TEST(ShippedEditionTest, CarriesTheOpenGovernmentLicenceAttribution) {
  const auto edition = Edition2018();
  EXPECT_NE(edition.attribution().find("Open Government Licence v3.0"), std::string::npos);
  EXPECT_NE(edition.attribution().find("NHS Improvement"), std::string::npos);
}

TEST(ShippedEditionTest, FourPointScaleWithYesFromMostly) {
  const auto edition = Edition2018();
  std::vector<std::string> codes;
  for (const auto& p : edition.scale().points()) codes.push_back(p.code());
  EXPECT_EQ(codes, (std::vector<std::string>{"no", "partly", "mostly", "yes"}));
  EXPECT_EQ(edition.scale().yes_threshold(), 3);
}

}  // namespace
}  // namespace ahpl::catalogue
