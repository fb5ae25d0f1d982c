#include "services/catalogue/catalogue_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/codes.h"
#include "core/field_violations.h"
#include "core/status_macros.h"
#include "services/catalogue/edition_rules.h"
#include "services/common/page_token.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::catalogue {
namespace {

constexpr int kDefaultEditionPage = 50;
constexpr int kMaxEditionPage = 200;
constexpr int kDefaultTrustPage = 50;
constexpr int kMaxTrustPage = 500;

absl::Status CheckPageSize(int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  return absl::OkStatus();
}

absl::Status CheckEditionId(const std::string& id) {
  if (!id.empty() && !IsValidEditionId(id)) {
    return InvalidField("edition_id", "not a well-formed edition id (e.g. \"2018-06\")");
  }
  return absl::OkStatus();
}

}  // namespace

CatalogueService::CatalogueService(CatalogueStore& store, Authorizer& authorizer,
                                   WorkerPool& workers, const PageTokenCodec& page_tokens)
    : store_(store), authorizer_(authorizer), workers_(workers), page_tokens_(page_tokens) {}

absl::StatusOr<std::shared_ptr<const v1::Edition>> CatalogueService::ResolveEdition(
    const std::string& edition_id) {
  RETURN_IF_ERROR(CheckEditionId(edition_id));
  if (!edition_id.empty()) return store_.GetEdition(edition_id);
  ASSIGN_OR_RETURN(std::string latest, store_.LatestEditionId());
  return store_.GetEdition(latest);
}

