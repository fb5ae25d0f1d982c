// Typed access to the catalogue service: editions, questions, reference
// data and the trust register, with pagination handled for the caller.
#ifndef AHPL_SDK_CATALOGUE_CLIENT_H_
#define AHPL_SDK_CATALOGUE_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/catalogue.grpc.pb.h"

namespace ahpl::sdk {

class CatalogueClient {
 public:
  explicit CatalogueClient(ClientOptions options);
  CatalogueClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // The edition, or the latest published one when `edition_id` is empty.
  absl::StatusOr<v1::Edition> GetEdition(const std::string& edition_id = "");
  // Every published edition, newest first.
  absl::StatusOr<std::vector<v1::EditionSummary>> ListEditions();
  // Questions of an edition, optionally of one section.
  absl::StatusOr<v1::ListQuestionsResponse> ListQuestions(const std::string& edition_id = "",
                                                          const std::string& section_id = "");
  // Professions, non-AHP groups and bands of an edition.
  absl::StatusOr<v1::ListProfessionsResponse> ListProfessions(const std::string& edition_id = "");
  // Regions with their trust counts.
  absl::StatusOr<std::vector<v1::Region>> ListRegions();
  // Calls `visit` for every trust (of `region_code` when not empty), page by
  // page; stops early when `visit` returns false.
  absl::Status ForEachTrust(const std::string& region_code,
                            const std::function<bool(const v1::Trust&)>& visit);
  // Every trust, of `region_code` when not empty.
  absl::StatusOr<std::vector<v1::Trust>> ListTrusts(const std::string& region_code = "");
  // One trust by ODS code.
  absl::StatusOr<v1::Trust> GetTrust(const std::string& ods_code);
  // Publishes an edition. Retried like a read: publishing identical content
  // again changes nothing and answers created=false.
  absl::StatusOr<v1::PublishEditionResponse> PublishEdition(const v1::Edition& edition);

 private:
  ClientOptions options_;
  std::unique_ptr<v1::CatalogueService::Stub> stub_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_CATALOGUE_CLIENT_H_
