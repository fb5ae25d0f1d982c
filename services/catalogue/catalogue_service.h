// The CatalogueService gRPC handlers: translate requests into store and
// edition-rule calls and their results into responses.
#ifndef AHPL_SERVICES_CATALOGUE_CATALOGUE_SERVICE_H_
#define AHPL_SERVICES_CATALOGUE_CATALOGUE_SERVICE_H_

#include <memory>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/raw_unary.h"
#include "services/common/service_host.h"
#include "services/common/worker_pool.h"

namespace ahpl::catalogue {

// Every method is registered raw, so a request that does not parse is
// answered with the field at fault (services/common/raw_unary.h).
using CatalogueServiceBase = v1::CatalogueService::WithRawCallbackMethod_GetEdition<
    v1::CatalogueService::WithRawCallbackMethod_ListEditions<
        v1::CatalogueService::WithRawCallbackMethod_ListQuestions<
            v1::CatalogueService::WithRawCallbackMethod_ListProfessions<
                v1::CatalogueService::WithRawCallbackMethod_ListRegions<
                    v1::CatalogueService::WithRawCallbackMethod_ListTrusts<
                        v1::CatalogueService::WithRawCallbackMethod_GetTrust<
                            v1::CatalogueService::WithRawCallbackMethod_PublishEdition<
                                v1::CatalogueService::Service>>>>>>>>;

class CatalogueService final : public CatalogueServiceBase {
 public:
  CatalogueService(CatalogueStore& store, Authorizer& authorizer, WorkerPool& workers,
                   const PageTokenCodec& page_tokens);

  AHPL_RAW_UNARY_METHOD(GetEdition, v1::GetEditionRequest, v1::GetEditionResponse);
  AHPL_RAW_UNARY_METHOD(ListEditions, v1::ListEditionsRequest, v1::ListEditionsResponse);
  AHPL_RAW_UNARY_METHOD(ListQuestions, v1::ListQuestionsRequest, v1::ListQuestionsResponse);
  AHPL_RAW_UNARY_METHOD(ListProfessions, v1::ListProfessionsRequest, v1::ListProfessionsResponse);
  AHPL_RAW_UNARY_METHOD(ListRegions, v1::ListRegionsRequest, v1::ListRegionsResponse);
  AHPL_RAW_UNARY_METHOD(ListTrusts, v1::ListTrustsRequest, v1::ListTrustsResponse);
  AHPL_RAW_UNARY_METHOD(GetTrust, v1::GetTrustRequest, v1::GetTrustResponse);
  AHPL_RAW_UNARY_METHOD(PublishEdition, v1::PublishEditionRequest, v1::PublishEditionResponse);

 private:
  // The named edition, or the latest when `edition_id` is empty.
  absl::StatusOr<std::shared_ptr<const v1::Edition>> ResolveEdition(const std::string& edition_id);

  CatalogueStore& store_;
  Authorizer& authorizer_;
  WorkerPool& workers_;
  const PageTokenCodec& page_tokens_;
};

// How ServiceHost creates the catalogue service: its store and handlers.
ServiceFactory CatalogueServiceFactory();

}  // namespace ahpl::catalogue

#endif  // AHPL_SERVICES_CATALOGUE_CATALOGUE_SERVICE_H_