grpc::ServerUnaryReactor* CatalogueService::GetEdition(const UnaryCall& call,
                                                       const v1::GetEditionRequest* request,
                                                       v1::GetEditionResponse* response) {
  if (!request->edition_id().empty()) {
    if (auto cached = store_.CachedEdition(request->edition_id())) {
      return ServeAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, GetEdition),
                             workers_, [response, cached](const Principal&) {
                               *response->mutable_edition() = *cached;
                               return absl::OkStatus();
                             });
    }
  }
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, GetEdition),
                       workers_, [this, request, response](const Principal&) -> absl::Status {
                         ASSIGN_OR_RETURN(auto edition, ResolveEdition(request->edition_id()));
                         *response->mutable_edition() = *edition;
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* CatalogueService::ListEditions(const UnaryCall& call,
                                                         const v1::ListEditionsRequest* request,
                                                         v1::ListEditionsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(CatalogueService, ListEditions), workers_,
      [this, request, response](const Principal&) -> absl::Status {
        RETURN_IF_ERROR(CheckPageSize(request->page_size()));
        ASSIGN_OR_RETURN(std::string after, page_tokens_.Decode(request->page_token(), "editions"));
        const int limit = ClampPageSize(request->page_size(), kDefaultEditionPage, kMaxEditionPage);
        auto page = store_.ListEditions(after, limit);
        if (absl::IsInvalidArgument(page.status())) {
          return InvalidPageToken();
        }
        if (!page.ok()) return page.status();
        for (auto& e : page->items) *response->add_editions() = std::move(e);
        if (!page->last_key.empty()) {
          response->set_next_page_token(page_tokens_.Encode("editions", page->last_key));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CatalogueService::ListQuestions(const UnaryCall& call,
                                                          const v1::ListQuestionsRequest* request,
                                                          v1::ListQuestionsResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, ListQuestions),
                       workers_, [this, request, response](const Principal&) -> absl::Status {
                         ASSIGN_OR_RETURN(auto edition, ResolveEdition(request->edition_id()));
                         const std::string& section = request->section_id();
                         if (!section.empty() && !HasSection(*edition, section)) {
                           return InvalidField("section_id",
                                               absl::StrCat("edition ", edition->id(),
                                                            " has no section \"", section, "\""));
                         }
                         response->set_edition_id(edition->id());
                         for (auto& q : QuestionsInSection(*edition, section))
                           *response->add_questions() = std::move(q);
                         for (const auto& s : edition->sections()) {
                           if (section.empty() || s.id() == section) *response->add_sections() = s;
                         }
                         *response->mutable_scale() = edition->scale();
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* CatalogueService::ListProfessions(
    const UnaryCall& call, const v1::ListProfessionsRequest* request,
    v1::ListProfessionsResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, ListProfessions),
                       workers_, [this, request, response](const Principal&) -> absl::Status {
                         ASSIGN_OR_RETURN(auto edition, ResolveEdition(request->edition_id()));
                         response->set_edition_id(edition->id());
                         *response->mutable_professions() = edition->professions();
                         *response->mutable_non_ahp_groups() = edition->non_ahp_groups();
                         *response->mutable_bands() = edition->bands();
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* CatalogueService::ListRegions(const UnaryCall& call,
                                                        const v1::ListRegionsRequest* request,
                                                        v1::ListRegionsResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, ListRegions),
                       workers_, [this, response](const Principal&) -> absl::Status {
                         ASSIGN_OR_RETURN(auto regions, store_.ListRegions());
                         for (auto& r : regions) *response->add_regions() = std::move(r);
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* CatalogueService::ListTrusts(const UnaryCall& call,
                                                       const v1::ListTrustsRequest* request,
                                                       v1::ListTrustsResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(CatalogueService, ListTrusts), workers_,
      [this, request, response](const Principal&) -> absl::Status {
        const std::string region = CanonicalCode(request->region_code());
        FieldViolations violations;
        if (!region.empty() && !IsRegionCode(region)) {
          violations.Add("region_code", kRegionCodeRule);
        }
        if (request->page_size() < 0) violations.Add("page_size", "must not be negative");
        RETURN_IF_ERROR(violations.ToStatus("invalid ListTrusts request"));
        const std::string filter = absl::StrCat("trusts:", region);
        ASSIGN_OR_RETURN(std::string after, page_tokens_.Decode(request->page_token(), filter));
        const int limit = ClampPageSize(request->page_size(), kDefaultTrustPage, kMaxTrustPage);
        ASSIGN_OR_RETURN(auto page, store_.ListTrusts(region, after, limit));
        for (auto& t : page.items) *response->add_trusts() = std::move(t);
        if (!page.last_key.empty()) {
          response->set_next_page_token(page_tokens_.Encode(filter, page.last_key));
        }
        response->set_total_size(page.total);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* CatalogueService::GetTrust(const UnaryCall& call,
                                                     const v1::GetTrustRequest* request,
                                                     v1::GetTrustResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(CatalogueService, GetTrust), workers_,
                       [this, request, response](const Principal&) -> absl::Status {
                         const std::string code = CanonicalCode(request->ods_code());
                         if (!IsOdsCode(code)) {
                           return InvalidField("ods_code", kOdsCodeRule);
                         }
                         ASSIGN_OR_RETURN(*response->mutable_trust(), store_.GetTrust(code));
                         return absl::OkStatus();
                       });
}

grpc::ServerUnaryReactor* CatalogueService::PublishEdition(const UnaryCall& call,
                                                           const v1::PublishEditionRequest* request,
                                                           v1::PublishEditionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(CatalogueService, PublishEdition), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        if (!request->has_edition()) {
          return InvalidField("edition", "the edition to publish is required");
        }
        FieldViolations violations;
        violations.Merge(ValidateEdition(request->edition()), "edition");
        RETURN_IF_ERROR(violations.ToStatus("edition cannot be published"));
        ASSIGN_OR_RETURN(auto published,
                         store_.PublishEdition(request->edition(),
                                               EditionFingerprint(request->edition()), caller));
        *response->mutable_edition() = *published.edition;
        response->set_created(published.created);
        return absl::OkStatus();
      });
}

namespace {

// The catalogue as hosted: owns its store and handlers.
class HostedCatalogue final : public HostedService {
 public:
  explicit HostedCatalogue(ServiceContext& context)
      : store_(context.pool),
        service_(store_, context.authorizer, context.workers, context.page_tokens) {}
  grpc::Service* grpc_service() override { return &service_; }

 private:
  CatalogueStore store_;
  CatalogueService service_;
};

}  // namespace

ServiceFactory CatalogueServiceFactory() {
  return ServiceFactory{
      "catalogue", v1::CatalogueService::service_full_name(),
      [](ServiceContext& context) -> absl::StatusOr<std::unique_ptr<HostedService>> {
        return std::make_unique<HostedCatalogue>(context);
      }};
}

}  // namespace ahpl::catalogue
