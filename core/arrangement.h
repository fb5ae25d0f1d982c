// What the classification rules see of a leadership arrangement: the
// validated facts of a return and what follows from them (scope, coverage).
#ifndef AHPL_CORE_ARRANGEMENT_H_
#define AHPL_CORE_ARRANGEMENT_H_

#include <vector>

#include "ahpl/v1/catalogue.pb.h"
#include "ahpl/v1/classification.pb.h"
#include "ahpl/v1/common.pb.h"
#include "core/field_violations.h"

namespace ahpl::classification {

// Every problem with `arrangement`, with paths relative to it (e.g.
// "senior_leader.band"): unset or unknown enum values, a band or other post
// facts given when there is no post, professions led that the trust does not
// employ, repeated values, whole-time equivalence outside (0, 1].
// With `complete` false (a draft), facts not yet given are allowed; values
// that are given must still be known and consistent.
FieldViolations ValidateArrangement(const v1::LeadershipArrangement& arrangement,
                                    bool complete = true);

// Facts derived from a valid arrangement.
struct ArrangementFacts {
  const v1::LeadershipArrangement* arrangement = nullptr;
  bool has_post = false;
  v1::Scope scope = v1::SCOPE_UNSPECIFIED;
  int professions_led = 0;       // distinct professions the leader leads
  int professions_employed = 0;  // distinct professions the trust employs
  // Employed professions led neither by the senior leader nor (as far as the
  // return says) by profession-specific leads.
  std::vector<v1::Profession> uncovered_professions;
};

// Derives the facts; `arrangement` must be valid and outlive the result.
ArrangementFacts DeriveFacts(const v1::LeadershipArrangement& arrangement);

// Rank of a band from lowest (below 8a = 1) to highest (9 = 6); 0 if unset.
int BandRank(v1::Band band);

}  // namespace ahpl::classification

#endif  // AHPL_CORE_ARRANGEMENT_H_
