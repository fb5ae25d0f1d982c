// Return summaries as mergeable counts: building them from the database's
// aggregate rows, merging summaries of disjoint data exactly, and comparing
// cycles. What may be shown of them is core/disclosure.h's. Pure: no gRPC,
// no SQL.
#ifndef AHPL_CORE_SUMMARY_H_
#define AHPL_CORE_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ahpl/v1/assessment.pb.h"
#include "ahpl/v1/catalogue.pb.h"

namespace ahpl::assessment {

// Adds `count` under `key` (merging with an existing entry).
void AddCount(google::protobuf::RepeatedPtrField<v1::Count>& counts, const std::string& key,
              int64_t count);

// The ratings of question `question_id` in `summary`, added (empty) if the
// summary has none yet.
v1::QuestionRatings& QuestionRatingsOf(v1::ReturnSummary& summary, const std::string& question_id);

// Adds `from` into `into` exactly (both unsuppressed, same cycle); the
// result keeps `into`'s region code.
void MergeInto(v1::ReturnSummary& into, const v1::ReturnSummary& from);

// Sorts every list by key and recomputes the derived figures (rates,
// shares, distinct titles).
void Finalize(v1::ReturnSummary& summary);

// The summary with every count replaced by a difference (b - a) per key, for
// comparing two controlled cycles: a difference is hidden (suppressed, 0,
// its path in suppressed_cells) whenever either side's cell is.
v1::ReturnSummary Difference(const v1::ReturnSummary& a, const v1::ReturnSummary& b);

}  // namespace ahpl::assessment

#endif  // AHPL_CORE_SUMMARY_H_
