#include "sdk/cli/csv_returns.h"

#include <cctype>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/csv.h"

namespace ahpl::cli {
namespace {

// An enum value by its full name ("BAND_8C") or the part after the prefix
// ("8c"), case-insensitively.
template <typename Enum>
bool ParseEnum(const std::string& text, const std::string& prefix,
               bool (*parse)(const std::string&, Enum*), Enum* out) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  return parse(upper, out) || parse(prefix + upper, out);
}

bool ParseBool(const std::string& text, bool* out) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "true" || lower == "yes" || lower == "1" || lower == "y") return *out = true, true;
  if (lower == "false" || lower == "no" || lower == "0" || lower == "n" || lower.empty()) {
    return *out = false, true;
  }
  return false;
}

std::vector<std::string> List(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    out.emplace_back(absl::StripAsciiWhitespace(part));
  }
  return out;
}

// Parses each `;`-separated value of `cell` (one value when `list` is
// false) as an enum and hands it to `set`; an empty cell sets nothing.
template <typename Enum, typename Set, typename Fail>
void ParseInto(const std::string& cell, const std::string& prefix,
               bool (*parse)(const std::string&, Enum*), bool list, Set set, Fail fail) {
  for (const auto& value : list ? List(cell) : std::vector<std::string>{cell}) {
    if (value.empty()) continue;
    Enum e;
    if (ParseEnum(value, prefix, parse, &e)) {
      set(e);
    } else {
      fail(value);
    }
  }
}

}  // namespace

const std::vector<std::string>& CsvReturnColumns() {
  static const auto* columns = new std::vector<std::string>{"trust_ods_code",
                                                            "cycle",
                                                            "edition_id",
                                                            "respondent_name",
                                                            "respondent_role",
                                                            "has_senior_ahp_leader",
                                                            "job_title",
                                                            "band",
                                                            "whole_time_equivalent",
                                                            "professional_background",
                                                            "professions_led",
                                                            "remits",
                                                            "board_relationship",
                                                            "reporting_line",
                                                            "board_presence",
                                                            "eligibility",
                                                            "combined_nursing_ahp_post",
                                                            "professions_employed",
                                                            "has_profession_specific_leads",
                                                            "representation",
                                                            "non_ahp_groups_counted"};
  return *columns;
}

