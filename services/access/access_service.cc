#include "services/access/access_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/field_violations.h"
#include "core/status_macros.h"
#include "services/access/token_authenticator.h"
#include "services/access/token_secret.h"
#include "services/common/page_token.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::access {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultTokenPage = 50;
constexpr int kMaxTokenPage = 500;
constexpr int kDefaultAuditPage = 100;
constexpr int kMaxAuditPage = 1000;
constexpr size_t kMaxDescription = 200;
constexpr size_t kMaxResource = 200;
constexpr size_t kMaxScope = 16;
// The longest a token may live: a year's reporting cycle and a month to
// spare (docs/access.md). Longer-lived access is a new token.
constexpr int kMaxTimeToLiveDays = 400;
constexpr absl::Duration kMaxTimeToLive = absl::Hours(24 * kMaxTimeToLiveDays);

const char* const kAuditActions[] = {"return.created", "return.updated",   "return.submitted",
                                     "return.amended", "return.withdrawn", "edition.published",
                                     "token.created",  "token.revoked"};

bool IsKnownAction(const std::string& action) {
  for (const char* a : kAuditActions) {
    if (action == a) return true;
  }
  return false;
}

bool IsTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 && t.nanos() < 1000000000;
}

absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

absl::StatusOr<int64_t> TokenIdFromName(const std::string& name, absl::string_view field) {
  int64_t id = 0;
  if (!absl::StartsWith(name, "tokens/") || !absl::SimpleAtoi(name.substr(7), &id) || id <= 0) {
    return InvalidField(std::string(field), "must be a token's name, \"tokens/{id}\"");
  }
  return id;
}

absl::StatusOr<v1::CreateTokenResponse> CreateToken(AccessStore& store,
                                                    const v1::CreateTokenRequest& request,
                                                    const Principal& actor) {
  FieldViolations v;
  const v1::Role role = request.role();
  const std::string& scope = request.scope();
  if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
    v.Add("role", "one of ROLE_TRUST, ROLE_REGION, ROLE_NATIONAL, ROLE_CLASSIFIER, ROLE_ADMIN");
  } else if (scope.size() > kMaxScope) {
    v.Add("scope", "an ODS code or region code (a few letters and digits)");
  } else if (role == v1::ROLE_TRUST) {
    ASSIGN_OR_RETURN(bool known, store.TrustExists(scope));
    if (!known) v.Add("scope", "a trust token needs the ODS code of a trust in the register");
  } else if (role == v1::ROLE_REGION) {
    ASSIGN_OR_RETURN(bool known, store.RegionExists(scope));
    if (!known) v.Add("scope", "a region token needs an NHS England region code, e.g. \"Y56\"");
  } else if (!scope.empty()) {
    v.Add("scope", "only trust and region tokens have a scope");
  }
  const std::string& description = request.description();
  if (description.empty()) {
    v.Add("description", "say what the token is for (who holds it, where it is used)");
  } else if (description.size() > kMaxDescription) {
    v.Add("description", absl::StrCat("must be at most ", kMaxDescription, " bytes"));
  } else if (description.find('\0') != std::string::npos) {
    v.Add("description", "must not contain NUL characters");
  }
  std::optional<absl::Duration> ttl;
  if (request.has_time_to_live()) {
    const auto& d = request.time_to_live();
    // A well-formed Duration has seconds and nanos of one sign, nanos
    // below a second; anything else is refused rather than summed.
    const bool well_formed = d.nanos() > -1000000000 && d.nanos() < 1000000000 &&
                             !(d.seconds() > 0 && d.nanos() < 0) &&
                             !(d.seconds() < 0 && d.nanos() > 0);
    ttl = absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
    if (!well_formed || *ttl <= absl::ZeroDuration() || *ttl > kMaxTimeToLive) {
      v.Add("time_to_live", absl::StrCat("must be more than zero and at most ", kMaxTimeToLiveDays,
                                         " days (leave it unset for no expiry)"));
    }
  }
  RETURN_IF_ERROR(v.ToStatus("the token cannot be created"));
  ASSIGN_OR_RETURN(std::string secret, NewTokenSecret());
  v1::CreateTokenResponse response;
  ASSIGN_OR_RETURN(*response.mutable_token(), store.CreateToken(HashTokenSecret(secret), role,
                                                                scope, description, ttl, actor));
  response.set_secret(std::move(secret));
  return response;
}

AccessService::AccessService(AccessStore& store, Authorizer& authorizer, WorkerPool& workers,
                             const PageTokenCodec& page_tokens)
    : store_(store), authorizer_(authorizer), workers_(workers), page_tokens_(page_tokens) {}

