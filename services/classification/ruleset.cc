#include "services/classification/ruleset.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/embedded_file.h"

namespace ahpl {
std::vector<EmbeddedFile> ClassificationRulesetFiles();  // generated from data/
}  // namespace ahpl

namespace ahpl::classification {
namespace {

template <typename E>
bool Contains(const google::protobuf::RepeatedField<int>& list, E value) {
  return std::find(list.begin(), list.end(), static_cast<int>(value)) != list.end();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "BOARD_RELATIONSHIP_PROCESS_DRIVEN" -> "process-driven" and the like.
std::string Words(const std::string& enum_name, absl::string_view prefix) {
  std::string s = Lower(enum_name.substr(prefix.size()));
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

std::string RelationshipWords(v1::BoardRelationship r) {
  switch (r) {
    case v1::BOARD_RELATIONSHIP_DISTANT:
      return "distant";
    case v1::BOARD_RELATIONSHIP_PROCESS_DRIVEN:
      return "process-driven";
    case v1::BOARD_RELATIONSHIP_VARIED:
      return "varied (intermediate)";
    case v1::BOARD_RELATIONSHIP_CLOSE:
      return "close";
    case v1::BOARD_RELATIONSHIP_DIRECT:
      return "direct";
    default:
      return "not stated";
  }
}

std::string ReportingWords(v1::ReportingLine r) {
  switch (r) {
    case v1::REPORTING_LINE_DIRECTOR_OF_NURSING:
      return "the director of nursing";
    case v1::REPORTING_LINE_CHIEF_OPERATING_OFFICER:
      return "the chief operating officer";
    case v1::REPORTING_LINE_CHIEF_EXECUTIVE:
      return "the chief executive";
    default:
      return "another director";
  }
}

const char* RemitWords(v1::Remit r) {
  switch (r) {
    case v1::REMIT_STRATEGIC:
      return "strategic";
    case v1::REMIT_PROFESSIONAL:
      return "professional";
    case v1::REMIT_CLINICAL:
      return "clinical";
    case v1::REMIT_OPERATIONAL:
      return "operational";
    default:
      return "stated";
  }
}

std::string RepresentationWords(v1::AhpRepresentation r) {
  switch (r) {
    case v1::AHP_REPRESENTATION_NONE:
      return "there is no AHP-wide representation";
    case v1::AHP_REPRESENTATION_VOLUNTARY:
      return "AHP-wide representation is taken on voluntarily by a profession-specific lead";
    case v1::AHP_REPRESENTATION_BOLTED_ON:
      return "AHP-wide representation is bolted on to another role";
    case v1::AHP_REPRESENTATION_DESIGNATED:
      return "AHP-wide representation is a designated role";
    default:
      return "AHP-wide representation is not stated";
  }
}

}  // namespace

absl::StatusOr<v1::Ruleset> ParseRuleset(absl::string_view json) {
  v1::Ruleset ruleset;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &ruleset);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a ruleset in proto3 JSON: ", parsed.message().as_string()));
  }
  return ruleset;
}

absl::StatusOr<v1::Ruleset> ShippedRuleset() {
  const auto files = ClassificationRulesetFiles();
  if (files.empty()) return absl::NotFoundError("no ruleset is built into this binary");
  // Files are sorted by name; the last is the newest version.
  auto ruleset = ParseRuleset(files.back().contents);
  if (!ruleset.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(files.back().name, ": ", ruleset.status().message()));
  }
  return ruleset;
}

