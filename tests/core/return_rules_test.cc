#include "core/return_rules.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/assessment/fixtures.h"
#include "tests/support/status_matchers.h"

namespace ahpl::assessment {
namespace {

using testing::CompleteReturn;
using testing::MinimalDraft;

const v1::Edition& Edition() {
  static const v1::Edition edition = classification::testing::Edition2018();
  return edition;
}

std::set<std::string> Fields(const v1::AssessmentReturn& r, Completeness c, bool trust_known = true,
                             const v1::Edition* edition = &Edition()) {
  return ahpl::testing::ViolatedFields(ValidateReturn(r, edition, trust_known, c).ToStatus("x"));
}

TEST(ReturnRulesTest, CompleteReturnPassesBothLevels) {
  EXPECT_TRUE(Fields(CompleteReturn(), Completeness::kComplete).empty());
  EXPECT_TRUE(Fields(CompleteReturn(), Completeness::kDraft).empty());
}

TEST(ReturnRulesTest, DraftsMayBeIncompleteButSubmissionsMayNot) {
  EXPECT_TRUE(Fields(MinimalDraft(), Completeness::kDraft).empty());
  const auto fields = Fields(MinimalDraft(), Completeness::kComplete);
  for (const char* f : {"respondent.name", "respondent.role", "answers",
                        "arrangement.professions_employed", "arrangement.representation"}) {
    EXPECT_EQ(fields.count(f), 1u) << f;
  }
}

TEST(ReturnRulesTest, IdentityFieldsAreChecked) {
  v1::AssessmentReturn r = CompleteReturn("rf4", "2018-20");
  EXPECT_EQ(Fields(r, Completeness::kDraft, true, nullptr),
            (std::set<std::string>{"trust_ods_code", "cycle", "edition_id"}));
  EXPECT_EQ(Fields(CompleteReturn("ZZZ"), Completeness::kDraft, /*trust_known=*/false),
            (std::set<std::string>{"trust_ods_code"}));
}

TEST(ReturnRulesTest, AnswersAreCheckedAgainstTheEdition) {
  v1::AssessmentReturn r = CompleteReturn();
  const std::string first = r.answers(0).question_id();
  r.mutable_answers(0)->set_question_id("concepts.nope");
  r.mutable_answers(1)->set_rating(9);
  r.mutable_answers(2)->set_question_id(r.answers(3).question_id());
  r.mutable_answers(4)->set_rating(0);
  r.mutable_answers(5)->mutable_action()->set_description("Review the AHP lead's banding");
  r.mutable_answers(5)->mutable_action()->set_due_date("2019-02-30");
  r.mutable_answers(6)->set_evidence(std::string(kMaxEvidenceLength + 1, 'x'));
  r.mutable_answers(7)->mutable_action()->set_owner("Chief nurse");
  const auto complete = Fields(r, Completeness::kComplete);
  EXPECT_EQ(complete, (std::set<std::string>{"answers[0].question_id", "answers[1].rating",
                                             "answers[3].question_id", "answers[4].rating",
                                             "answers[5].action.due_date", "answers[6].evidence",
                                             "answers[7].action.description", "answers"}));
  // A draft may leave a rating at 0 (not yet answered) and questions out.
  const auto draft = Fields(r, Completeness::kDraft);
  EXPECT_EQ(draft.count("answers[4].rating"), 0u);
  EXPECT_EQ(draft.count("answers"), 0u);
  EXPECT_EQ(draft.count("answers[1].rating"), 1u);
}

TEST(ReturnRulesTest, ArrangementIsCheckedUnderItsPath) {
  v1::AssessmentReturn r = CompleteReturn();
  r.mutable_arrangement()->mutable_senior_leader()->set_band(static_cast<v1::Band>(50));
  EXPECT_EQ(Fields(r, Completeness::kDraft),
            (std::set<std::string>{"arrangement.senior_leader.band"}));
  r.mutable_arrangement()->mutable_senior_leader()->clear_band();
  EXPECT_TRUE(Fields(r, Completeness::kDraft).empty()) << "a draft may leave the band out";
  EXPECT_EQ(Fields(r, Completeness::kComplete),
            (std::set<std::string>{"arrangement.senior_leader.band"}));
}

TEST(ReturnRulesTest, FreeTextLimitsAndNulBytes) {
  v1::AssessmentReturn r = CompleteReturn();
  r.mutable_respondent()->set_name(std::string("Alex\0Morgan", 11));
  r.mutable_respondent()->set_role(std::string(kMaxNameLength + 1, 'r'));
  EXPECT_EQ(Fields(r, Completeness::kDraft),
            (std::set<std::string>{"respondent.name", "respondent.role"}));
}

TEST(ReturnRulesTest, RatingsFollowTheEditionsQuestionOrder) {
  v1::AssessmentReturn r = CompleteReturn();
  std::reverse(r.mutable_answers()->begin(), r.mutable_answers()->end());
  r.mutable_answers()->RemoveLast();  // the first question, now last
  const auto ratings = RatingsByPosition(r, Edition());
  ASSERT_EQ(ratings.size(), 12u);
  EXPECT_FALSE(ratings[0].has_value());
  EXPECT_EQ(ratings[1], 2);
  EXPECT_EQ(ratings[11], 4);
}

TEST(ReturnRulesTest, ClientContentDropsServerFields) {
  v1::AssessmentReturn r = CompleteReturn();
  r.set_name("returns/x");
  r.set_version(7);
  r.set_etag("e");
  r.set_status(v1::RETURN_STATUS_SUBMITTED);
  r.mutable_classification()->set_typology(v1::TYPOLOGY_UNIPROFESSIONAL);
  const auto content = ClientContent(r);
  EXPECT_TRUE(content.name().empty());
  EXPECT_EQ(content.version(), 0);
  EXPECT_FALSE(content.has_classification());
  EXPECT_EQ(content.answers_size(), 12);
}

TEST(ReturnRulesTest, DigestsAndEtags) {
  const auto a = CompleteReturn();
  auto b = a;
  b.mutable_answers(0)->set_rating(4);
  EXPECT_EQ(RequestDigest("create", a), RequestDigest("create", a));
  EXPECT_NE(RequestDigest("create", a), RequestDigest("create", b));
  EXPECT_NE(RequestDigest("create", a), RequestDigest("create-submitted", a));
  EXPECT_EQ(Etag("id", 1), Etag("id", 1));
  EXPECT_NE(Etag("id", 1), Etag("id", 2));
}

}  // namespace
}  // namespace ahpl::assessment
