#include "core/return_rules.h"

#include <cctype>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/arrangement.h"
#include "core/codes.h"
#include "core/sha256.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace ahpl::assessment {
namespace {

bool Blank(absl::string_view s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void CheckLength(FieldViolations& v, const std::string& path, const std::string& value,
                 size_t max) {
  if (value.size() > max) v.Add(path, absl::StrCat("must be at most ", max, " bytes"));
  if (value.find('\0') != std::string::npos) v.Add(path, "must not contain NUL bytes");
}

void ValidateAnswers(FieldViolations& v, const v1::AssessmentReturn& ret,
                     const v1::Edition& edition, Completeness completeness) {
  std::map<std::string, int> position;
  for (const auto& q : edition.questions()) position[q.id()] = q.position();
  std::set<int> scale;
  for (const auto& p : edition.scale().points()) scale.insert(p.value());
  std::set<std::string> answered;
  for (int i = 0; i < ret.answers_size(); ++i) {
    const auto& a = ret.answers(i);
    const std::string path = IndexPath("answers", i);
    if (position.count(a.question_id()) == 0) {
      v.Add(JoinPath(path, "question_id"),
            absl::StrCat("\"", a.question_id(), "\" is not a question of edition ", edition.id()));
    } else if (!answered.insert(a.question_id()).second) {
      v.Add(JoinPath(path, "question_id"), "question answered twice");
    }
    const bool unanswered = a.rating() == 0;
    if (unanswered && completeness == Completeness::kComplete) {
      v.Add(JoinPath(path, "rating"), "every question needs a rating to submit");
    } else if (!unanswered && scale.count(a.rating()) == 0) {
      v.Add(JoinPath(path, "rating"),
            absl::StrCat("must be a value of edition ", edition.id(), "'s scale (",
                         scale.empty() ? 0 : *scale.begin(), " to ",
                         scale.empty() ? 0 : *scale.rbegin(), ")"));
    }
    CheckLength(v, JoinPath(path, "evidence"), a.evidence(), kMaxEvidenceLength);
    if (a.has_action()) {
      const auto& action = a.action();
      const std::string apath = JoinPath(path, "action");
      if (Blank(action.description())) {
        v.Add(JoinPath(apath, "description"), "an action needs a description");
      }
      CheckLength(v, JoinPath(apath, "description"), action.description(), kMaxReasonLength);
      CheckLength(v, JoinPath(apath, "owner"), action.owner(), kMaxNameLength);
      if (!action.due_date().empty() && !IsIsoDate(action.due_date())) {
        v.Add(JoinPath(apath, "due_date"), "must be a date as YYYY-MM-DD");
      }
    }
  }
  if (completeness == Completeness::kComplete) {
    for (const auto& q : edition.questions()) {
      if (answered.count(q.id()) == 0) {
        v.Add("answers", absl::StrCat("question ", q.id(), " is not answered"));
      }
    }
  }
}

}  // namespace

FieldViolations ValidateReturn(const v1::AssessmentReturn& ret, const v1::Edition* edition,
                               bool trust_known, Completeness completeness) {
  FieldViolations v;
  if (!IsOdsCode(ret.trust_ods_code())) {
    const std::string canonical = CanonicalCode(ret.trust_ods_code());
    v.Add("trust_ods_code",
          IsOdsCode(canonical)
              ? absl::StrCat("a return names its trust in capitals: \"", canonical, "\"")
              : kOdsCodeRule);
  } else if (!trust_known) {
    v.Add("trust_ods_code", absl::StrCat("no trust ", ret.trust_ods_code(), " in the register"));
  }
  if (!IsCycle(ret.cycle())) {
    v.Add("cycle", kCycleRule);
  }
  if (edition == nullptr) {
    v.Add("edition_id", absl::StrCat("no published edition \"", ret.edition_id(), "\""));
  }
  const auto& who = ret.respondent();
  if (completeness == Completeness::kComplete) {
    if (Blank(who.name())) v.Add("respondent.name", "who answered is needed to submit");
    if (Blank(who.role())) v.Add("respondent.role", "the respondent's role is needed to submit");
  }
  CheckLength(v, "respondent.name", who.name(), kMaxNameLength);
  CheckLength(v, "respondent.role", who.role(), kMaxNameLength);
  if (edition != nullptr) ValidateAnswers(v, ret, *edition, completeness);
  CheckLength(v, "arrangement.senior_leader.job_title",
              ret.arrangement().senior_leader().job_title(), kMaxNameLength);
  v.Merge(classification::ValidateArrangement(ret.arrangement(),
                                              completeness == Completeness::kComplete),
          "arrangement");
  return v;
}

v1::AssessmentReturn ClientContent(const v1::AssessmentReturn& ret) {
  v1::AssessmentReturn content;
  content.set_trust_ods_code(ret.trust_ods_code());
  content.set_cycle(ret.cycle());
  content.set_edition_id(ret.edition_id());
  *content.mutable_respondent() = ret.respondent();
  *content.mutable_answers() = ret.answers();
  if (ret.has_arrangement()) *content.mutable_arrangement() = ret.arrangement();
  return content;
}

std::vector<std::optional<int>> RatingsByPosition(const v1::AssessmentReturn& ret,
                                                  const v1::Edition& edition) {
  std::map<std::string, int> rating;
  for (const auto& a : ret.answers()) {
    if (a.rating() != 0) rating[a.question_id()] = a.rating();
  }
  std::vector<std::optional<int>> out;
  for (const auto& q : edition.questions()) {
    auto it = rating.find(q.id());
    out.push_back(it == rating.end() ? std::nullopt : std::optional<int>(it->second));
  }
  return out;
}

std::string RequestDigest(absl::string_view kind, const google::protobuf::Message& content) {
  std::string bytes(kind);
  bytes.push_back('\n');
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    content.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

std::string Etag(absl::string_view return_id, int64_t version) {
  return Sha256Hex(absl::StrCat(return_id, "/", version)).substr(0, 20);
}

}  // namespace ahpl::assessment