absl::StatusOr<std::vector<CsvReturn>> ParseReturnsCsv(const std::string& text,
                                                       const v1::Edition& edition) {
  auto rows = ParseCsv(text);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::InvalidArgumentError("line 1: the file is empty");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < rows->front().fields.size(); ++i) {
    index[std::string(absl::StripAsciiWhitespace(rows->front().fields[i]))] = i;
  }
  std::vector<std::string> missing;
  for (const auto& c : CsvReturnColumns()) {
    if (index.count(c) == 0) missing.push_back(c);
  }
  for (const auto& q : edition.questions()) {
    if (index.count(q.id()) == 0) missing.push_back(q.id());
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line 1: the header lacks column(s) ", absl::StrJoin(missing, ", ")));
  }

  std::vector<std::string> problems;
  std::vector<CsvReturn> out;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    // A cell neutralised against formulas (by ahpl's own CSV writer, or as
    // a spreadsheet user would: '=...) is read without that quote.
    auto cell = [&](const std::string& column) -> std::string {
      const size_t i = index[column];
      return i < row.fields.size() ? RestoreCsvText(row.fields[i]) : "";
    };
    auto bad = [&](const std::string& column, const std::string& what) {
      problems.push_back(absl::StrCat("line ", row.line, ", column ", column, ": ", what));
    };
    CsvReturn item;
    item.line = row.line;
    v1::AssessmentReturn& ret = item.ret;
    ret.set_trust_ods_code(absl::AsciiStrToUpper(cell("trust_ods_code")));
    ret.set_cycle(cell("cycle"));
    ret.set_edition_id(cell("edition_id").empty() ? edition.id() : cell("edition_id"));
    ret.mutable_respondent()->set_name(cell("respondent_name"));
    ret.mutable_respondent()->set_role(cell("respondent_role"));
    auto* a = ret.mutable_arrangement();
    bool flag = false;
    if (!ParseBool(cell("has_senior_ahp_leader"), &flag))
      bad("has_senior_ahp_leader", "not yes/no");
    a->set_has_senior_ahp_leader(flag);
    if (flag) {
      auto* l = a->mutable_senior_leader();
      l->set_job_title(cell("job_title"));
      auto enum_column = [&](const std::string& column, const std::string& prefix, auto parse,
                             bool list, auto set, const char* what) {
        ParseInto(cell(column), prefix, parse, list, set, [&](const std::string& value) {
          bad(column, absl::StrCat("\"", value, "\" is not ", what));
        });
      };
      enum_column(
          "band", "BAND_", &v1::Band_Parse, false, [&](v1::Band v) { l->set_band(v); },
          "a band (below_8a, 8a, 8b, 8c, 8d, 9)");
      double wte = 0;
      if (!cell("whole_time_equivalent").empty() &&
          !absl::SimpleAtod(cell("whole_time_equivalent"), &wte)) {
        bad("whole_time_equivalent", "not a number");
      }
      l->set_whole_time_equivalent(wte);
      enum_column(
          "professional_background", "PROFESSION_", &v1::Profession_Parse, false,
          [&](v1::Profession v) { l->set_professional_background(v); }, "an AHP profession");
      enum_column(
          "professions_led", "PROFESSION_", &v1::Profession_Parse, true,
          [&](v1::Profession v) { l->add_professions_led(v); }, "an AHP profession");
      enum_column(
          "remits", "REMIT_", &v1::Remit_Parse, true, [&](v1::Remit v) { l->add_remits(v); },
          "a remit");
      enum_column(
          "board_relationship", "BOARD_RELATIONSHIP_", &v1::BoardRelationship_Parse, false,
          [&](v1::BoardRelationship v) { l->set_board_relationship(v); }, "a board relationship");
      enum_column(
          "reporting_line", "REPORTING_LINE_", &v1::ReportingLine_Parse, false,
          [&](v1::ReportingLine v) { l->set_reporting_line(v); }, "a reporting line");
      enum_column(
          "board_presence", "BOARD_PRESENCE_", &v1::BoardPresence_Parse, false,
          [&](v1::BoardPresence v) { l->set_board_presence(v); }, "a board presence");
      enum_column(
          "eligibility", "POST_ELIGIBILITY_", &v1::PostEligibility_Parse, false,
          [&](v1::PostEligibility v) { l->set_eligibility(v); }, "a post eligibility");
      if (!ParseBool(cell("combined_nursing_ahp_post"), &flag))
        bad("combined_nursing_ahp_post", "not yes/no");
      l->set_combined_nursing_ahp_post(flag);
    }
    auto fail = [&](const std::string& column, const char* what) {
      return [&, column, what](const std::string& value) {
        bad(column, absl::StrCat("\"", value, "\" is not ", what));
      };
    };
    ParseInto(
        cell("professions_employed"), "PROFESSION_", &v1::Profession_Parse, true,
        [&](v1::Profession v) { a->add_professions_employed(v); },
        fail("professions_employed", "an AHP profession"));
    if (!ParseBool(cell("has_profession_specific_leads"), &flag)) {
      bad("has_profession_specific_leads", "not yes/no");
    }
    a->set_has_profession_specific_leads(flag);
    ParseInto(
        cell("representation"), "AHP_REPRESENTATION_", &v1::AhpRepresentation_Parse, false,
        [&](v1::AhpRepresentation v) { a->set_representation(v); },
        fail("representation", "an AHP representation"));
    ParseInto(
        cell("non_ahp_groups_counted"), "NON_AHP_GROUP_", &v1::NonAhpGroup_Parse, true,
        [&](v1::NonAhpGroup v) { a->add_non_ahp_groups_counted(v); },
        fail("non_ahp_groups_counted", "a non-AHP group"));
    for (const auto& q : edition.questions()) {
      auto* answer = ret.add_answers();
      answer->set_question_id(q.id());
      const std::string value(absl::StripAsciiWhitespace(cell(q.id())));
      int rating = 0;
      if (!value.empty() && !absl::SimpleAtoi(value, &rating)) {
        bad(q.id(), "a rating must be a whole number");
      }
      answer->set_rating(rating);
    }
    out.push_back(std::move(item));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  return out;
}

std::string CsvColumnOf(const std::string& field, const v1::AssessmentReturn& ret) {
  static const std::map<std::string, std::string>* columns = new std::map<std::string, std::string>{
      {"trust_ods_code", "trust_ods_code"},
      {"cycle", "cycle"},
      {"edition_id", "edition_id"},
      {"respondent.name", "respondent_name"},
      {"respondent.role", "respondent_role"},
      {"arrangement.has_senior_ahp_leader", "has_senior_ahp_leader"},
      {"arrangement.professions_employed", "professions_employed"},
      {"arrangement.has_profession_specific_leads", "has_profession_specific_leads"},
      {"arrangement.representation", "representation"},
      {"arrangement.non_ahp_groups_counted", "non_ahp_groups_counted"}};
  std::string path = field;
  const size_t bracket = path.find('[');
  if (path.rfind("answers[", 0) == 0) {
    int i = 0;
    if (absl::SimpleAtoi(path.substr(8, path.find(']') - 8), &i) && i >= 0 &&
        i < ret.answers_size()) {
      return ret.answers(i).question_id();
    }
    return "";
  }
  if (path.rfind("arrangement.senior_leader.", 0) == 0) {
    std::string rest = path.substr(std::string("arrangement.senior_leader.").size());
    return rest.substr(0, rest.find('['));
  }
  if (bracket != std::string::npos) path = path.substr(0, bracket);
  auto it = columns->find(path);
  return it == columns->end() ? "" : it->second;
}

}  // namespace ahpl::cli
