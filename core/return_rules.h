// What a trust's return must satisfy to be kept as a draft or submitted,
// and the facts about it that are stored for counting. Pure: no gRPC, no SQL.
#ifndef AHPL_CORE_RETURN_RULES_H_
#define AHPL_CORE_RETURN_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/catalogue.pb.h"
#include "core/field_violations.h"

namespace ahpl::assessment {

enum class Completeness {
  kDraft,     // facts may be missing; what is given must be valid
  kComplete,  // everything a submission needs
};

// Limits on free text, in bytes.
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxEvidenceLength = 10000;
inline constexpr size_t kMaxReasonLength = 2000;
// The highest version number a return can have (the store keeps versions
// as 32-bit integers); a request asking for a higher one is refused.
inline constexpr int64_t kMaxReturnVersion = 2147483647;

// Every problem with `ret` against `edition` (null when the edition is not
// published: then "edition_id" is named and answers are not checked).
// `trust_known` says whether the trust is in the register. Paths are
// relative to the return, e.g. "answers[3].rating".
FieldViolations ValidateReturn(const v1::AssessmentReturn& ret, const v1::Edition* edition,
                               bool trust_known, Completeness completeness);

// The parts of a return a client may set; server-set fields cleared.
v1::AssessmentReturn ClientContent(const v1::AssessmentReturn& ret);

// Ratings by the edition's question order; nullopt where unanswered.
std::vector<std::optional<int>> RatingsByPosition(const v1::AssessmentReturn& ret,
                                                  const v1::Edition& edition);

// A digest of a write request (its kind and content), to recognise a
// repeated request id.
std::string RequestDigest(absl::string_view kind, const google::protobuf::Message& content);

// The opaque version tag of a return's version.
std::string Etag(absl::string_view return_id, int64_t version);

}  // namespace ahpl::assessment

#endif  // AHPL_CORE_RETURN_RULES_H_
