// Places a leadership arrangement in Table 1 with a ruleset, raises the
// spec's findings, and evaluates a return's answers into section gaps and
// recommendations. Pure: no gRPC, no SQL.
#ifndef AHPL_SERVICES_CLASSIFICATION_CLASSIFIER_H_
#define AHPL_SERVICES_CLASSIFICATION_CLASSIFIER_H_

#include "absl/status/statusor.h"
#include "ahpl/v1/classification.pb.h"
#include "services/classification/ruleset.h"

namespace ahpl::classification {

struct ClassifyResult {
  v1::Classification classification;
  google::protobuf::RepeatedPtrField<v1::Finding> findings;
};

// Validates and classifies `arrangement`, filling in what `view` asks for
// (the full answer unless CLASSIFICATION_VIEW_BASIC). Invalid input is
// INVALID_ARGUMENT with paths relative to the arrangement.
absl::StatusOr<ClassifyResult> Classify(const CompiledRuleset& rules,
                                        const v1::LeadershipArrangement& arrangement,
                                        v1::ClassificationView view = v1::CLASSIFICATION_VIEW_FULL);

// The same, written into `classification` and appended to `findings`
// (which should be empty), so that a caller reusing messages reuses their
// memory too.
absl::Status ClassifyInto(const CompiledRuleset& rules,
                          const v1::LeadershipArrangement& arrangement, v1::ClassificationView view,
                          v1::Classification& classification,
                          google::protobuf::RepeatedPtrField<v1::Finding>& findings);

// Every problem with `answers` against `edition`: unknown or repeated
// question ids, ratings off the scale (paths like "answers[2].rating").
FieldViolations ValidateAnswers(const v1::Edition& edition,
                                const google::protobuf::RepeatedPtrField<v1::RatedAnswer>& answers);

// Evaluates a whole return: classification and findings from the
// arrangement, gaps per section from the answers (by each question's
// polarity in `answers_edition`), and the considerations they call for.
// Problems with either part come back together, paths prefixed
// "arrangement." and "answers[i].".
absl::StatusOr<v1::EvaluateReturnResponse> Evaluate(
    const CompiledRuleset& rules, const v1::Edition& answers_edition,
    const v1::LeadershipArrangement& arrangement,
    const google::protobuf::RepeatedPtrField<v1::RatedAnswer>& answers);

}  // namespace ahpl::classification

#endif  // AHPL_SERVICES_CLASSIFICATION_CLASSIFIER_H_