absl::StatusOr<std::shared_ptr<const CompiledRuleset>> CompiledRuleset::Compile(
    v1::Ruleset ruleset, v1::Edition edition) {
  std::shared_ptr<CompiledRuleset> c(new CompiledRuleset());
  c->ruleset_ = std::move(ruleset);
  c->edition_ = std::move(edition);
  const v1::Ruleset& r = c->ruleset_;
  const v1::Edition& e = c->edition_;
  for (const auto& row : e.typology()) c->rows_[row.typology()] = &row;
  std::set<std::string> sections, considerations, questions;
  for (const auto& s : e.sections()) sections.insert(s.id());
  for (const auto& k : e.considerations()) considerations.insert(k.id());
  for (const auto& q : e.questions()) questions.insert(q.id());

  FieldViolations v;
  if (r.version().empty()) v.Add("version", "a ruleset needs a version");
  if (r.edition_id() != e.id()) {
    v.Add("edition_id",
          absl::StrCat("names edition \"", r.edition_id(), "\" but was given \"", e.id(), "\""));
  }
  if (r.typology_rules_size() == 0) v.Add("typology_rules", "a ruleset needs typology rules");
  std::set<std::string> ids;
  for (int i = 0; i < r.typology_rules_size(); ++i) {
    const auto& rule = r.typology_rules(i);
    const std::string path = IndexPath("typology_rules", i);
    if (rule.id().empty() || !ids.insert(rule.id()).second) {
      v.Add(JoinPath(path, "id"), "rule ids must be present and unique");
    }
    if (c->rows_.count(rule.typology()) == 0) {
      v.Add(JoinPath(path, "typology"), absl::StrCat("not a Table 1 row of edition ", e.id()));
    }
  }
  std::set<std::string> codes;
  for (int i = 0; i < r.finding_rules_size(); ++i) {
    const auto& rule = r.finding_rules(i);
    const std::string path = IndexPath("finding_rules", i);
    if (rule.code().empty() || !codes.insert(rule.code()).second) {
      v.Add(JoinPath(path, "code"), "finding codes must be present and unique");
    }
    if (rule.severity() == v1::SEVERITY_UNSPECIFIED) {
      v.Add(JoinPath(path, "severity"), "severity must be set");
    }
    if (sections.count(rule.section_id()) == 0) {
      v.Add(JoinPath(path, "section_id"), absl::StrCat("not a section of edition ", e.id()));
    }
    if (rule.explanation().empty()) v.Add(JoinPath(path, "explanation"), "must not be empty");
  }
  for (int i = 0; i < r.recommendation_rules_size(); ++i) {
    const auto& rule = r.recommendation_rules(i);
    const std::string path = IndexPath("recommendation_rules", i);
    if (considerations.count(rule.consideration_id()) == 0) {
      v.Add(JoinPath(path, "consideration_id"),
            absl::StrCat("not a consideration of edition ", e.id()));
    }
    for (int j = 0; j < rule.finding_codes_size(); ++j) {
      if (codes.count(rule.finding_codes(j)) == 0) {
        v.Add(IndexPath(JoinPath(path, "finding_codes"), j), "not a finding code of this ruleset");
      }
    }
    for (int j = 0; j < rule.gap_question_ids_size(); ++j) {
      if (questions.count(rule.gap_question_ids(j)) == 0) {
        v.Add(IndexPath(JoinPath(path, "gap_question_ids"), j),
              absl::StrCat("not a question of edition ", e.id()));
      }
    }
  }
  if (!v.empty()) return v.ToStatus("ruleset cannot be used");
  for (const auto& [typology, row] : c->rows_) {
    std::vector<std::string> codes;
    for (int b : row->typical_bands()) codes.push_back(c->BandCode(static_cast<v1::Band>(b)));
    c->typical_bands_[typology] = absl::StrJoin(codes, ", ");
  }
  return std::shared_ptr<const CompiledRuleset>(std::move(c));
}

std::string CompiledRuleset::ProfessionName(v1::Profession profession) const {
  for (const auto& p : edition_.professions()) {
    if (p.profession() == profession) return p.name();
  }
  return Words(v1::Profession_Name(profession), "PROFESSION_");
}

std::string CompiledRuleset::BandCode(v1::Band band) const {
  for (const auto& b : edition_.bands()) {
    if (b.band() == band) return b.code();
  }
  return Words(v1::Band_Name(band), "BAND_");
}

std::string CompiledRuleset::ConsiderationTitle(const std::string& id) const {
  for (const auto& k : edition_.considerations()) {
    if (k.id() == id) return k.title();
  }
  return id;
}

