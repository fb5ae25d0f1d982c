#include "services/assessment/assessment_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/codes.h"
#include "core/collection_rules.h"
#include "core/disclosure.h"
#include "core/field_violations.h"
#include "core/return_rules.h"
#include "core/status_macros.h"
#include "core/summary.h"
#include "services/assessment/export_reactor.h"
#include "services/assessment/import_reactor.h"
#include "services/assessment/return_requests.h"
#include "services/common/page_token.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::assessment {
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
constexpr int kMaxVersionPage = 200;

}  // namespace

absl::StatusOr<StoredCollection> AssessmentService::CollectionOf(CollectionStore& from,
                                                                 const std::string& cycle) {
  ASSIGN_OR_RETURN(std::optional<StoredCollection> found, from.Get(cycle));
  if (!found.has_value()) {
    return absl::NotFoundError(absl::StrCat("no collection ", CollectionName(cycle)));
  }
  return *std::move(found);
}

absl::StatusOr<DisclosedTable> AssessmentService::DisclosedSummaries(const std::string& cycle,
                                                                     v1::SummaryBasis basis,
                                                                     int requested) {
  ASSIGN_OR_RETURN(StoredCollection collection, CollectionOf(lagging_collections_, cycle));
  if (basis == v1::SUMMARY_BASIS_UNSPECIFIED) basis = v1::SUMMARY_BASIS_PER_RETURN;
  ASSIGN_OR_RETURN(auto regions, lagging_store_.Summarize(cycle, "", basis));
  // The server's pattern, then the collection's, then (if higher) the
  // caller's: each contains the one before (docs/disclosure.md).
  const int collection_below = collection.collection.suppress_below();
  DisclosedTable table = DiscloseCycle(std::move(regions), cycle, suppress_below_,
                                       std::max(collection_below, suppress_below_));
  if (requested > std::max(collection_below, suppress_below_)) ControlDisclosure(table, requested);
  const bool provisional = collection.provisional();
  auto label = [&](v1::ReturnSummary& s) {
    s.set_basis(basis);
    s.set_provisional(provisional);
  };
  for (auto& summary : table.regions) label(summary);
  label(table.england);
  return table;
}

AssessmentService::AssessmentService(AssessmentStore& store, CollectionStore& collections,
                                     AssessmentStore& lagging_store,
                                     CollectionStore& lagging_collections, ReturnWriter& writer,
                                     Authorizer& authorizer, WorkerPool& workers,
                                     const PageTokenCodec& page_tokens, int suppress_below,
                                     ServerMetrics* metrics)
    : store_(store),
      collections_(collections),
      lagging_store_(lagging_store),
      lagging_collections_(lagging_collections),
      writer_(writer),
      authorizer_(authorizer),
      workers_(workers),
      page_tokens_(page_tokens),
      suppress_below_(suppress_below),
      metrics_(metrics) {}

absl::StatusOr<OwnedVersion> AssessmentService::ReadVisible(const Principal& caller,
                                                            const std::string& id,
                                                            int64_t version) {
  ASSIGN_OR_RETURN(std::optional<OwnedVersion> found, store_.GetWithOwner(id, version));
  if (found.has_value() && found->stored.has_value() &&
      caller.CoversTrust(found->trust_ods_code, found->region_code)) {
    return *std::move(found);
  }
  return absl::NotFoundError(absl::StrCat("no return returns/", id,
                                          version == 0 ? "" : absl::StrCat(" version ", version),
                                          " visible to this token"));
}

