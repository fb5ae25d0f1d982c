// Imports returns chunk by chunk, apart from any transport: an import stream
// hands its chunks in and sends back what comes out, one answer per item in
// stream order.
#ifndef AHPL_SERVICES_ASSESSMENT_IMPORT_PIPELINE_H_
#define AHPL_SERVICES_ASSESSMENT_IMPORT_PIPELINE_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/v1/assessment.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/return_writer.h"
#include "services/common/access.h"

namespace ahpl::assessment {

// One import's two stages: Prepare checks a chunk, Store writes it. Prepare
// is called for the chunks in stream order, one call at a time; Store for
// the prepared chunks in the same order, one call at a time. One Prepare may
// run while another chunk's Store runs (they share no state), so a stream
// can store one chunk while it validates the next.
class ImportPipeline {
 public:
  // A chunk checked and ready to store; only Store looks inside.
  class PreparedChunk {
   private:
    friend class ImportPipeline;
    // Answers known before storing (rejections, replays), by stream index.
    std::map<int64_t, v1::ImportResult> results_;
    // The items to store, and their stream indexes.
    std::vector<int64_t> indexes_;
    std::vector<ImportRow> rows_;
  };

  // Imports as `caller`: a trust token imports returns of its trust only.
  ImportPipeline(AssessmentStore& store, ReturnWriter& writer, Principal caller);

  // Numbers the items of `chunk` on from the previous chunk's, and checks
  // each: its request id, the caller's scope, an earlier request with that
  // id (a replay, or a reuse for other content), then validates and
  // classifies it. An item's own problem becomes its answer; an error (the
  // database or the classifier failing) fails the import.
  absl::StatusOr<PreparedChunk> Prepare(const v1::ImportReturnsRequest& chunk);

  // Stores the checked items of `chunk` and answers every item of it in
  // stream order, with the import's accepted and rejected counts so far. A
  // request id taken since Prepare is answered as a replay or refused.
  absl::StatusOr<v1::ImportReturnsResponse> Store(PreparedChunk chunk);

  // Prepare, then Store.
  absl::StatusOr<v1::ImportReturnsResponse> Import(const v1::ImportReturnsRequest& chunk);

 private:
  // Stores `chunk`'s rows in batches, adding their answers to its results.
  absl::Status StoreRows(PreparedChunk& chunk);

  AssessmentStore& store_;
  ReturnWriter& writer_;
  const Principal caller_;
  int64_t next_index_ = 0;  // Prepare's
  int64_t accepted_ = 0;    // Store's
  int64_t rejected_ = 0;    // Store's
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_IMPORT_PIPELINE_H_
