#include "services/assessment/assessment_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/assessment/export_reactor.h"
#include "services/assessment/import_reactor.h"
#include "services/assessment/return_requests.h"
#include "services/assessment/return_rules.h"
#include "services/assessment/summary.h"
#include "services/common/field_violations.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"
#include "services/common/unary.h"

namespace ahpl::assessment {
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
constexpr int kMaxVersionPage = 200;

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
