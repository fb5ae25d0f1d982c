#include "services/assessment/assessment_service.h"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/assessment/export_reactor.h"
#include "services/assessment/return_requests.h"
#include "services/assessment/return_rules.h"
#include "services/assessment/summary.h"
#include "services/common/field_violations.h"
#include "services/common/grpc_status.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"
#include "services/common/unary.h"

namespace ahpl::assessment {
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
constexpr int kMaxVersionPage = 200;
constexpr size_t kImportBatch = 1000;

}  // namespace

AssessmentService::AssessmentService(AssessmentStore& store, ReturnWriter& writer,
                                     Authorizer& authorizer, WorkerPool& workers)
    : store_(store), writer_(writer), authorizer_(authorizer), workers_(workers) {}

absl::Status AssessmentService::CheckVisible(const Principal& caller,
                                             const v1::AssessmentReturn& ret) {
  std::string region;
  if (caller.role == v1::ROLE_REGION) {
    ASSIGN_OR_RETURN(region, writer_.RegionOf(ret.trust_ods_code()));
  }
  if (caller.CoversTrust(ret.trust_ods_code(), region)) return absl::OkStatus();
  return absl::NotFoundError(absl::StrCat("no return ", ret.name()));
}

grpc::ServerUnaryReactor* AssessmentService::CreateReturn(grpc::CallbackServerContext* context,
                                                          const v1::CreateReturnRequest* request,
                                                          v1::CreateReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/CreateReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        ASSIGN_OR_RETURN(auto written,
                         writer_.Create(request->request_id(), request->assessment_return(),
                                        request->submit(), caller, "assessment_return"));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::UpdateReturn(grpc::CallbackServerContext* context,
                                                          const v1::UpdateReturnRequest* request,
                                                          v1::UpdateReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/UpdateReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        const auto& ret = request->assessment_return();
        ASSIGN_OR_RETURN(auto written,
                         writer_.Change(ReturnWriter::Change::kUpdate, request->request_id(),
                                        ret.name(), ret.etag(), &ret, "", caller,
                                        WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::SubmitReturn(grpc::CallbackServerContext* context,
                                                          const v1::SubmitReturnRequest* request,
                                                          v1::SubmitReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/SubmitReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        ASSIGN_OR_RETURN(auto written,
                         writer_.Change(ReturnWriter::Change::kSubmit, request->request_id(),
                                        request->name(), request->etag(), nullptr, "", caller,
                                        WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::AmendReturn(grpc::CallbackServerContext* context,
                                                         const v1::AmendReturnRequest* request,
                                                         v1::AmendReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/AmendReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        const auto& ret = request->assessment_return();
        ASSIGN_OR_RETURN(auto written,
                         writer_.Change(ReturnWriter::Change::kAmend, request->request_id(),
                                        ret.name(), ret.etag(), &ret, request->reason(), caller,
                                        WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::WithdrawReturn(
    grpc::CallbackServerContext* context, const v1::WithdrawReturnRequest* request,
    v1::WithdrawReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/WithdrawReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        ASSIGN_OR_RETURN(auto written,
                         writer_.Change(ReturnWriter::Change::kWithdraw, request->request_id(),
                                        request->name(), request->etag(), nullptr,
                                        request->reason(), caller, WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::GetReturn(grpc::CallbackServerContext* context,
                                                       const v1::GetReturnRequest* request,
                                                       v1::GetReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/GetReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        auto id = ReturnIdFromName(request->name(), "name");
        if (!id.ok()) v.Add("name", "must be a return's name, \"returns/{id}\"");
        if (request->version() < 0) v.Add("version", "must not be negative (0 for the latest)");
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        ASSIGN_OR_RETURN(auto stored, store_.Get(*id, request->version()));
        RETURN_IF_ERROR(CheckVisible(caller, stored.ret));
        *response->mutable_assessment_return() = std::move(stored.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListReturnVersions(
    grpc::CallbackServerContext* context, const v1::ListReturnVersionsRequest* request,
    v1::ListReturnVersionsResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/ListReturnVersions", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        auto id = ReturnIdFromName(request->name(), "name");
        if (!id.ok()) v.Add("name", "must be a return's name, \"returns/{id}\"");
        if (request->page_size() < 0) v.Add("page_size", "must not be negative");
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        ASSIGN_OR_RETURN(std::string after, DecodePageToken(request->page_token(), request->name()));
        int64_t after_version = 0;
        if (!after.empty() && !absl::SimpleAtoi(after, &after_version)) {
          return InvalidField("page_token", "not a page token issued by this service");
        }
        ASSIGN_OR_RETURN(auto current, store_.Get(*id, 0));
        RETURN_IF_ERROR(CheckVisible(caller, current.ret));
        const int limit = ClampPageSize(request->page_size(), kDefaultPage, kMaxVersionPage);
        ASSIGN_OR_RETURN(auto versions, store_.ListVersions(*id, after_version, limit + 1));
        const bool more = static_cast<int>(versions.size()) > limit;
        if (more) versions.pop_back();
        for (auto& ver : versions) *response->add_versions() = std::move(ver);
        if (more) {
          response->set_next_page_token(EncodePageToken(
              request->name(), std::to_string(response->versions().rbegin()->version())));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListReturns(grpc::CallbackServerContext* context,
                                                         const v1::ListReturnsRequest* request,
                                                         v1::ListReturnsResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/ListReturns", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        ASSIGN_OR_RETURN(ReturnQuery query, QueryFromFilter(request->filter()));
        if (request->page_size() < 0) return InvalidField("page_size", "must not be negative");
        const std::string fingerprint = request->filter().SerializeAsString();
        ASSIGN_OR_RETURN(std::string after, DecodePageToken(request->page_token(), fingerprint));
        int64_t after_seq = 0;
        if (!after.empty() && !absl::SimpleAtoi(after, &after_seq)) {
          return InvalidField("page_token", "not a page token issued by this service");
        }
        std::optional<ReturnQuery> visible = ScopeQuery(caller, std::move(query));
        if (!visible.has_value()) return absl::OkStatus();
        const int limit = ClampPageSize(request->page_size(), kDefaultPage, kMaxPage);
        ASSIGN_OR_RETURN(auto page, store_.List(*visible, after_seq, limit + 1));
        const bool more = static_cast<int>(page.size()) > limit;
        if (more) page.pop_back();
        for (auto& r : page) *response->add_returns() = std::move(r.ret);
        if (more) {
          response->set_next_page_token(
              EncodePageToken(fingerprint, std::to_string(page.back().seq)));
        }
        return absl::OkStatus();
      });
}

// ---- ImportReturns ----------------------------------------------------------

namespace {

// Imports chunks in a two-stage pipeline: while one chunk's valid items are
// being stored (COPY, one transaction per 1,000), the next chunk is read and
// validated. Results go out in stream order, one response per chunk, each
// once its chunk is stored. At most two chunks are held at a time.
class ImportReactor final
    : public grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse> {
 public:
  // Reads once the caller is authorized (on a worker: it may look the
  // token up).
  ImportReactor(AssessmentStore& store, ReturnWriter& writer, WorkerPool& workers,
                grpc::CallbackServerContext* context, Authorizer& authorizer)
      : store_(store), writer_(writer), workers_(workers) {
    Guard guard(this);
    reading_ = true;
    if (!workers_.TrySubmit([this, context, &authorizer] {
          auto caller = authorizer.Authorize(*context, "/ahpl.v1.AssessmentService/ImportReturns");
          Guard guard(this);
          if (!caller.ok()) {
            reading_ = false;
            reads_done_ = true;
            FailLocked(ToGrpcStatus(caller.status()));
            return;
          }
          caller_ = std::move(*caller);
          StartRead(&request_);
        })) {
      reading_ = false;
      reads_done_ = true;
      FailLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry the import"));
    }
  }

  void OnReadDone(bool ok) override {
    Guard guard(this);
    reading_ = false;
    if (!ok || failed_) {
      reads_done_ = true;
      MaybeFinishLocked();
      return;
    }
    preparing_ = true;
    auto chunk = std::make_shared<v1::ImportReturnsRequest>(std::move(request_));
    request_.Clear();
    if (!workers_.TrySubmit([this, chunk] { Prepare(*chunk); })) {
      preparing_ = false;
      FailLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry the import"));
    }
  }

  void OnWriteDone(bool ok) override {
    Guard guard(this);
    writing_ = false;
    if (!ok) {
      FailLocked(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    outbox_.pop_front();
    if (failed_) {
      MaybeFinishLocked();
      return;
    }
    WriteNextLocked();
    MaybeReadLocked();
    MaybeFinishLocked();
  }

  void OnDone() override { delete this; }

 private:
  // Holds the reactor's lock; on leaving, releases it and only then
  // finishes the call if a finish was decided under it. Finish may run
  // OnDone, which deletes the reactor, so nothing touches it afterwards.
  class Guard {
   public:
    explicit Guard(ImportReactor* reactor) : reactor_(reactor), lock_(reactor->mu_) {}
    ~Guard() {
      std::optional<grpc::Status> finish = std::move(reactor_->finish_);
      reactor_->finish_.reset();
      lock_.unlock();
      if (finish.has_value()) reactor_->Finish(*finish);
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    ImportReactor* reactor_;
    std::unique_lock<std::mutex> lock_;
  };

  // A chunk after validation: results known so far by stream index, and the
  // valid items to store.
  struct Prepared {
    std::map<int64_t, v1::ImportResult> results;
    std::vector<int64_t> indexes;
    std::vector<ImportRow> rows;
  };

  static v1::ImportResult ResultFor(int64_t index, const absl::Status& status) {
    v1::ImportResult r;
    r.set_index(index);
    if (auto bad = BadRequestOf(status)) {
      for (const auto& fv : bad->field_violations()) {
        auto* v = r.add_violations();
        v->set_field(fv.field());
        v->set_description(fv.description());
      }
    } else {
      r.add_violations()->set_description(std::string(status.message()));
    }
    return r;
  }

  // Stage 1, on a worker: validate and classify every item of `chunk`.
  void Prepare(const v1::ImportReturnsRequest& chunk) {
    auto prepared = std::make_shared<Prepared>();
    int64_t index;
    {
      Guard guard(this);
      index = next_index_;
      next_index_ += chunk.items_size();
    }
    absl::Status failed;
    std::vector<std::string> ids, found;
    for (const auto& item : chunk.items()) ids.push_back(item.request_id());
    std::map<std::string, Replay> replays;
    auto known = store_.FindRequests(ids, &found);
    if (!known.ok()) failed = known.status();
    for (size_t i = 0; failed.ok() && i < found.size(); ++i) replays[found[i]] = (*known)[i];

    for (int i = 0; failed.ok() && i < chunk.items_size(); ++i, ++index) {
      const auto& item = chunk.items(i);
      if (auto s = CheckRequestId(item.request_id()); !s.ok()) {
        prepared->results[index] = ResultFor(index, s);
        continue;
      }
      if (!ReturnWriter::CheckWritable(caller_, item.assessment_return().trust_ods_code()).ok()) {
        prepared->results[index] = ResultFor(
            index, InvalidField("assessment_return.trust_ods_code",
                                absl::StrCat("outside this token's scope: it imports returns of "
                                             "trust ", caller_.scope, " only")));
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
        prepared->results[index] = std::move(result);
        continue;
      }
      auto version = writer_.PrepareNew(item.request_id(), item.assessment_return(), item.submit(),
                                        caller_, "assessment_return");
      if (!version.ok()) {
        if (!absl::IsInvalidArgument(version.status())) {
          failed = version.status();
          break;
        }
        prepared->results[index] = ResultFor(index, version.status());
        continue;
      }
      prepared->indexes.push_back(index);
      prepared->rows.push_back(ImportRow{std::move(*version), ""});
    }

    Guard guard(this);
    preparing_ = false;
    if (!failed.ok()) {
      FailLocked(ToGrpcStatus(failed));
      return;
    }
    if (failed_) {
      MaybeFinishLocked();
      return;
    }
    ready_.push_back(std::move(prepared));
    StoreNextLocked();
    MaybeReadLocked();
  }

  // Stage 2, on a worker: store a prepared chunk's items in batches; on a
  // request id taken meanwhile, one at a time (replaying or refusing).
  absl::Status Store(Prepared& p) {
    for (size_t begin = 0; begin < p.rows.size(); begin += kImportBatch) {
      const size_t end = std::min(p.rows.size(), begin + kImportBatch);
      std::vector<ImportRow> rows(std::make_move_iterator(p.rows.begin() + begin),
                                  std::make_move_iterator(p.rows.begin() + end));
      absl::Status stored = store_.ImportBatch(rows);
      if (!stored.ok() && !absl::IsAlreadyExists(stored)) return stored;
      for (size_t i = 0; i < rows.size(); ++i) {
        const int64_t index = p.indexes[begin + i];
        v1::ImportResult r;
        r.set_index(index);
        if (stored.ok()) {
          r.set_name(absl::StrCat("returns/", rows[i].return_id));
        } else {
          auto created = store_.Create(rows[i].version);
          if (created.ok()) {
            r.set_name(created->name());
          } else if (absl::IsAlreadyExists(created.status())) {
            auto replay = writer_.Replay(rows[i].version.request_id, rows[i].version.request_digest,
                                         caller_);
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
        p.results[index] = std::move(r);
      }
    }
    return absl::OkStatus();
  }

  void StoreNextLocked() {
    if (storing_ || ready_.empty() || failed_) return;
    storing_ = true;
    auto prepared = ready_.front();
    ready_.pop_front();
    if (!workers_.TrySubmit([this, prepared] {
          absl::Status stored = Store(*prepared);
          Guard guard(this);
          storing_ = false;
          if (!stored.ok()) {
            FailLocked(ToGrpcStatus(stored));
            return;
          }
          if (failed_) {
            MaybeFinishLocked();
            return;
          }
          v1::ImportReturnsResponse response;
          for (auto& [index, r] : prepared->results) {
            if (r.violations_size() > 0) {
              ++rejected_;
            } else {
              ++accepted_;
            }
            *response.add_results() = std::move(r);
          }
          response.set_accepted_count(accepted_);
          response.set_rejected_count(rejected_);
          outbox_.push_back(std::move(response));
          WriteNextLocked();
          StoreNextLocked();
          MaybeReadLocked();
          MaybeFinishLocked();
        })) {
      storing_ = false;
      FailLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy; retry the import"));
    }
  }

  void WriteNextLocked() {
    if (writing_ || outbox_.empty() || failed_) return;
    writing_ = true;
    StartWrite(&outbox_.front());
  }

  // Reads on while at most two chunks are between reading and writing.
  void MaybeReadLocked() {
    if (reading_ || reads_done_ || failed_ || preparing_) return;
    if (ready_.size() + (storing_ ? 1 : 0) + outbox_.size() >= 2) return;
    reading_ = true;
    StartRead(&request_);
  }

  // Decides to finish once nothing of ours is in flight: with the first
  // failure, or OK when every chunk read has been answered. The Guard
  // finishes after releasing the lock.
  void MaybeFinishLocked() {
    if (finished_ || preparing_ || storing_ || writing_) return;
    if (failed_) {
      finished_ = true;
      finish_ = failure_;
      return;
    }
    if (!reads_done_ || !ready_.empty() || !outbox_.empty()) return;
    finished_ = true;
    finish_ = grpc::Status::OK;
  }

  void FailLocked(const grpc::Status& status) {
    if (!failed_) {
      failed_ = true;
      failure_ = status;
    }
    MaybeFinishLocked();
  }

  AssessmentStore& store_;
  ReturnWriter& writer_;
  WorkerPool& workers_;
  Principal caller_;  // set before the first read

  std::mutex mu_;
  v1::ImportReturnsRequest request_;
  std::deque<std::shared_ptr<Prepared>> ready_;
  std::deque<v1::ImportReturnsResponse> outbox_;
  bool reading_ = false, reads_done_ = false, preparing_ = false, storing_ = false;
  bool writing_ = false, failed_ = false, finished_ = false;
  grpc::Status failure_;
  std::optional<grpc::Status> finish_;
  int64_t next_index_ = 0;
  int64_t accepted_ = 0;
  int64_t rejected_ = 0;
};

}  // namespace

grpc::ServerBidiReactor<v1::ImportReturnsRequest, v1::ImportReturnsResponse>*
AssessmentService::ImportReturns(grpc::CallbackServerContext* context) {
  return new ImportReactor(store_, writer_, workers_, context, authorizer_);
}

grpc::ServerWriteReactor<v1::ExportReturnsResponse>* AssessmentService::ExportReturns(
    grpc::CallbackServerContext* context, const v1::ExportReturnsRequest* request) {
  return new ExportReactor(store_, workers_, context, authorizer_, request->filter());
}

grpc::ServerUnaryReactor* AssessmentService::SummarizeReturns(
    grpc::CallbackServerContext* context, const v1::SummarizeReturnsRequest* request,
    v1::SummarizeReturnsResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/SummarizeReturns", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        if (!IsValidCycle(request->cycle())) v.Add("cycle", "a cycle such as \"2018-19\" is required");
        std::string region = request->region_code();
        if (!region.empty() && !(region.size() == 3 && region[0] == 'Y')) {
          v.Add("region_code", "not a region code (e.g. \"Y56\")");
        }
        if (request->suppress_below() < 0) v.Add("suppress_below", "must not be negative");
        RETURN_IF_ERROR(v.ToStatus("invalid summary request"));
        if (caller.role == v1::ROLE_REGION) {
          if (!region.empty() && region != caller.scope) {
            return absl::PermissionDeniedError(absl::StrCat(
                "this token summarises region ", caller.scope, " only, not ", region));
          }
          region = caller.scope;
        }
        ASSIGN_OR_RETURN(auto regions, store_.Summarize(request->cycle(), region));
        if (!region.empty() && regions.empty()) {
          return absl::NotFoundError(absl::StrCat("no region \"", region, "\""));
        }
        const int below =
            request->suppress_below() == 0 ? kDefaultSuppressBelow : request->suppress_below();
        v1::ReturnSummary* total = response->mutable_total();
        total->set_cycle(request->cycle());
        for (auto& [code, summary] : regions) {
          MergeInto(*total, summary);
          Finalize(summary);
          Suppress(summary, below);
          *response->add_regions() = std::move(summary);
        }
        Finalize(*total);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::BenchmarkReturn(
    grpc::CallbackServerContext* context, const v1::BenchmarkReturnRequest* request,
    v1::BenchmarkReturnResponse* response) {
  return RunAuthorized(
      context, authorizer_, "/ahpl.v1.AssessmentService/BenchmarkReturn", workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        auto id = ReturnIdFromName(request->name(), "name");
        if (!id.ok()) v.Add("name", "must be a return's name, \"returns/{id}\"");
        if (request->suppress_below() < 0) v.Add("suppress_below", "must not be negative");
        RETURN_IF_ERROR(v.ToStatus("invalid benchmark request"));
        ASSIGN_OR_RETURN(StoredReturn stored, store_.Get(*id, 0));
        RETURN_IF_ERROR(CheckVisible(caller, stored.ret));
        ASSIGN_OR_RETURN(std::string region, writer_.RegionOf(stored.ret.trust_ods_code()));
        ASSIGN_OR_RETURN(auto regions, store_.Summarize(stored.ret.cycle(), ""));
        v1::ReturnSummary* england = response->mutable_england();
        england->set_cycle(stored.ret.cycle());
        for (auto& [code, summary] : regions) {
          MergeInto(*england, summary);
          if (code == region) {
            Finalize(summary);
            Suppress(summary, request->suppress_below() == 0 ? kDefaultSuppressBelow
                                                             : request->suppress_below());
            *response->mutable_region() = summary;
          }
        }
        Finalize(*england);
        response->set_region_code(region);
        *response->mutable_assessment_return() = std::move(stored.ret);
        return absl::OkStatus();
      });
}

}  // namespace ahpl::assessment
