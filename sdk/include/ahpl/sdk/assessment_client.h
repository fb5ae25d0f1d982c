// Typed access to the assessment service: trusts' returns, their history,
// bulk import and export, board attestation, summaries, and the collection
// seasons returns are made in. Writes of returns carry a request id, which
// the client makes up when the caller gives none, so retries are safe.
#ifndef AHPL_SDK_ASSESSMENT_CLIENT_H_
#define AHPL_SDK_ASSESSMENT_CLIENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ahpl/sdk/client_options.h"
#include "ahpl/v1/assessment.grpc.pb.h"

namespace ahpl::sdk {

// A fresh request id (128 random bits, hex).
std::string NewRequestId();

// "collections/{cycle}": the resource name of a cycle's collection.
std::string CollectionName(const std::string& cycle);

// Progress of an import: items sent, accepted and rejected so far.
struct ImportProgress {
  int64_t sent = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
};

// What an import did: one result per item, in order.
struct ImportReport {
  std::vector<v1::ImportResult> results;
  int64_t accepted = 0;
  int64_t rejected = 0;
};

class AssessmentClient {
 public:
  explicit AssessmentClient(ClientOptions options);
  AssessmentClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // Creates a return: a draft, or submitted at once when `submit`.
  absl::StatusOr<v1::AssessmentReturn> Create(const v1::AssessmentReturn& ret, bool submit = false,
                                              std::string request_id = "");
  // Replaces a draft's content; `ret` carries the name and etag.
  absl::StatusOr<v1::AssessmentReturn> Update(const v1::AssessmentReturn& ret,
                                              std::string request_id = "");
  // Submits the draft `name` last read at `etag`.
  absl::StatusOr<v1::AssessmentReturn> Submit(const std::string& name, const std::string& etag,
                                              std::string request_id = "");
  // Amends a submitted return; `ret` carries the name and etag.
  absl::StatusOr<v1::AssessmentReturn> Amend(const v1::AssessmentReturn& ret,
                                             const std::string& reason,
                                             std::string request_id = "");
  // Withdraws a submitted return.
  absl::StatusOr<v1::AssessmentReturn> Withdraw(const std::string& name, const std::string& etag,
                                                const std::string& reason,
                                                std::string request_id = "");
  // A return, latest or at `version`.
  absl::StatusOr<v1::AssessmentReturn> Get(const std::string& name, int64_t version = 0);
  // Every version of a return, oldest first.
  absl::StatusOr<std::vector<v1::AssessmentReturn>> History(const std::string& name);
  // Calls `visit` for each return matching `filter`, page by page; stops
  // when `visit` returns false.
  absl::Status ForEachReturn(const v1::ReturnFilter& filter,
                             const std::function<bool(const v1::AssessmentReturn&)>& visit);
  // Streams `items` in chunks; `progress` is called after each chunk is
  // answered.
  absl::StatusOr<ImportReport> Import(
      const std::vector<v1::ImportItem>& items,
      const std::function<void(const ImportProgress&)>& progress = {}, int chunk_size = 500);
  // Streams the returns matching `filter` to `visit` without holding them.
  absl::Status Export(const v1::ReturnFilter& filter,
                      const std::function<void(const v1::AssessmentReturn&)>& visit);
  // Records the board's sign-off of the submitted return `name` last read
  // at `etag` (a new version); the server fills in who recorded it and when.
  absl::StatusOr<v1::AssessmentReturn> Attest(const std::string& name, const std::string& etag,
                                              const v1::Attestation& attestation,
                                              std::string request_id = "");
  // A return beside its region's and England's summaries, which count as
  // `basis` says (unspecified: per return).
  absl::StatusOr<v1::BenchmarkReturnResponse> Benchmark(
      const std::string& name, int suppress_below = 0,
      v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);
  // Summary of a cycle (and optionally one region), counting as `basis`
  // says (unspecified: per return).
  absl::StatusOr<v1::SummarizeReturnsResponse> Summarize(
      const std::string& cycle, const std::string& region_code = "", int suppress_below = 0,
      v1::SummaryBasis basis = v1::SUMMARY_BASIS_UNSPECIFIED);

  // Collection seasons. The writes carry no request id and are not retried:
  // a repeat after a lost answer would be refused (a collection created or
  // closed twice) or audited twice.

  // Creates a collection (national and admin tokens); its name, state and
  // server-set times are ignored.
  absl::StatusOr<v1::Collection> CreateCollection(const v1::Collection& collection);
  // The collection `name` ("collections/{cycle}").
  absl::StatusOr<v1::Collection> GetCollection(const std::string& name);
  // Every collection, newest cycle first.
  absl::StatusOr<std::vector<v1::Collection>> ListCollections();
  // Changes the fields of `mask` to their values in `collection` (whose name
  // says which), with a reason.
  absl::StatusOr<v1::Collection> UpdateCollection(const v1::Collection& collection,
                                                  const google::protobuf::FieldMask& mask,
                                                  const std::string& reason);
  // Closes `name` now, with a reason.
  absl::StatusOr<v1::Collection> CloseCollection(const std::string& name,
                                                 const std::string& reason);
  // Reopens the closed collection `name` (admin tokens) until `close_time`,
  // or open-ended without one, with a reason.
  absl::StatusOr<v1::Collection> ReopenCollection(const std::string& name,
                                                  std::optional<absl::Time> close_time,
                                                  const std::string& reason);
  // Lets the trust `trust_ods_code` write in `name` after its deadline, up
  // to `until`: the late-submission override, with a reason.
  absl::StatusOr<v1::Collection> AllowLateReturn(const std::string& name,
                                                 const std::string& trust_ods_code,
                                                 absl::Time until, const std::string& reason);
  // The trusts of the register without a counting return in the collection
  // `name`, in one region or (empty) every region the token covers.
  absl::StatusOr<v1::ListNonRespondersResponse> ListNonResponders(
      const std::string& name, const std::string& region_code = "");

  // Which deployment the server belongs to: the same id from every server
  // over one database (any role).
  absl::StatusOr<std::string> DeploymentId();

 private:
  ClientOptions options_;
  std::unique_ptr<v1::AssessmentService::Stub> stub_;
};

}  // namespace ahpl::sdk

#endif  // AHPL_SDK_ASSESSMENT_CLIENT_H_
