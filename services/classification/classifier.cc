#include "services/classification/classifier.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/status_macros.h"

namespace ahpl::classification {
namespace {

v1::BandFit FitOf(const v1::SeniorAhpLeader& leader, const v1::TypologyRow& row) {
  int lowest = 99, highest = 0;
  for (int b : row.typical_bands()) {
    lowest = std::min(lowest, BandRank(static_cast<v1::Band>(b)));
    highest = std::max(highest, BandRank(static_cast<v1::Band>(b)));
  }
  const int rank = BandRank(leader.band());
  if (highest == 0) return v1::BAND_FIT_TYPICAL;
  if (rank < lowest) return v1::BAND_FIT_BELOW;
  if (rank > highest) return v1::BAND_FIT_ABOVE;
  return v1::BAND_FIT_TYPICAL;
}

void FillRow(const v1::TypologyRow& row, bool full, v1::Classification& c) {
  c.set_typology(row.typology());
  *c.mutable_typical_bands() = row.typical_bands();
  if (!full) return;
  c.set_label(row.label());
  c.set_board_relationship(row.board_relationship());
  c.set_visibility_influence(row.visibility_influence());
  c.set_communication(row.communication());
  c.set_improvement_perception(row.improvement_perception());
  c.set_exemplars(row.exemplars());
}

}  // namespace

absl::StatusOr<ClassifyResult> Classify(const CompiledRuleset& rules,
                                        const v1::LeadershipArrangement& arrangement,
                                        v1::ClassificationView view) {
  ClassifyResult result;
  RETURN_IF_ERROR(ClassifyInto(rules, arrangement, view, result.classification, result.findings));
  return result;
}

absl::Status ClassifyInto(const CompiledRuleset& rules,
                          const v1::LeadershipArrangement& arrangement, v1::ClassificationView view,
                          v1::Classification& c,
                          google::protobuf::RepeatedPtrField<v1::Finding>& findings) {
  const bool full = view != v1::CLASSIFICATION_VIEW_BASIC;
  RETURN_IF_ERROR(ValidateArrangement(arrangement).ToStatus("invalid arrangement"));
  const ArrangementFacts facts = DeriveFacts(arrangement);
  const v1::Ruleset& ruleset = rules.ruleset();

  const v1::TypologyRule* matched = nullptr;
  for (const auto& rule : ruleset.typology_rules()) {
    if (Matches(rule.when(), facts)) {
      matched = &rule;
      break;
    }
  }
  if (matched == nullptr) {
    return absl::InternalError(
        absl::StrCat("ruleset ", ruleset.version(), " has no typology rule for this arrangement"));
  }
  const v1::TypologyRow& row = rules.row(matched->typology());
  FillRow(row, full, c);
  c.set_ruleset_version(ruleset.version());
  c.set_scope(facts.scope);
  if (full) {
    Explain(matched->when(), facts, rules, c.mutable_reasons());
    v1::Reason* placed = c.add_reasons();
    placed->set_field("typology");
    placed->set_explanation(absl::StrCat("So the arrangement is \"", row.label(),
                                         "\" in Table 1 (rule ", matched->id(), ")."));
  }
  if (facts.has_post) {
    c.set_band_fit(FitOf(arrangement.senior_leader(), row));
  } else {
    c.set_band_fit(v1::BAND_FIT_NO_POST);
  }
  if (facts.has_post && full) {
    const std::string band = rules.BandCode(arrangement.senior_leader().band());
    const std::string& typical = rules.TypicalBands(row.typology());
    v1::Reason* fit = c.add_reasons();
    fit->set_field("senior_leader.band");
    switch (c.band_fit()) {
      case v1::BAND_FIT_BELOW:
        fit->set_explanation(absl::StrCat(
            "Band ", band, " is below the bands typical of this row (", typical, ")."));
        break;
      case v1::BAND_FIT_ABOVE:
        fit->set_explanation(absl::StrCat(
            "Band ", band, " is above the bands typical of this row (", typical, ")."));
        break;
      default:
        fit->set_explanation(
            absl::StrCat("Band ", band, " is typical of this row (", typical, ")."));
        break;
    }
  }

  for (const auto& rule : ruleset.finding_rules()) {
    if (!Matches(rule.when(), facts)) continue;
    v1::Finding& f = *findings.Add();
    f.set_code(rule.code());
    f.set_severity(rule.severity());
    f.set_section_id(rule.section_id());
    if (!full) continue;
    f.set_explanation(rule.explanation());
    if (rule.when().has_has_uncovered_professions() && !facts.uncovered_professions.empty()) {
      std::vector<std::string> names;
      for (auto p : facts.uncovered_professions) names.push_back(rules.ProfessionName(p));
      absl::StrAppend(f.mutable_explanation(), " Not covered: ", absl::StrJoin(names, ", "), ".");
    }
    for (auto& field : FieldsOf(rule.when())) f.add_triggered_by(std::move(field));
  }
  return absl::OkStatus();
}

FieldViolations ValidateAnswers(
    const v1::Edition& edition,
    const google::protobuf::RepeatedPtrField<v1::RatedAnswer>& answers) {
  FieldViolations v;
  std::set<std::string> questions;
  for (const auto& q : edition.questions()) questions.insert(q.id());
  std::set<int> ratings;
  for (const auto& p : edition.scale().points()) ratings.insert(p.value());
  std::set<std::string> seen;
  for (int i = 0; i < answers.size(); ++i) {
    const auto& a = answers.Get(i);
    const std::string path = IndexPath("answers", i);
    if (questions.count(a.question_id()) == 0) {
      v.Add(JoinPath(path, "question_id"),
            absl::StrCat("\"", a.question_id(), "\" is not a question of edition ", edition.id()));
    } else if (!seen.insert(a.question_id()).second) {
      v.Add(JoinPath(path, "question_id"), "answered twice");
    }
    if (ratings.count(a.rating()) == 0) {
      v.Add(JoinPath(path, "rating"),
            absl::StrCat("must be a value of edition ", edition.id(), "'s scale (",
                         *ratings.begin(), " to ", *ratings.rbegin(), ")"));
    }
  }
  return v;
}

absl::StatusOr<v1::EvaluateReturnResponse> Evaluate(
    const CompiledRuleset& rules, const v1::Edition& answers_edition,
    const v1::LeadershipArrangement& arrangement,
    const google::protobuf::RepeatedPtrField<v1::RatedAnswer>& answers) {
  FieldViolations v;
  v.Merge(ValidateArrangement(arrangement), "arrangement");
  v.Merge(ValidateAnswers(answers_edition, answers));
  RETURN_IF_ERROR(v.ToStatus("invalid return"));
  v1::EvaluateReturnResponse response;
  RETURN_IF_ERROR(ClassifyInto(rules, arrangement, v1::CLASSIFICATION_VIEW_FULL,
                               *response.mutable_classification(), *response.mutable_findings()));
  std::set<std::string> triggers;
  for (const auto& f : response.findings()) triggers.insert(f.code());

  std::map<std::string, int> rating_of;
  for (const auto& a : answers) rating_of[a.question_id()] = a.rating();
  const int threshold = answers_edition.scale().yes_threshold();
  for (const auto& section : answers_edition.sections()) {
    v1::SectionGap* gap = response.add_section_gaps();
    gap->set_section_id(section.id());
    for (const auto& q : answers_edition.questions()) {
      if (q.section_id() != section.id()) continue;
      auto it = rating_of.find(q.id());
      if (it == rating_of.end()) continue;
      gap->set_answered_count(gap->answered_count() + 1);
      const bool yes = it->second >= threshold;
      const bool is_gap = q.polarity() == v1::POLARITY_YES_IS_GAP ? yes : !yes;
      if (is_gap) {
        gap->add_question_ids(q.id());
        triggers.insert(q.id());
      }
    }
  }

  for (const auto& rule : rules.ruleset().recommendation_rules()) {
    v1::Recommendation r;
    for (const auto& code : rule.finding_codes()) {
      if (triggers.count(code) > 0) r.add_because_of(code);
    }
    for (const auto& q : rule.gap_question_ids()) {
      if (triggers.count(q) > 0) r.add_because_of(q);
    }
    if (r.because_of_size() == 0) continue;
    r.set_consideration_id(rule.consideration_id());
    r.set_title(rules.ConsiderationTitle(rule.consideration_id()));
    *response.add_recommendations() = std::move(r);
  }
  return response;
}

}  // namespace ahpl::classification
