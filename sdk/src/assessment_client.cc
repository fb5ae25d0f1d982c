#include "ahpl/sdk/assessment_client.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ahpl/sdk/call.h"
#include "core/grpc_status.h"
#include "core/request_limits.h"

namespace ahpl::sdk {

std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return absl::StrFormat("%016x%016x", rng(), rng());
}

std::string CollectionName(const std::string& cycle) { return "collections/" + cycle; }

AssessmentClient::AssessmentClient(ClientOptions options)
    : AssessmentClient(options, MakeChannel(options)) {}

AssessmentClient::AssessmentClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), stub_(v1::AssessmentService::NewStub(std::move(channel))) {}

namespace {
std::string OrNew(std::string request_id) {
  return request_id.empty() ? NewRequestId() : std::move(request_id);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}
}  // namespace

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Create(const v1::AssessmentReturn& ret,
                                                              bool submit, std::string request_id) {
  v1::CreateReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  request.set_submit(submit);
  *request.mutable_assessment_return() = ret;
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::CreateReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Update(const v1::AssessmentReturn& ret,
                                                              std::string request_id) {
  v1::UpdateReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  *request.mutable_assessment_return() = ret;
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::UpdateReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Submit(const std::string& name,
                                                              const std::string& etag,
                                                              std::string request_id) {
  v1::SubmitReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  request.set_name(name);
  request.set_etag(etag);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::SubmitReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Amend(const v1::AssessmentReturn& ret,
                                                             const std::string& reason,
                                                             std::string request_id) {
  v1::AmendReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  *request.mutable_assessment_return() = ret;
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::AmendReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Withdraw(const std::string& name,
                                                                const std::string& etag,
                                                                const std::string& reason,
                                                                std::string request_id) {
  v1::WithdrawReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  request.set_name(name);
  request.set_etag(etag);
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::WithdrawReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Get(const std::string& name,
                                                           int64_t version) {
  v1::GetReturnRequest request;
  request.set_name(name);
  request.set_version(version);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::GetReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<std::vector<v1::AssessmentReturn>> AssessmentClient::History(
    const std::string& name) {
  std::vector<v1::AssessmentReturn> out;
  v1::ListReturnVersionsRequest request;
  request.set_name(name);
  request.set_page_size(options_.page_size);
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::AssessmentService::Stub::ListReturnVersions, request);
    if (!response.ok()) return response.status();
    for (auto& v : *response->mutable_versions()) out.push_back(std::move(v));
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::Status AssessmentClient::ForEachReturn(
    const v1::ReturnFilter& filter, const std::function<bool(const v1::AssessmentReturn&)>& visit) {
  v1::ListReturnsRequest request;
  *request.mutable_filter() = filter;
  request.set_page_size(options_.page_size);
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::AssessmentService::Stub::ListReturns, request);
    if (!response.ok()) return response.status();
    for (const auto& r : response->returns()) {
      if (!visit(r)) return absl::OkStatus();
    }
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<ImportReport> AssessmentClient::Import(
    const std::vector<v1::ImportItem>& items,
    const std::function<void(const ImportProgress&)>& progress, int chunk_size) {
  chunk_size = std::clamp(chunk_size, 1, static_cast<int>(kMaxImportItemsPerMessage));
  grpc::ClientContext context;
  auto stream = stub_->ImportReturns(&context);
  ImportReport report;
  ImportProgress state;
  size_t next = 0;
  // One chunk ahead of the answers: the server validates the next chunk
  // while it stores the previous one.
  auto send = [&]() {
    if (next >= items.size()) return false;
    v1::ImportReturnsRequest request;
    for (int i = 0; i < chunk_size && next < items.size(); ++i, ++next) {
      *request.add_items() = items[next];
    }
    state.sent += request.items_size();
    return stream->Write(request);
  };
  int in_flight = 0;
  for (int i = 0; i < 2 && next < items.size(); ++i) {
    if (send()) ++in_flight;
  }
  if (next >= items.size()) stream->WritesDone();
  v1::ImportReturnsResponse response;
  while (in_flight > 0 && stream->Read(&response)) {
    --in_flight;
    for (auto& r : *response.mutable_results()) report.results.push_back(std::move(r));
    state.accepted = response.accepted_count();
    state.rejected = response.rejected_count();
    if (progress) progress(state);
    if (next < items.size()) {
      if (send()) ++in_flight;
      if (next >= items.size()) stream->WritesDone();
    }
  }
  absl::Status status = FromGrpcStatus(stream->Finish());
  if (!status.ok()) return status;
  // An import is complete only with one answer per item, in order: a
  // stream that ended early is never taken for a finished import.
  for (size_t i = 0; i < report.results.size(); ++i) {
    if (report.results[i].index() != static_cast<int64_t>(i)) {
      return absl::InternalError(absl::StrCat("import answered out of order: answer ", i,
                                              " is for item ", report.results[i].index()));
    }
  }
  if (report.results.size() != items.size()) {
    return absl::InternalError(
        absl::StrCat("import incomplete: ", report.results.size(), " of ", items.size(),
                     " items answered; resend the rest with the same request ids"));
  }
  report.accepted = state.accepted;
  report.rejected = state.rejected;
  return report;
}

absl::Status AssessmentClient::Export(
    const v1::ReturnFilter& filter, const std::function<void(const v1::AssessmentReturn&)>& visit) {
  grpc::ClientContext context;
  v1::ExportReturnsRequest request;
  *request.mutable_filter() = filter;
  auto reader = stub_->ExportReturns(&context, request);
  v1::ExportReturnsResponse chunk;
  while (reader->Read(&chunk)) {
    for (const auto& r : chunk.returns()) visit(r);
  }
  return FromGrpcStatus(reader->Finish());
}

absl::StatusOr<v1::AssessmentReturn> AssessmentClient::Attest(const std::string& name,
                                                              const std::string& etag,
                                                              const v1::Attestation& attestation,
                                                              std::string request_id) {
  v1::AttestReturnRequest request;
  request.set_request_id(OrNew(std::move(request_id)));
  request.set_name(name);
  request.set_etag(etag);
  *request.mutable_attestation() = attestation;
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::AttestReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_assessment_return());
}

absl::StatusOr<v1::BenchmarkReturnResponse> AssessmentClient::Benchmark(const std::string& name,
                                                                        int suppress_below,
                                                                        v1::SummaryBasis basis) {
  v1::BenchmarkReturnRequest request;
  request.set_name(name);
  request.set_suppress_below(suppress_below);
  request.set_basis(basis);
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::AssessmentService::Stub::BenchmarkReturn, request);
}

absl::StatusOr<v1::SummarizeReturnsResponse> AssessmentClient::Summarize(
    const std::string& cycle, const std::string& region_code, int suppress_below,
    v1::SummaryBasis basis) {
  v1::SummarizeReturnsRequest request;
  request.set_cycle(cycle);
  request.set_region_code(region_code);
  request.set_suppress_below(suppress_below);
  request.set_basis(basis);
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::AssessmentService::Stub::SummarizeReturns, request);
}

absl::StatusOr<v1::Collection> AssessmentClient::CreateCollection(
    const v1::Collection& collection) {
  v1::CreateCollectionRequest request;
  *request.mutable_collection() = collection;
  auto response = CallUnary(options_, Retry::kNever, stub_.get(),
                            &v1::AssessmentService::Stub::CreateCollection, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<v1::Collection> AssessmentClient::GetCollection(const std::string& name) {
  v1::GetCollectionRequest request;
  request.set_name(name);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AssessmentService::Stub::GetCollection, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<std::vector<v1::Collection>> AssessmentClient::ListCollections() {
  auto response =
      CallUnary(options_, Retry::kSafe, stub_.get(), &v1::AssessmentService::Stub::ListCollections,
                v1::ListCollectionsRequest());
  if (!response.ok()) return response.status();
  std::vector<v1::Collection> out;
  for (auto& c : *response->mutable_collections()) out.push_back(std::move(c));
  return out;
}

absl::StatusOr<v1::Collection> AssessmentClient::UpdateCollection(
    const v1::Collection& collection, const google::protobuf::FieldMask& mask,
    const std::string& reason) {
  v1::UpdateCollectionRequest request;
  *request.mutable_collection() = collection;
  *request.mutable_update_mask() = mask;
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kNever, stub_.get(),
                            &v1::AssessmentService::Stub::UpdateCollection, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<v1::Collection> AssessmentClient::CloseCollection(const std::string& name,
                                                                 const std::string& reason) {
  v1::CloseCollectionRequest request;
  request.set_name(name);
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kNever, stub_.get(),
                            &v1::AssessmentService::Stub::CloseCollection, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<v1::Collection> AssessmentClient::ReopenCollection(
    const std::string& name, std::optional<absl::Time> close_time, const std::string& reason) {
  v1::ReopenCollectionRequest request;
  request.set_name(name);
  if (close_time.has_value()) *request.mutable_close_time() = ToTimestamp(*close_time);
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kNever, stub_.get(),
                            &v1::AssessmentService::Stub::ReopenCollection, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<v1::Collection> AssessmentClient::AllowLateReturn(const std::string& name,
                                                                 const std::string& trust_ods_code,
                                                                 absl::Time until,
                                                                 const std::string& reason) {
  v1::AllowLateReturnRequest request;
  request.set_name(name);
  request.set_trust_ods_code(trust_ods_code);
  *request.mutable_until_time() = ToTimestamp(until);
  request.set_reason(reason);
  auto response = CallUnary(options_, Retry::kNever, stub_.get(),
                            &v1::AssessmentService::Stub::AllowLateReturn, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_collection());
}

absl::StatusOr<v1::ListNonRespondersResponse> AssessmentClient::ListNonResponders(
    const std::string& name, const std::string& region_code) {
  v1::ListNonRespondersRequest request;
  request.set_collection(name);
  request.set_region_code(region_code);
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::AssessmentService::Stub::ListNonResponders, request);
}

absl::StatusOr<std::string> AssessmentClient::DeploymentId() {
  auto response =
      CallUnary(options_, Retry::kSafe, stub_.get(), &v1::AssessmentService::Stub::GetDeployment,
                v1::GetDeploymentRequest());
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_deployment_id());
}

}  // namespace ahpl::sdk