grpc::ServerUnaryReactor* AccessService::CreateToken(const UnaryCall& call,
                                                     const v1::CreateTokenRequest* request,
                                                     v1::CreateTokenResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(AccessService, CreateToken), workers_,
                       [this, request, response](const Principal& caller) -> absl::Status {
                         ASSIGN_OR_RETURN(*response, access::CreateToken(store_, *request, caller));
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* AccessService::ListTokens(const UnaryCall& call,
                                                    const v1::ListTokensRequest* request,
                                                    v1::ListTokensResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AccessService, ListTokens), workers_,
      [this, request, response](const Principal&) -> absl::Status {
        if (request->page_size() < 0) return InvalidField("page_size", "must not be negative");
        const std::string filter = request->include_inactive() ? "tokens:all" : "tokens:active";
        ASSIGN_OR_RETURN(const int64_t before_id,
                         page_tokens_.DecodeNumeric(request->page_token(), filter));
        const int limit = ClampPageSize(request->page_size(), kDefaultTokenPage, kMaxTokenPage);
        ASSIGN_OR_RETURN(auto tokens,
                         store_.ListTokens(request->include_inactive(), before_id, limit + 1));
        const bool more = static_cast<int>(tokens.size()) > limit;
        if (more) tokens.pop_back();
        for (auto& t : tokens) *response->add_tokens() = std::move(t);
        if (more) {
          ASSIGN_OR_RETURN(int64_t last,
                           TokenIdFromName(response->tokens().rbegin()->name(), "name"));
          response->set_next_page_token(page_tokens_.Encode(filter, std::to_string(last)));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AccessService::RevokeToken(const UnaryCall& call,
                                                     const v1::RevokeTokenRequest* request,
                                                     v1::RevokeTokenResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(AccessService, RevokeToken), workers_,
                       [this, request, response](const Principal& caller) -> absl::Status {
                         ASSIGN_OR_RETURN(int64_t id, TokenIdFromName(request->name(), "name"));
                         ASSIGN_OR_RETURN(*response->mutable_token(),
                                          store_.RevokeToken(id, caller));
                         authorizer_.Forget(id);
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* AccessService::ListAuditEvents(const UnaryCall& call,
                                                         const v1::ListAuditEventsRequest* request,
                                                         v1::ListAuditEventsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AccessService, ListAuditEvents), workers_,
      [this, request, response](const Principal&) -> absl::Status {
        const v1::AuditFilter& f = request->filter();
        FieldViolations v;
        AuditQuery q;
        if (!f.actor().empty()) {
          auto id = TokenIdFromName(f.actor(), "filter.actor");
          if (id.ok()) {
            q.actor_token_id = *id;
          } else {
            v.Add("filter.actor", "must be a token's name, \"tokens/{id}\"");
          }
        }
        if (!f.action().empty() && !IsKnownAction(f.action())) {
          v.Add("filter.action", "not an audited action (e.g. \"return.submitted\")");
        }
        q.action = f.action();
        if (f.resource().size() > kMaxResource) {
          v.Add("filter.resource", absl::StrCat("must be at most ", kMaxResource, " bytes"));
        }
        q.resource = f.resource();
        if (f.has_start_time()) {
          if (IsTimestamp(f.start_time())) {
            q.start_time = ToTime(f.start_time());
          } else {
            v.Add("filter.start_time", "not a valid time");
          }
        }
        if (f.has_end_time()) {
          if (IsTimestamp(f.end_time())) {
            q.end_time = ToTime(f.end_time());
          } else {
            v.Add("filter.end_time", "not a valid time");
          }
        }
        if (request->page_size() < 0) v.Add("page_size", "must not be negative");
        RETURN_IF_ERROR(v.ToStatus("invalid audit request"));
        const std::string fingerprint = f.SerializeAsString();
        ASSIGN_OR_RETURN(const int64_t after_id,
                         page_tokens_.DecodeNumeric(request->page_token(), fingerprint));
        const int limit = ClampPageSize(request->page_size(), kDefaultAuditPage, kMaxAuditPage);
        ASSIGN_OR_RETURN(auto events, store_.ListAuditEvents(q, after_id, limit + 1));
        const bool more = static_cast<int>(events.size()) > limit;
        if (more) events.pop_back();
        for (auto& e : events) *response->add_events() = std::move(e);
        if (more) {
          response->set_next_page_token(
              page_tokens_.Encode(fingerprint, std::to_string(response->events().rbegin()->id())));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AccessService::GetCaller(const UnaryCall& call,
                                                   const v1::GetCallerRequest* request,
                                                   v1::GetCallerResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(AccessService, GetCaller), workers_,
                       [this, response](const Principal& caller) -> absl::Status {
                         ASSIGN_OR_RETURN(*response->mutable_token(),
                                          store_.GetToken(caller.token_id));
                         return absl::OkStatus();
                       });
}

namespace {

class HostedAccess final : public HostedService {
 public:
  explicit HostedAccess(ServiceContext& context)
      : store_(context.pool),
        service_(store_, context.authorizer, context.workers, context.page_tokens) {}
  grpc::Service* grpc_service() override { return &service_; }

 private:
  AccessStore store_;
  AccessService service_;
};

}  // namespace

ServiceFactory AccessServiceFactory() {
  return ServiceFactory{
      "access", v1::AccessService::service_full_name(),
      [](ServiceContext& context) -> absl::StatusOr<std::unique_ptr<HostedService>> {
        return std::make_unique<HostedAccess>(context);
      }};
}

std::unique_ptr<Authorizer> MakeTokenAuthorizer(PgPool& pool, const std::string& database_url) {
  return std::make_unique<TokenAuthenticator>(pool, database_url);
}

}  // namespace ahpl::access
