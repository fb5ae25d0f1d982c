#include "services/assessment/import_pipeline.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/return_rules.h"
#include "core/status_macros.h"
#include "services/assessment/return_requests.h"

namespace ahpl::assessment {
namespace {

// Rows stored per transaction.
constexpr size_t kImportBatch = 1000;

v1::ImportResult ResultFor(int64_t index, const absl::Status& status) {
  v1::ImportResult r;
  r.set_index(index);
  if (auto bad = BadRequestOf(status)) {
    for (const auto& fv : bad->field_violations()) {
      auto* v = r.add_violations();
      v->set_field(fv.field());
      v->set_description(fv.description());
    }
  } else if (absl::IsFailedPrecondition(status)) {
    // Outside the collection's window.
    auto* v = r.add_violations();
    v->set_field("assessment_return.cycle");
    v->set_description(std::string(status.message()));
  } else {
    r.add_violations()->set_description(std::string(status.message()));
  }
  return r;
}

}  // namespace

ImportPipeline::ImportPipeline(AssessmentStore& store, ReturnWriter& writer, Principal caller)
    : store_(store), writer_(writer), caller_(std::move(caller)) {}

absl::StatusOr<ImportPipeline::PreparedChunk> ImportPipeline::Prepare(
    const v1::ImportReturnsRequest& chunk) {
  PreparedChunk prepared;
  int64_t index = next_index_;
  next_index_ += chunk.items_size();

  std::vector<std::string> ids, found;
  for (const auto& item : chunk.items()) ids.push_back(item.request_id());
  ASSIGN_OR_RETURN(std::vector<Replay> known, store_.FindRequests(ids, &found));
  std::map<std::string, Replay> replays;
  for (size_t i = 0; i < found.size(); ++i) replays[found[i]] = known[i];

  // Each cycle's collection is read once per chunk.
  CollectionMemo collections;
  for (int i = 0; i < chunk.items_size(); ++i, ++index) {
    const auto& item = chunk.items(i);
    if (auto s = CheckRequestId(item.request_id()); !s.ok()) {
      prepared.results_[index] = ResultFor(index, s);
      continue;
    }
    if (!ReturnWriter::CheckWritable(caller_, item.assessment_return().trust_ods_code()).ok()) {
      prepared.results_[index] = ResultFor(
          index, InvalidField("assessment_return.trust_ods_code",
                              absl::StrCat("outside this token's scope: it imports returns of "
                                           "trust ",
                                           caller_.scope, " only")));
      continue;
    }
    auto replay = replays.find(item.request_id());
    if (replay != replays.end()) {
      const std::string digest = RequestDigest(item.submit() ? "create-submitted" : "create",
                                               ClientContent(item.assessment_return()));
      v1::ImportResult result;
      result.set_index(index);
      if (replay->second.request_digest == digest) {
        result.set_name(absl::StrCat("returns/", replay->second.return_id));
        result.set_replayed(true);
      } else {
        result = ResultFor(index, InvalidField("request_id",
                                               "this request id was already used for a "
                                               "different return"));
      }
      prepared.results_[index] = std::move(result);
      continue;
    }
    auto version = writer_.PrepareNew(item.request_id(), item.assessment_return(), item.submit(),
                                      caller_, "assessment_return", &collections);
    if (!version.ok()) {
      if (!absl::IsInvalidArgument(version.status()) &&
          !absl::IsFailedPrecondition(version.status())) {
        return version.status();
      }
      prepared.results_[index] = ResultFor(index, version.status());
      continue;
    }
    prepared.indexes_.push_back(index);
    prepared.rows_.push_back(ImportRow{std::move(*version), ""});
  }
  return prepared;
}

absl::Status ImportPipeline::StoreRows(PreparedChunk& p) {
  for (size_t begin = 0; begin < p.rows_.size(); begin += kImportBatch) {
    const size_t end = std::min(p.rows_.size(), begin + kImportBatch);
    std::vector<ImportRow> rows(std::make_move_iterator(p.rows_.begin() + begin),
                                std::make_move_iterator(p.rows_.begin() + end));
    absl::Status stored =
        store_.ImportBatch(rows, [this](pqxx::transaction_base& tx, std::vector<ImportRow>& batch) {
          return writer_.CheckBatch(tx, batch);
        });
    // A taken request id, or a window that shut since the chunk was
    // checked: one at a time, each with its own answer.
    if (!stored.ok() && !absl::IsAlreadyExists(stored) && !absl::IsFailedPrecondition(stored) &&
        !absl::IsInvalidArgument(stored)) {
      return stored;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const int64_t index = p.indexes_[begin + i];
      v1::ImportResult r;
      r.set_index(index);
      if (stored.ok()) {
        r.set_name(absl::StrCat("returns/", rows[i].return_id));
      } else {
        // A request id in the batch was taken: one at a time, replaying or
        // refusing the taken ones.
        auto created = store_.Create(rows[i].version, writer_.GuardFor(rows[i].version, ""));
        if (created.ok()) {
          r.set_name(created->name());
        } else if (absl::IsFailedPrecondition(created.status()) ||
                   absl::IsInvalidArgument(created.status())) {
          r = ResultFor(index, created.status());
        } else if (absl::IsAlreadyExists(created.status())) {
          auto replay =
              writer_.Replay(rows[i].version.request_id, rows[i].version.request_digest, caller_);
          if (!replay.ok() && !absl::IsInvalidArgument(replay.status())) return replay.status();
          if (replay.ok() && replay->has_value()) {
            r.set_name((*replay)->name());
            r.set_replayed(true);
          } else {
            r = ResultFor(index, replay.ok() ? InvalidField("request_id", "request id taken")
                                             : replay.status());
          }
        } else {
          return created.status();
        }
      }
      p.results_[index] = std::move(r);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ImportReturnsResponse> ImportPipeline::Store(PreparedChunk chunk) {
  RETURN_IF_ERROR(StoreRows(chunk));
  v1::ImportReturnsResponse response;
  for (auto& [index, r] : chunk.results_) {
    if (r.violations_size() > 0) {
      ++rejected_;
    } else {
      ++accepted_;
    }
    *response.add_results() = std::move(r);
  }
  response.set_accepted_count(accepted_);
  response.set_rejected_count(rejected_);
  return response;
}

absl::StatusOr<v1::ImportReturnsResponse> ImportPipeline::Import(
    const v1::ImportReturnsRequest& chunk) {
  ASSIGN_OR_RETURN(PreparedChunk prepared, Prepare(chunk));
  return Store(std::move(prepared));
}

}  // namespace ahpl::assessment
