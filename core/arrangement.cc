#include "core/arrangement.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace ahpl::classification {
namespace {

// The set of enum values in `values` (all below 64), as bits.
uint64_t Bits(const google::protobuf::RepeatedField<int>& values) {
  uint64_t bits = 0;
  for (int value : values) {
    if (value > 0 && value < 64) bits |= uint64_t{1} << value;
  }
  return bits;
}

// Checks a repeated enum field: each value known and set, none repeated.
template <typename IsValid>
void CheckEnumList(FieldViolations& v, const std::string& path,
                   const google::protobuf::RepeatedField<int>& values, IsValid is_valid,
                   const char* what) {
  uint64_t seen = 0;
  for (int i = 0; i < values.size(); ++i) {
    const int value = values.Get(i);
    if (value <= 0 || value >= 64 || !is_valid(value)) {
      v.Add(IndexPath(path, i), absl::StrCat("not a known ", what, " (", value, ")"));
    } else if (seen & (uint64_t{1} << value)) {
      v.Add(IndexPath(path, i), absl::StrCat("repeated ", what));
    } else {
      seen |= uint64_t{1} << value;
    }
  }
}

template <typename IsValid>
void CheckEnum(FieldViolations& v, const std::string& path, int value, IsValid is_valid,
               const char* what, bool required = true) {
  if (value == 0) {
    if (!required) return;
    v.Add(path, absl::StrCat("the ", what, " must be set"));
  } else if (!is_valid(value)) {
    v.Add(path, absl::StrCat("not a known ", what, " (", value, ")"));
  }
}

void ValidateLeader(FieldViolations& v, const v1::LeadershipArrangement& a, bool complete) {
  const auto& l = a.senior_leader();
  CheckEnum(v, "senior_leader.band", l.band(), v1::Band_IsValid, "Agenda for Change band",
            complete);
  if ((complete || l.whole_time_equivalent() != 0) &&
      !(l.whole_time_equivalent() > 0.0 && l.whole_time_equivalent() <= 1.0)) {
    v.Add("senior_leader.whole_time_equivalent",
          "must be more than 0 and at most 1 (1 is full time)");
  }
  if (l.professional_background() != 0 && !v1::Profession_IsValid(l.professional_background())) {
    v.Add("senior_leader.professional_background", "not a known AHP profession");
  }
  if (complete && l.professions_led_size() == 0) {
    v.Add("senior_leader.professions_led", "name the AHP professions the post leads");
  }
  CheckEnumList(v, "senior_leader.professions_led", l.professions_led(), v1::Profession_IsValid,
                "AHP profession");
  const uint64_t employed = Bits(a.professions_employed());
  for (int i = 0; i < l.professions_led_size(); ++i) {
    const int p = l.professions_led(i);
    if (p > 0 && p < 64 && v1::Profession_IsValid(p) && !(employed & (uint64_t{1} << p))) {
      v.Add(IndexPath("senior_leader.professions_led", i),
            absl::StrCat(v1::Profession_Name(static_cast<v1::Profession>(p)),
                         " is led but not listed in professions_employed"));
    }
  }
  if (complete && l.remits_size() == 0) v.Add("senior_leader.remits", "name the post's remit");
  CheckEnumList(v, "senior_leader.remits", l.remits(), v1::Remit_IsValid, "remit");
  CheckEnum(v, "senior_leader.board_relationship", l.board_relationship(),
            v1::BoardRelationship_IsValid, "relationship with the board", complete);
  CheckEnum(v, "senior_leader.reporting_line", l.reporting_line(), v1::ReportingLine_IsValid,
            "reporting line", complete);
  CheckEnum(v, "senior_leader.board_presence", l.board_presence(), v1::BoardPresence_IsValid,
            "board presence", complete);
  CheckEnum(v, "senior_leader.eligibility", l.eligibility(), v1::PostEligibility_IsValid,
            "post eligibility", complete);
  if (l.eligibility() == v1::POST_ELIGIBILITY_NOT_OPEN_TO_AHPS && !l.combined_nursing_ahp_post()) {
    v.Add("senior_leader.eligibility",
          "NOT_OPEN_TO_AHPS describes a combined nursing/AHP post; set combined_nursing_ahp_post");
  }
}

void ValidateNoLeader(FieldViolations& v, const v1::LeadershipArrangement& a) {
  if (!a.has_senior_leader()) return;
  const auto& l = a.senior_leader();
  const char* why = "must be empty when has_senior_ahp_leader is false (there is no such post)";
  if (l.band() != 0) v.Add("senior_leader.band", why);
  if (!l.job_title().empty()) v.Add("senior_leader.job_title", why);
  if (l.whole_time_equivalent() != 0) v.Add("senior_leader.whole_time_equivalent", why);
  if (l.professions_led_size() > 0) v.Add("senior_leader.professions_led", why);
  if (l.remits_size() > 0) v.Add("senior_leader.remits", why);
  if (l.board_relationship() != 0) v.Add("senior_leader.board_relationship", why);
  if (l.reporting_line() != 0) v.Add("senior_leader.reporting_line", why);
  if (l.board_presence() != 0) v.Add("senior_leader.board_presence", why);
  if (l.eligibility() != 0) v.Add("senior_leader.eligibility", why);
  if (l.combined_nursing_ahp_post()) v.Add("senior_leader.combined_nursing_ahp_post", why);
  if (l.professional_background() != 0) v.Add("senior_leader.professional_background", why);
}

}  // namespace