bool Matches(const v1::Condition& c, const ArrangementFacts& f) {
  const v1::LeadershipArrangement& a = *f.arrangement;
  const v1::SeniorAhpLeader& l = a.senior_leader();
  if (c.has_has_senior_ahp_leader() && c.has_senior_ahp_leader() != f.has_post) return false;
  if (c.scope_in_size() > 0 && !Contains(c.scope_in(), f.scope)) return false;
  if (c.representation_in_size() > 0 && !Contains(c.representation_in(), a.representation())) {
    return false;
  }
  if (c.has_has_uncovered_professions() &&
      c.has_uncovered_professions() != !f.uncovered_professions.empty()) {
    return false;
  }
  if (c.has_counts_non_ahp_groups() &&
      c.counts_non_ahp_groups() != (a.non_ahp_groups_counted_size() > 0)) {
    return false;
  }
  const bool about_post = c.board_relationship_in_size() > 0 || c.remits_include_size() > 0 ||
                          c.band_below() != v1::BAND_UNSPECIFIED ||
                          c.band_at_least() != v1::BAND_UNSPECIFIED || c.band_in_size() > 0 ||
                          c.has_whole_time_equivalent_below() || c.reporting_line_in_size() > 0 ||
                          c.board_presence_in_size() > 0 || c.eligibility_in_size() > 0 ||
                          c.has_combined_nursing_ahp_post();
  if (!about_post) return true;
  if (!f.has_post) return false;
  if (c.board_relationship_in_size() > 0 &&
      !Contains(c.board_relationship_in(), l.board_relationship())) {
    return false;
  }
  for (int remit : c.remits_include()) {
    if (!Contains(l.remits(), remit)) return false;
  }
  if (c.band_below() != v1::BAND_UNSPECIFIED && !(BandRank(l.band()) < BandRank(c.band_below()))) {
    return false;
  }
  if (c.band_at_least() != v1::BAND_UNSPECIFIED &&
      !(BandRank(l.band()) >= BandRank(c.band_at_least()))) {
    return false;
  }
  if (c.band_in_size() > 0 && !Contains(c.band_in(), l.band())) return false;
  if (c.has_whole_time_equivalent_below() &&
      !(l.whole_time_equivalent() < c.whole_time_equivalent_below())) {
    return false;
  }
  if (c.reporting_line_in_size() > 0 && !Contains(c.reporting_line_in(), l.reporting_line())) {
    return false;
  }
  if (c.board_presence_in_size() > 0 && !Contains(c.board_presence_in(), l.board_presence())) {
    return false;
  }
  if (c.eligibility_in_size() > 0 && !Contains(c.eligibility_in(), l.eligibility())) return false;
  if (c.has_combined_nursing_ahp_post() &&
      c.combined_nursing_ahp_post() != l.combined_nursing_ahp_post()) {
    return false;
  }
  return true;
}

