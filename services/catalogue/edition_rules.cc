#include "services/catalogue/edition_rules.h"

#include <cctype>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace ahpl::catalogue {
namespace {

bool IsSlug(absl::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  if (!std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

bool Blank(absl::string_view s) {
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxTextLength = 4000;

void CheckText(FieldViolations& v, const std::string& path, const std::string& value,
               const char* what) {
  if (Blank(value)) {
    v.Add(path, absl::StrCat(what, " must not be empty"));
  } else if (value.size() > kMaxTextLength) {
    v.Add(path, absl::StrCat(what, " must be at most ", kMaxTextLength, " bytes"));
  }
}

void CheckId(FieldViolations& v, const std::string& path, const std::string& id,
             std::set<std::string>& seen, const char* what) {
  if (!IsSlug(id, kMaxIdLength)) {
    v.Add(path, absl::StrCat(what, " must be 1-", kMaxIdLength,
                             " letters, digits, '.', '_' or '-', starting with a letter or digit"));
  } else if (!seen.insert(id).second) {
    v.Add(path, absl::StrCat("duplicate ", what, " \"", id, "\""));
  }
}

void CheckPosition(FieldViolations& v, const std::string& path, int position, size_t index) {
  if (position != static_cast<int>(index) + 1) {
    v.Add(path, absl::StrCat("positions must run 1, 2, 3... in order; expected ", index + 1,
                             ", got ", position));
  }
}

template <typename Enum>
void CheckEnum(FieldViolations& v, const std::string& path, Enum value, std::set<int>& seen,
               const char* what) {
  if (static_cast<int>(value) == 0) {
    v.Add(path, absl::StrCat(what, " must be set"));
  } else if (!seen.insert(static_cast<int>(value)).second) {
    v.Add(path, absl::StrCat("duplicate ", what));
  }
}

void ValidateScale(FieldViolations& v, const v1::AnswerScale& scale) {
  if (scale.points_size() < 2) {
    v.Add("scale.points", "the answer scale needs at least two points");
    return;
  }
  std::set<std::string> codes;
  std::set<int> values;
  int previous = 0;
  for (int i = 0; i < scale.points_size(); ++i) {
    const auto& p = scale.points(i);
    const std::string path = IndexPath("scale.points", i);
    if (p.value() <= previous) {
      v.Add(JoinPath(path, "value"), "values must be positive and ascend from the lowest point");
    }
    previous = std::max(previous, p.value());
    values.insert(p.value());
    CheckId(v, JoinPath(path, "code"), p.code(), codes, "scale code");
    CheckText(v, JoinPath(path, "label"), p.label(), "label");
  }
  if (values.count(scale.yes_threshold()) == 0 || scale.yes_threshold() == *values.begin()) {
    v.Add("scale.yes_threshold",
          "must be the value of a scale point above the lowest, so that both \"yes\" and \"no\" "
          "answers exist");
  }
}

}  // namespace

bool IsValidEditionId(absl::string_view id) { return IsSlug(id, 32); }

FieldViolations ValidateEdition(const v1::Edition& e) {
  FieldViolations v;
  if (!IsValidEditionId(e.id())) {
    v.Add("id", "must be 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  CheckText(v, "title", e.title(), "title");
  CheckText(v, "attribution", e.attribution(), "attribution of the quoted source");

  std::set<std::string> section_ids;
  if (e.sections_size() == 0) v.Add("sections", "an edition needs at least one section");
  for (int i = 0; i < e.sections_size(); ++i) {
    const auto& s = e.sections(i);
    const std::string path = IndexPath("sections", i);
    CheckId(v, JoinPath(path, "id"), s.id(), section_ids, "section id");
    CheckPosition(v, JoinPath(path, "position"), s.position(), i);
    CheckText(v, JoinPath(path, "title"), s.title(), "title");
  }

  std::set<std::string> question_ids;
  std::set<std::string> sections_used;
  if (e.questions_size() == 0) v.Add("questions", "an edition needs at least one question");
  for (int i = 0; i < e.questions_size(); ++i) {
    const auto& q = e.questions(i);
    const std::string path = IndexPath("questions", i);
    CheckId(v, JoinPath(path, "id"), q.id(), question_ids, "question id");
    if (section_ids.count(q.section_id()) == 0) {
      v.Add(JoinPath(path, "section_id"),
            absl::StrCat("\"", q.section_id(), "\" is not a section of this edition"));
    } else {
      sections_used.insert(q.section_id());
    }
    CheckPosition(v, JoinPath(path, "position"), q.position(), i);
    CheckText(v, JoinPath(path, "text"), q.text(), "question text");
    if (q.polarity() == v1::POLARITY_UNSPECIFIED) {
      v.Add(JoinPath(path, "polarity"), "polarity must be set");
    }
  }
  for (int i = 0; i < e.sections_size(); ++i) {
    const auto& id = e.sections(i).id();
    if (section_ids.count(id) > 0 && sections_used.count(id) == 0) {
      v.Add(IndexPath("sections", i), absl::StrCat("section \"", id, "\" has no questions"));
    }
  }

  ValidateScale(v, e.scale());

  std::set<int> seen;
  std::set<std::string> codes;
  if (e.professions_size() == 0) v.Add("professions", "an edition needs its professions");
  for (int i = 0; i < e.professions_size(); ++i) {
    const auto& p = e.professions(i);
    const std::string path = IndexPath("professions", i);
    CheckEnum(v, JoinPath(path, "profession"), p.profession(), seen, "profession");
    CheckId(v, JoinPath(path, "code"), p.code(), codes, "profession code");
    CheckText(v, JoinPath(path, "name"), p.name(), "name");
  }
  seen.clear();
  codes.clear();
  for (int i = 0; i < e.non_ahp_groups_size(); ++i) {
    const auto& g = e.non_ahp_groups(i);
    const std::string path = IndexPath("non_ahp_groups", i);
    CheckEnum(v, JoinPath(path, "group"), g.group(), seen, "group");
    CheckId(v, JoinPath(path, "code"), g.code(), codes, "group code");
    CheckText(v, JoinPath(path, "name"), g.name(), "name");
  }
  std::set<int> bands;
  codes.clear();
  if (e.bands_size() == 0) v.Add("bands", "an edition needs its bands");
  for (int i = 0; i < e.bands_size(); ++i) {
    const auto& b = e.bands(i);
    const std::string path = IndexPath("bands", i);
    CheckEnum(v, JoinPath(path, "band"), b.band(), bands, "band");
    CheckId(v, JoinPath(path, "code"), b.code(), codes, "band code");
    CheckText(v, JoinPath(path, "label"), b.label(), "label");
    CheckPosition(v, JoinPath(path, "rank"), b.rank(), i);
  }
  seen.clear();
  for (int i = 0; i < e.typology_size(); ++i) {
    const auto& t = e.typology(i);
    const std::string path = IndexPath("typology", i);
    CheckEnum(v, JoinPath(path, "typology"), t.typology(), seen, "typology row");
    CheckText(v, JoinPath(path, "label"), t.label(), "label");
    for (int j = 0; j < t.typical_bands_size(); ++j) {
      if (bands.count(t.typical_bands(j)) == 0) {
        v.Add(IndexPath(JoinPath(path, "typical_bands"), j), "must be one of this edition's bands");
      }
    }
  }
  std::set<std::string> consideration_ids;
  for (int i = 0; i < e.considerations_size(); ++i) {
    const auto& c = e.considerations(i);
    const std::string path = IndexPath("considerations", i);
    CheckId(v, JoinPath(path, "id"), c.id(), consideration_ids, "consideration id");
    CheckText(v, JoinPath(path, "title"), c.title(), "title");
  }
  const auto& s = e.survey();
  for (auto [name, value] : {std::pair<const char*, int>{"trusts_surveyed", s.trusts_surveyed()},
                             {"trusts_responding", s.trusts_responding()},
                             {"responses", s.responses()},
                             {"return_rate_percent", s.return_rate_percent()},
                             {"interviews", s.interviews()},
                             {"distinct_leader_titles", s.distinct_leader_titles()},
                             {"job_descriptions", s.job_descriptions()}}) {
    if (value < 0) v.Add(JoinPath("survey", name), "must not be negative");
  }
  if (s.trusts_responding() > s.trusts_surveyed()) {
    v.Add("survey.trusts_responding", "cannot exceed trusts_surveyed");
  }
  return v;
}

std::string EditionFingerprint(const v1::Edition& edition) {
  v1::Edition copy = edition;
  copy.clear_publish_time();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Sha256Hex(bytes);
}

std::vector<v1::Question> QuestionsInSection(const v1::Edition& edition,
                                             absl::string_view section_id) {
  std::vector<v1::Question> out;
  for (const auto& q : edition.questions()) {
    if (section_id.empty() || q.section_id() == section_id) out.push_back(q);
  }
  return out;
}

bool HasSection(const v1::Edition& edition, absl::string_view section_id) {
  for (const auto& s : edition.sections()) {
    if (s.id() == section_id) return true;
  }
  return false;
}

}  // namespace ahpl::catalogue