int BandRank(v1::Band band) {
  switch (band) {
    case v1::BAND_BELOW_8A:
      return 1;
    case v1::BAND_8A:
      return 2;
    case v1::BAND_8B:
      return 3;
    case v1::BAND_8C:
      return 4;
    case v1::BAND_8D:
      return 5;
    case v1::BAND_9:
      return 6;
    default:
      return 0;
  }
}

FieldViolations ValidateArrangement(const v1::LeadershipArrangement& a, bool complete) {
  FieldViolations v;
  if (complete && a.professions_employed_size() == 0) {
    v.Add("professions_employed", "name the AHP professions the trust employs");
  }
  CheckEnumList(v, "professions_employed", a.professions_employed(), v1::Profession_IsValid,
                "AHP profession");
  CheckEnum(v, "representation", a.representation(), v1::AhpRepresentation_IsValid,
            "AHP representation", complete);
  CheckEnumList(v, "non_ahp_groups_counted", a.non_ahp_groups_counted(), v1::NonAhpGroup_IsValid,
                "non-AHP group");
  if (a.has_senior_ahp_leader()) {
    ValidateLeader(v, a, complete);
  } else {
    ValidateNoLeader(v, a);
  }
  return v;
}

ArrangementFacts DeriveFacts(const v1::LeadershipArrangement& a) {
  ArrangementFacts f;
  f.arrangement = &a;
  f.has_post = a.has_senior_ahp_leader();
  const uint64_t employed = Bits(a.professions_employed());
  const uint64_t led = f.has_post ? Bits(a.senior_leader().professions_led()) : 0;
  f.professions_employed = __builtin_popcountll(employed);
  f.professions_led = __builtin_popcountll(led);
  if (!f.has_post) {
    f.scope = v1::SCOPE_NO_POST;
  } else if (f.professions_led <= 1) {
    f.scope = v1::SCOPE_SINGLE_PROFESSION;
  } else {
    f.scope =
        (employed & ~led) == 0 ? v1::SCOPE_ALL_EMPLOYED_PROFESSIONS : v1::SCOPE_SOME_PROFESSIONS;
  }
  if (!a.has_profession_specific_leads()) {
    for (int p = 1; p < 64; ++p) {
      if ((employed & ~led) & (uint64_t{1} << p)) {
        f.uncovered_professions.push_back(static_cast<v1::Profession>(p));
      }
    }
  }
  return f;
}

}  // namespace ahpl::classification