grpc::ServerUnaryReactor* AssessmentService::CreateReturn(const UnaryCall& call,
                                                          const v1::CreateReturnRequest* request,
                                                          v1::CreateReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, CreateReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        ASSIGN_OR_RETURN(auto written,
                         writer_.Create(request->request_id(), request->assessment_return(),
                                        request->submit(), caller, "assessment_return"));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::UpdateReturn(const UnaryCall& call,
                                                          const v1::UpdateReturnRequest* request,
                                                          v1::UpdateReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, UpdateReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        const auto& ret = request->assessment_return();
        ASSIGN_OR_RETURN(
            auto written,
            writer_.Change(ReturnWriter::Change::kUpdate, request->request_id(), ret.name(),
                           ret.etag(), &ret, "", caller, WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::SubmitReturn(const UnaryCall& call,
                                                          const v1::SubmitReturnRequest* request,
                                                          v1::SubmitReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, SubmitReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        ASSIGN_OR_RETURN(
            auto written,
            writer_.Change(ReturnWriter::Change::kSubmit, request->request_id(), request->name(),
                           request->etag(), nullptr, "", caller, WithoutRequestId(*request)));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::AmendReturn(const UnaryCall& call,
                                                         const v1::AmendReturnRequest* request,
                                                         v1::AmendReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, AmendReturn), workers_,
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
    const UnaryCall& call, const v1::WithdrawReturnRequest* request,
    v1::WithdrawReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, WithdrawReturn), workers_,
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

grpc::ServerUnaryReactor* AssessmentService::AttestReturn(const UnaryCall& call,
                                                          const v1::AttestReturnRequest* request,
                                                          v1::AttestReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, AttestReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        RETURN_IF_ERROR(CheckRequestId(request->request_id()));
        const absl::Time now = absl::Now();
        FieldViolations v;
        v.Merge(ValidateAttestation(request->attestation(), EnglandDate(now), "attestation"));
        RETURN_IF_ERROR(v.ToStatus("invalid attestation"));
        v1::Attestation attestation = request->attestation();
        *attestation.mutable_attest_time() = ToTimestamp(now);
        attestation.set_recorded_by(caller.name);
        ASSIGN_OR_RETURN(auto written,
                         writer_.Change(ReturnWriter::Change::kAttest, request->request_id(),
                                        request->name(), request->etag(), nullptr, "", caller,
                                        WithoutRequestId(*request), &attestation));
        *response->mutable_assessment_return() = std::move(written.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::GetReturn(const UnaryCall& call,
                                                       const v1::GetReturnRequest* request,
                                                       v1::GetReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, GetReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string id = ReturnIdFromName(request->name(), "name", v);
        if (request->version() < 0) {
          v.Add("version", "must not be negative (0 for the latest)");
        } else if (request->version() > kMaxReturnVersion) {
          v.Add("version", absl::StrCat("must be at most ", kMaxReturnVersion));
        }
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        ASSIGN_OR_RETURN(OwnedVersion found, ReadVisible(caller, id, request->version()));
        *response->mutable_assessment_return() = std::move(found.stored->ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListReturnVersions(
    const UnaryCall& call, const v1::ListReturnVersionsRequest* request,
    v1::ListReturnVersionsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, ListReturnVersions), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string id = ReturnIdFromName(request->name(), "name", v);
        if (request->page_size() < 0) v.Add("page_size", "must not be negative");
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        ASSIGN_OR_RETURN(const int64_t after_version,
                         page_tokens_.DecodeNumeric(request->page_token(), request->name()));
        RETURN_IF_ERROR(ReadVisible(caller, id, 0).status());
        const int limit = ClampPageSize(request->page_size(), kDefaultPage, kMaxVersionPage);
        ASSIGN_OR_RETURN(auto versions, store_.ListVersions(id, after_version, limit + 1));
        const bool more = static_cast<int>(versions.size()) > limit;
        if (more) versions.pop_back();
        for (auto& ver : versions) *response->add_versions() = std::move(ver);
        if (more) {
          response->set_next_page_token(page_tokens_.Encode(
              request->name(), std::to_string(response->versions().rbegin()->version())));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListReturns(const UnaryCall& call,
                                                         const v1::ListReturnsRequest* request,
                                                         v1::ListReturnsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, ListReturns), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        ASSIGN_OR_RETURN(ReturnQuery query, QueryFromFilter(request->filter()));
        if (request->page_size() < 0) return InvalidField("page_size", "must not be negative");
        const std::string fingerprint = request->filter().SerializeAsString();
        ASSIGN_OR_RETURN(const int64_t after_seq,
                         page_tokens_.DecodeNumeric(request->page_token(), fingerprint));
        std::optional<ReturnQuery> visible = ScopeQuery(caller, std::move(query));
        if (!visible.has_value()) return absl::OkStatus();
        const int limit = ClampPageSize(request->page_size(), kDefaultPage, kMaxPage);
        ASSIGN_OR_RETURN(auto page, lagging_store_.List(*visible, after_seq, limit + 1));
        const bool more = static_cast<int>(page.size()) > limit;
        if (more) page.pop_back();
        for (auto& r : page) *response->add_returns() = std::move(r.ret);
        if (more) {
          response->set_next_page_token(
              page_tokens_.Encode(fingerprint, std::to_string(page.back().seq)));
        }
        return absl::OkStatus();
      });
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* AssessmentService::ImportReturns(
    grpc::CallbackServerContext* context) {
  return new ImportReactor(store_, writer_, workers_, context, authorizer_, metrics_);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* AssessmentService::ExportReturns(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new ExportReactor(lagging_store_, workers_, context, authorizer_, *request);
}

grpc::ServerUnaryReactor* AssessmentService::SummarizeReturns(
    const UnaryCall& call, const v1::SummarizeReturnsRequest* request,
    v1::SummarizeReturnsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, SummarizeReturns), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        if (!IsCycle(request->cycle())) v.Add("cycle", kCycleRule);
        std::string region = CanonicalCode(request->region_code());
        if (!region.empty() && !IsRegionCode(region)) v.Add("region_code", kRegionCodeRule);
        if (request->suppress_below() < 0) v.Add("suppress_below", "must not be negative");
        if (!v1::SummaryBasis_IsValid(request->basis())) v.Add("basis", "not a known basis");
        RETURN_IF_ERROR(v.ToStatus("invalid summary request"));
        if (caller.role == v1::ROLE_REGION) {
          if (!region.empty() && region != caller.scope) {
            return absl::PermissionDeniedError(
                absl::StrCat("this token summarises region ", caller.scope, " only, not ", region));
          }
          region = caller.scope;
        }
        // The pattern is always the whole cycle's, whoever asks and for
        // whichever region: the answer is a slice of it.
        ASSIGN_OR_RETURN(
            DisclosedTable table,
            DisclosedSummaries(request->cycle(), request->basis(), request->suppress_below()));
        if (region.empty()) {
          for (auto& summary : table.regions) *response->add_regions() = std::move(summary);
          *response->mutable_total() = std::move(table.england);
          return absl::OkStatus();
        }
        for (auto& summary : table.regions) {
          if (summary.region_code() != region) continue;
          *response->mutable_total() = summary;
          response->mutable_total()->clear_region_code();
          *response->add_regions() = std::move(summary);
          return absl::OkStatus();
        }
        return absl::NotFoundError(absl::StrCat("no region \"", region, "\""));
      });
}

grpc::ServerUnaryReactor* AssessmentService::BenchmarkReturn(
    const UnaryCall& call, const v1::BenchmarkReturnRequest* request,
    v1::BenchmarkReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, BenchmarkReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string id = ReturnIdFromName(request->name(), "name", v);
        if (request->suppress_below() < 0) v.Add("suppress_below", "must not be negative");
        if (!v1::SummaryBasis_IsValid(request->basis())) v.Add("basis", "not a known basis");
        RETURN_IF_ERROR(v.ToStatus("invalid benchmark request"));
        // The caller's own return from the primary (it may have just
        // written it), the figures it is set against where reads may lag.
        ASSIGN_OR_RETURN(OwnedVersion found, ReadVisible(caller, id, 0));
        StoredReturn& stored = *found.stored;
        const std::string& region = found.region_code;
        ASSIGN_OR_RETURN(
            DisclosedTable table,
            DisclosedSummaries(stored.ret.cycle(), request->basis(), request->suppress_below()));
        for (auto& summary : table.regions) {
          if (summary.region_code() == region) *response->mutable_region() = std::move(summary);
        }
        *response->mutable_england() = std::move(table.england);
        if (caller.role == v1::ROLE_TRUST) {
          // Other trusts' job titles are not a trust's business.
          response->mutable_region()->clear_leader_titles();
          response->mutable_england()->clear_leader_titles();
        }
        response->set_region_code(region);
        *response->mutable_assessment_return() = std::move(stored.ret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::GetDeployment(const UnaryCall& call,
                                                           const v1::GetDeploymentRequest* request,
                                                           v1::GetDeploymentResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(AssessmentService, GetDeployment),
                       workers_, [this, response](const Principal&) -> absl::Status {
                         ASSIGN_OR_RETURN(*response->mutable_deployment_id(),
                                          store_.DeploymentId());
                         return absl::OkStatus();
                       });
}

}  // namespace ahpl::assessment
