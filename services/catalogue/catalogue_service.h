// The CatalogueService gRPC handlers: translate requests into store and
// edition-rule calls and their results into responses.
#ifndef AHPL_SERVICES_CATALOGUE_CATALOGUE_SERVICE_H_
#define AHPL_SERVICES_CATALOGUE_CATALOGUE_SERVICE_H_

#include <memory>

#include "ahpl/v1/catalogue.grpc.pb.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/service_host.h"
#include "services/common/worker_pool.h"

namespace ahpl::catalogue {

class CatalogueService final : public v1::CatalogueService::CallbackService {
 public:
  CatalogueService(CatalogueStore& store, Authorizer& authorizer, WorkerPool& workers,
                   const PageTokenCodec& page_tokens);

  grpc::ServerUnaryReactor* GetEdition(grpc::CallbackServerContext* context,
                                       const v1::GetEditionRequest* request,
                                       v1::GetEditionResponse* response) override;
  grpc::ServerUnaryReactor* ListEditions(grpc::CallbackServerContext* context,
                                         const v1::ListEditionsRequest* request,
                                         v1::ListEditionsResponse* response) override;
  grpc::ServerUnaryReactor* ListQuestions(grpc::CallbackServerContext* context,
                                          const v1::ListQuestionsRequest* request,
                                          v1::ListQuestionsResponse* response) override;
  grpc::ServerUnaryReactor* ListProfessions(grpc::CallbackServerContext* context,
                                            const v1::ListProfessionsRequest* request,
                                            v1::ListProfessionsResponse* response) override;
  grpc::ServerUnaryReactor* ListRegions(grpc::CallbackServerContext* context,
                                        const v1::ListRegionsRequest* request,
                                        v1::ListRegionsResponse* response) override;
  grpc::ServerUnaryReactor* ListTrusts(grpc::CallbackServerContext* context,
                                       const v1::ListTrustsRequest* request,
                                       v1::ListTrustsResponse* response) override;
  grpc::ServerUnaryReactor* GetTrust(grpc::CallbackServerContext* context,
                                     const v1::GetTrustRequest* request,
                                     v1::GetTrustResponse* response) override;
  grpc::ServerUnaryReactor* PublishEdition(grpc::CallbackServerContext* context,
                                           const v1::PublishEditionRequest* request,
                                           v1::PublishEditionResponse* response) override;

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