void Explain(const v1::Condition& c, const ArrangementFacts& f, const CompiledRuleset& rules,
             google::protobuf::RepeatedPtrField<v1::Reason>* out) {
  const v1::LeadershipArrangement& a = *f.arrangement;
  const v1::SeniorAhpLeader& l = a.senior_leader();
  auto add = [&](const char* field, std::string text) {
    v1::Reason* r = out->Add();
    r->set_field(field);
    r->set_explanation(std::move(text));
  };
  if (c.has_has_senior_ahp_leader()) {
    if (f.has_post) {
      add("has_senior_ahp_leader",
          l.job_title().empty() ? "The trust has a most senior AHP leader post."
                                : absl::StrCat("The trust has a most senior AHP leader post (\"",
                                               l.job_title(), "\")."));
    } else {
      add("has_senior_ahp_leader",
          "The trust has no identifiable most senior AHP leader post, so AHP leadership rests "
          "with profession-specific leads.");
    }
  }
  if (c.scope_in_size() > 0) {
    switch (f.scope) {
      case v1::SCOPE_SINGLE_PROFESSION: {
        std::string who =
            l.professions_led_size() > 0
                ? rules.ProfessionName(static_cast<v1::Profession>(l.professions_led(0)))
                : "one profession";
        add("senior_leader.professions_led",
            absl::StrCat("The most senior AHP leader leads a single profession (", who,
                         "), so leadership is profession-specific."));
        break;
      }
      case v1::SCOPE_SOME_PROFESSIONS:
        add("senior_leader.professions_led",
            absl::StrCat("The most senior AHP leader leads ", f.professions_led, " of the ",
                         f.professions_employed,
                         " AHP professions the trust employs: more than one, but not all."));
        break;
      case v1::SCOPE_ALL_EMPLOYED_PROFESSIONS:
        add("senior_leader.professions_led",
            absl::StrCat("The most senior AHP leader leads all ", f.professions_employed,
                         " AHP professions the trust employs."));
        break;
      default:
        break;
    }
  }
  if (c.representation_in_size() > 0) {
    std::string text = RepresentationWords(a.representation());
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    add("representation", absl::StrCat(text, "."));
  }
  if (!f.has_post) return;
  for (int remit : c.remits_include()) {
    add("senior_leader.remits",
        absl::StrCat("The post has a ", RemitWords(static_cast<v1::Remit>(remit)), " remit."));
  }
  if (c.board_relationship_in_size() > 0) {
    add("senior_leader.board_relationship",
        absl::StrCat("Its relationship with the trust board is ",
                     RelationshipWords(l.board_relationship()), "."));
  }
  if (c.band_below() != v1::BAND_UNSPECIFIED || c.band_at_least() != v1::BAND_UNSPECIFIED ||
      c.band_in_size() > 0) {
    add("senior_leader.band", absl::StrCat("The post is at band ", rules.BandCode(l.band()), "."));
  }
  if (c.has_whole_time_equivalent_below()) {
    add("senior_leader.whole_time_equivalent",
        absl::StrCat("The post is ", l.whole_time_equivalent(), " whole-time equivalent."));
  }
  if (c.reporting_line_in_size() > 0) {
    add("senior_leader.reporting_line",
        absl::StrCat("The post reports to ", ReportingWords(l.reporting_line()), "."));
  }
  if (c.board_presence_in_size() > 0) {
    add("senior_leader.board_presence",
        l.board_presence() == v1::BOARD_PRESENCE_NONE
            ? "The postholder neither attends nor sits on the board."
        : l.board_presence() == v1::BOARD_PRESENCE_ATTENDS ? "The postholder attends the board."
                                                           : "The postholder sits on the board.");
  }
  if (c.eligibility_in_size() > 0) {
    add("senior_leader.eligibility", l.eligibility() == v1::POST_ELIGIBILITY_ALL_AHPS
                                         ? "The post is open to all AHPs."
                                     : l.eligibility() == v1::POST_ELIGIBILITY_SOME_PROFESSIONS
                                         ? "The post is open only to some AHP professions."
                                         : "The post is not open to AHPs.");
  }
  if (c.has_combined_nursing_ahp_post()) {
    add("senior_leader.combined_nursing_ahp_post",
        l.combined_nursing_ahp_post() ? "The post combines nursing and AHP leadership."
                                      : "The post is an AHP post, not a combined one.");
  }
}

std::vector<std::string> FieldsOf(const v1::Condition& c) {
  std::vector<std::string> out;
  if (c.has_has_senior_ahp_leader()) out.push_back("has_senior_ahp_leader");
  if (c.scope_in_size() > 0 || c.has_has_uncovered_professions()) {
    out.push_back("professions_employed");
    out.push_back("senior_leader.professions_led");
  }
  if (c.has_has_uncovered_professions()) out.push_back("has_profession_specific_leads");
  if (c.representation_in_size() > 0) out.push_back("representation");
  if (c.has_counts_non_ahp_groups()) out.push_back("non_ahp_groups_counted");
  if (c.remits_include_size() > 0) out.push_back("senior_leader.remits");
  if (c.board_relationship_in_size() > 0) out.push_back("senior_leader.board_relationship");
  if (c.band_below() || c.band_at_least() || c.band_in_size() > 0)
    out.push_back("senior_leader.band");
  if (c.has_whole_time_equivalent_below()) out.push_back("senior_leader.whole_time_equivalent");
  if (c.reporting_line_in_size() > 0) out.push_back("senior_leader.reporting_line");
  if (c.board_presence_in_size() > 0) out.push_back("senior_leader.board_presence");
  if (c.eligibility_in_size() > 0) out.push_back("senior_leader.eligibility");
  if (c.has_combined_nursing_ahp_post()) out.push_back("senior_leader.combined_nursing_ahp_post");
  return out;
}

}  // namespace ahpl::classification
