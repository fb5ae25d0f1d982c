#include "services/classification/classification_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/files.h"
#include "core/status_macros.h"
#include "services/classification/classifier.h"
#include "services/common/log.h"
#include "services/common/raw_message.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::classification {
namespace {

// Paths in a unary request are relative to the request.
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  auto bad_request = BadRequestOf(status);
  if (!bad_request.has_value()) return status;
  FieldViolations v;
  for (const auto& fv : bad_request->field_violations()) {
    v.Add(JoinPath(prefix, fv.field()), fv.description());
  }
  return v.ToStatus(status.message());
}

// Classifies a stream of chunks; each chunk's results are written before the
// next chunk is read, so memory stays at one chunk whatever the stream's
// length. The method is registered raw: a chunk that cannot be read ends
// the stream with INVALID_ARGUMENT naming it (the chunks before it are
// answered), never with OK.
class BatchReactor final : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // Reads once the caller is authorized: from memory at once, or after a
  // token lookup on a worker.
  BatchReactor(const CompiledRuleset& rules, grpc::CallbackServerContext* context,
               Authorizer& authorizer, WorkerPool& workers)
      : rules_(rules) {
    const std::string& method = AHPL_RPC(ClassificationService, ClassifyArrangements);
    if (auto decided = authorizer.AuthorizeFromCache(*context, method)) {
      Begin(decided->status());
      return;
    }
    if (!workers.TrySubmit([this, context, &authorizer, &method] {
          Begin(authorizer.Authorize(*context, method).status());
        })) {
      Finish(ServerBusy());
    }
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    response_.Clear();
    request_.Clear();
    const absl::Status read = ReadStreamMessage(request_bytes_, request_, messages_read_++);
    request_bytes_.Clear();
    if (!read.ok()) {
      Finish(ToGrpcStatus(read));
      return;
    }
    if (!v1::ClassificationView_IsValid(request_.view())) {
      Finish(ToGrpcStatus(InvalidField("view", "not a known view")));
      return;
    }
    for (const auto& arrangement : request_.arrangements()) {
      v1::ArrangementResult* result = response_.add_results();
      result->set_index(next_index_++);
      const absl::Status classified =
          ClassifyInto(rules_, arrangement, request_.view(), *result->mutable_classification(),
                       *result->mutable_findings());
      if (classified.ok()) continue;
      result->clear_classification();
      result->clear_findings();
      if (auto bad_request = BadRequestOf(classified)) {
        for (const auto& fv : bad_request->field_violations()) {
          auto* v = result->add_violations();
          v->set_field(fv.field());
          v->set_description(fv.description());
        }
      } else {
        Finish(ToGrpcStatus(classified));
        return;
      }
    }
    if (!WriteByteBuffer(response_, response_bytes_)) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "results could not be serialized"));
      return;
    }
    StartWrite(&response_bytes_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(ClientGone());
      return;
    }
    StartRead(&request_bytes_);
  }

  void OnDone() override { delete this; }

 private:
  void Begin(const absl::Status& authorized) {
    if (!authorized.ok()) {
      Finish(ToGrpcStatus(authorized));
      return;
    }
    StartRead(&request_bytes_);
  }

  const CompiledRuleset& rules_;
  grpc::ByteBuffer request_bytes_;
  grpc::ByteBuffer response_bytes_;
  int64_t messages_read_ = 0;
  v1::ClassifyArrangementsRequest request_;
  v1::ClassifyArrangementsResponse response_;
  int64_t next_index_ = 0;
};

}  // namespace

ClassificationService::ClassificationService(std::shared_ptr<const CompiledRuleset> rules,
                                             catalogue::CatalogueStore& editions,
                                             Authorizer& authorizer, WorkerPool& workers)
    : editions_(editions), authorizer_(authorizer), workers_(workers), current_(rules.get()) {
  loaded_.push_back(std::move(rules));
}

void ClassificationService::Replace(std::shared_ptr<const CompiledRuleset> rules) {
  absl::MutexLock lock(&mu_);
  current_.store(rules.get(), std::memory_order_release);
  loaded_.push_back(std::move(rules));
}

