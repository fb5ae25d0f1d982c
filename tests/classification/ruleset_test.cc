#include "services/classification/ruleset.h"

#include <gtest/gtest.h>

#include <regex>

#include "core/files.h"
#include "tests/classification/fixtures.h"
#include "tests/support/status_matchers.h"

namespace ahpl::classification {
namespace {

TEST(RulesetTest, ShippedRulesetCompilesAgainstItsEdition) {
  auto rules = testing::ShippedRules();
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->ruleset().version(), "2018-06.1");
  EXPECT_EQ(rules->ruleset().edition_id(), "2018-06");
  std::set<v1::Typology> reachable;
  for (const auto& r : rules->ruleset().typology_rules()) reachable.insert(r.typology());
  EXPECT_EQ(reachable.size(), 5u) << "every Table 1 row can be reached";
  EXPECT_GE(rules->ruleset().finding_rules_size(), 9);
}

TEST(RulesetTest, EveryRuleCitesTheSpecVerbatim) {
  auto read = ReadFile(AHPL_SPEC_PATH);
  ASSERT_TRUE(read.ok()) << read.status();
  const std::string spec = *read;
  auto rules = testing::ShippedRules();
  std::vector<std::string> rationales;
  for (const auto& r : rules->ruleset().typology_rules()) rationales.push_back(r.rationale());
  for (const auto& r : rules->ruleset().finding_rules()) rationales.push_back(r.rationale());
  const std::regex quoted("\"([^\"]+)\"");
  int quotes = 0;
  for (const auto& text : rationales) {
    EXPECT_FALSE(text.empty());
    for (std::sregex_iterator it(text.begin(), text.end(), quoted), end; it != end; ++it) {
      const std::string q = (*it)[1];
      EXPECT_NE(spec.find(q), std::string::npos) << "not in the spec: " << q;
      ++quotes;
    }
  }
  EXPECT_GE(quotes, 10);
}

TEST(RulesetTest, CompileNamesEveryBrokenReference) {
  auto ruleset = ShippedRuleset();
  ASSERT_TRUE(ruleset.ok());
  v1::Ruleset broken = *ruleset;
  broken.clear_version();
  broken.mutable_typology_rules(1)->set_id(broken.typology_rules(0).id());
  broken.mutable_finding_rules(0)->set_section_id("courage");
  broken.mutable_finding_rules(2)->set_code(broken.finding_rules(1).code());
  broken.mutable_recommendation_rules(0)->set_consideration_id("buy-more-chairs");
  broken.mutable_recommendation_rules(1)->add_gap_question_ids("concepts.nope");
  broken.mutable_recommendation_rules(2)->add_finding_codes("NOT_A_FINDING");
  auto compiled = CompiledRuleset::Compile(broken, testing::Edition2018());
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(
      ahpl::testing::ViolatedFields(compiled.status()),
      (std::set<std::string>{"version", "typology_rules[1].id", "finding_rules[0].section_id",
                             "finding_rules[2].code", "recommendation_rules[0].consideration_id",
                             // the renamed finding's code no longer exists
                             "recommendation_rules[0].finding_codes[2]",
                             "recommendation_rules[1].gap_question_ids[4]",
                             "recommendation_rules[2].finding_codes[3]"}));
}

TEST(RulesetTest, RefusesAnotherEditionAndRowsItDoesNotHave) {
  auto ruleset = ShippedRuleset();
  ASSERT_TRUE(ruleset.ok());
  v1::Edition other = testing::Edition2018();
  other.set_id("2030-01");
  other.mutable_typology()->RemoveLast();
  auto compiled = CompiledRuleset::Compile(*ruleset, other);
  ASSERT_FALSE(compiled.ok());
  const auto fields = ahpl::testing::ViolatedFields(compiled.status());
  EXPECT_EQ(fields.count("edition_id"), 1u);
  EXPECT_EQ(fields.count("typology_rules[5].typology"), 1u);
}

TEST(RulesetTest, ParseRejectsWhatIsNotARuleset) {
  EXPECT_FALSE(ParseRuleset("{\"version\": 3").ok());
  EXPECT_FALSE(ParseRuleset("{\"no_such_field\": 1}").ok());
  auto parsed = ParseRuleset("{\"version\": \"x\", \"edition_id\": \"2018-06\"}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->version(), "x");
}

}  // namespace
}  // namespace ahpl::classification
