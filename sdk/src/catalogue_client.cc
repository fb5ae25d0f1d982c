#include "ahpl/sdk/catalogue_client.h"

#include <utility>

#include "ahpl/sdk/call.h"

namespace ahpl::sdk {

CatalogueClient::CatalogueClient(ClientOptions options)
    : CatalogueClient(options, MakeChannel(options)) {}

CatalogueClient::CatalogueClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), stub_(v1::CatalogueService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::Edition> CatalogueClient::GetEdition(const std::string& edition_id) {
  v1::GetEditionRequest request;
  request.set_edition_id(edition_id);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::CatalogueService::Stub::GetEdition, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_edition());
}

absl::StatusOr<std::vector<v1::EditionSummary>> CatalogueClient::ListEditions() {
  std::vector<v1::EditionSummary> out;
  v1::ListEditionsRequest request;
  request.set_page_size(options_.page_size);
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::CatalogueService::Stub::ListEditions, request);
    if (!response.ok()) return response.status();
    for (auto& e : *response->mutable_editions()) out.push_back(std::move(e));
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<v1::ListQuestionsResponse> CatalogueClient::ListQuestions(
    const std::string& edition_id, const std::string& section_id) {
  v1::ListQuestionsRequest request;
  request.set_edition_id(edition_id);
  request.set_section_id(section_id);
  return CallUnary(options_, Retry::kSafe, stub_.get(), &v1::CatalogueService::Stub::ListQuestions,
                   request);
}

absl::StatusOr<v1::ListProfessionsResponse> CatalogueClient::ListProfessions(
    const std::string& edition_id) {
  v1::ListProfessionsRequest request;
  request.set_edition_id(edition_id);
  return CallUnary(options_, Retry::kSafe, stub_.get(),
                   &v1::CatalogueService::Stub::ListProfessions, request);
}

absl::StatusOr<std::vector<v1::Region>> CatalogueClient::ListRegions() {
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::CatalogueService::Stub::ListRegions, v1::ListRegionsRequest());
  if (!response.ok()) return response.status();
  return std::vector<v1::Region>(response->regions().begin(), response->regions().end());
}

absl::Status CatalogueClient::ForEachTrust(const std::string& region_code,
                                           const std::function<bool(const v1::Trust&)>& visit) {
  v1::ListTrustsRequest request;
  request.set_region_code(region_code);
  request.set_page_size(options_.page_size);
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::CatalogueService::Stub::ListTrusts, request);
    if (!response.ok()) return response.status();
    for (const auto& t : response->trusts()) {
      if (!visit(t)) return absl::OkStatus();
    }
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Trust>> CatalogueClient::ListTrusts(const std::string& region_code) {
  std::vector<v1::Trust> out;
  absl::Status status = ForEachTrust(region_code, [&](const v1::Trust& t) {
    out.push_back(t);
    return true;
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Trust> CatalogueClient::GetTrust(const std::string& ods_code) {
  v1::GetTrustRequest request;
  request.set_ods_code(ods_code);
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::CatalogueService::Stub::GetTrust, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_trust());
}

absl::StatusOr<v1::PublishEditionResponse> CatalogueClient::PublishEdition(
    const v1::Edition& edition) {
  v1::PublishEditionRequest request;
  *request.mutable_edition() = edition;
  return CallUnary(options_, Retry::kSafe, stub_.get(), &v1::CatalogueService::Stub::PublishEdition,
                   request);
}

}  // namespace ahpl::sdk