grpc::ServerUnaryReactor* ClassificationService::ClassifyArrangement(
    const UnaryCall& call, const v1::ClassifyArrangementRequest* request,
    v1::ClassifyArrangementResponse* response) {
  return ServeAuthorized(
      call, *request, authorizer_, AHPL_RPC(ClassificationService, ClassifyArrangement), workers_,
      [this, request, response](const Principal&) -> absl::Status {
        if (!v1::ClassificationView_IsValid(request->view())) {
          return InvalidField("view", "not a known view");
        }
        absl::Status classified =
            ClassifyInto(rules(), request->arrangement(), request->view(),
                         *response->mutable_classification(), *response->mutable_findings());
        if (!classified.ok()) {
          response->Clear();
          return Prefixed(classified, "arrangement");
        }
        return absl::OkStatus();
      });
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
ClassificationService::ClassifyArrangements(grpc::CallbackServerContext* context) {
  return new BatchReactor(rules(), context, authorizer_, workers_);
}

grpc::ServerUnaryReactor* ClassificationService::EvaluateReturn(
    const UnaryCall& call, const v1::EvaluateReturnRequest* request,
    v1::EvaluateReturnResponse* response) {
  const CompiledRuleset& rules = this->rules();
  auto evaluate = [&rules, request, response](const v1::Edition& edition) -> absl::Status {
    ASSIGN_OR_RETURN(*response,
                     Evaluate(rules, edition, request->arrangement(), request->answers()));
    return absl::OkStatus();
  };
  const std::string& method = AHPL_RPC(ClassificationService, EvaluateReturn);
  const std::string& edition_id = request->edition_id();
  if (edition_id.empty() || edition_id == rules.edition().id()) {
    return ServeAuthorized(
        call, *request, authorizer_, method, workers_,
        [&rules, evaluate](const Principal&) { return evaluate(rules.edition()); });
  }
  if (auto cached = editions_.CachedEdition(edition_id)) {
    return ServeAuthorized(call, *request, authorizer_, method, workers_,
                           [cached, evaluate](const Principal&) { return evaluate(*cached); });
  }
  return RunAuthorized(call, *request, authorizer_, method, workers_,
                       [this, edition_id, evaluate](const Principal&) -> absl::Status {
                         auto edition = editions_.GetEdition(edition_id);
                         if (absl::IsNotFound(edition.status())) {
                           return InvalidField("edition_id", absl::StrCat("no published edition \"",
                                                                          edition_id, "\""));
                         }
                         if (!edition.ok()) return edition.status();
                         return evaluate(**edition);
                       });
}

grpc::ServerUnaryReactor* ClassificationService::GetRuleset(const UnaryCall& call,
                                                            const v1::GetRulesetRequest* request,
                                                            v1::GetRulesetResponse* response) {
  return ServeAuthorized(call, *request, authorizer_, AHPL_RPC(ClassificationService, GetRuleset),
                         workers_, [this, response](const Principal&) {
                           *response->mutable_ruleset() = rules().ruleset();
                           return absl::OkStatus();
                         });
}

absl::StatusOr<std::shared_ptr<const CompiledRuleset>> LoadRuleset(
    const std::string& ruleset_file, catalogue::CatalogueStore& editions) {
  v1::Ruleset ruleset;
  if (ruleset_file.empty()) {
    ASSIGN_OR_RETURN(ruleset, ShippedRuleset());
  } else {
    auto text = ReadFile(ruleset_file);
    if (!text.ok())
      return absl::NotFoundError(absl::StrCat("cannot read ruleset file ", ruleset_file));
    auto parsed = ParseRuleset(*text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(ruleset_file, ": ", parsed.status().message()));
    }
    ruleset = std::move(*parsed);
  }
  auto edition = editions.GetEdition(ruleset.edition_id());
  if (!edition.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("ruleset ", ruleset.version(), " needs catalogue edition ",
                     ruleset.edition_id(), ": ", edition.status().message()));
  }
  return CompiledRuleset::Compile(std::move(ruleset), **edition);
}

namespace {

// The classification service as hosted: its edition store, handlers and the
// ruleset source to reload from.
class HostedClassification final : public HostedService {
 public:
  HostedClassification(ServiceContext& context, std::string ruleset_file)
      : store_(context.pool), ruleset_file_(std::move(ruleset_file)) {}

  absl::Status Start(Authorizer& authorizer, WorkerPool& workers) {
    ASSIGN_OR_RETURN(auto rules, LoadRuleset(ruleset_file_, store_));
    LogInfo("classification ruleset ", rules->ruleset().version(), " over edition ",
            rules->edition().id());
    service_ =
        std::make_unique<ClassificationService>(std::move(rules), store_, authorizer, workers);
    return absl::OkStatus();
  }

  grpc::Service* grpc_service() override { return service_.get(); }

  absl::Status Reload() override {
    ASSIGN_OR_RETURN(auto rules, LoadRuleset(ruleset_file_, store_));
    LogInfo("classification ruleset reloaded: ", rules->ruleset().version());
    service_->Replace(std::move(rules));
    return absl::OkStatus();
  }

 private:
  catalogue::CatalogueStore store_;
  std::string ruleset_file_;
  std::unique_ptr<ClassificationService> service_;
};

}  // namespace

ServiceFactory ClassificationServiceFactory() {
  return ServiceFactory{
      "classification", v1::ClassificationService::service_full_name(),
      [](ServiceContext& context) -> absl::StatusOr<std::unique_ptr<HostedService>> {
        auto hosted = std::make_unique<HostedClassification>(
            context, context.settings.classification.ruleset_file);
        RETURN_IF_ERROR(hosted->Start(context.authorizer, context.workers));
        return hosted;
      }};
}

}  // namespace ahpl::classification
