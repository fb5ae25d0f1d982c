#include "ahpl/sdk/access_client.h"

#include <algorithm>

#include "ahpl/sdk/call.h"

namespace ahpl::sdk {

AccessClient::AccessClient(ClientOptions options) : AccessClient(options, MakeChannel(options)) {}

AccessClient::AccessClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)), stub_(v1::AccessService::NewStub(std::move(channel))) {}

absl::StatusOr<v1::CreateTokenResponse> AccessClient::CreateToken(v1::Role role,
                                                                  const std::string& scope,
                                                                  const std::string& description,
                                                                  absl::Duration time_to_live) {
  v1::CreateTokenRequest request;
  request.set_role(role);
  request.set_scope(scope);
  request.set_description(description);
  if (time_to_live != absl::ZeroDuration()) {
    request.mutable_time_to_live()->set_seconds(absl::ToInt64Seconds(time_to_live));
  }
  return CallUnary(options_, Retry::kNever, stub_.get(), &v1::AccessService::Stub::CreateToken,
                   request);
}

absl::StatusOr<std::vector<v1::AccessToken>> AccessClient::ListTokens(bool include_inactive) {
  std::vector<v1::AccessToken> out;
  v1::ListTokensRequest request;
  request.set_include_inactive(include_inactive);
  request.set_page_size(options_.page_size);
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::AccessService::Stub::ListTokens, request);
    if (!response.ok()) return response.status();
    for (auto& t : *response->mutable_tokens()) out.push_back(std::move(t));
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<v1::AccessToken> AccessClient::RevokeToken(const std::string& name) {
  v1::RevokeTokenRequest request;
  request.set_name(name);
  // Revoking twice is harmless, so a retry is safe.
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AccessService::Stub::RevokeToken, request);
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_token());
}

absl::Status AccessClient::ListAuditEvents(const v1::AuditFilter& filter, int64_t limit,
                                           const std::function<void(const v1::AuditEvent&)>& each) {
  v1::ListAuditEventsRequest request;
  *request.mutable_filter() = filter;
  request.set_page_size(options_.page_size);
  int64_t seen = 0;
  do {
    auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                              &v1::AccessService::Stub::ListAuditEvents, request);
    if (!response.ok()) return response.status();
    for (const auto& e : response->events()) {
      if (limit > 0 && seen >= limit) return absl::OkStatus();
      each(e);
      ++seen;
    }
    request.set_page_token(response->next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

absl::StatusOr<v1::AccessToken> AccessClient::GetCaller() {
  auto response = CallUnary(options_, Retry::kSafe, stub_.get(),
                            &v1::AccessService::Stub::GetCaller, v1::GetCallerRequest());
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_token());
}

}  // namespace ahpl::sdk
