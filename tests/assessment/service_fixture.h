// The AssessmentService test fixture: a server, national and trust stubs, and shared helpers.
#ifndef AHPL_TESTS_ASSESSMENT_SERVICE_FIXTURE_H_
#define AHPL_TESTS_ASSESSMENT_SERVICE_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/common/pg_pool.h"
#include "tests/support/test_server.h"

// In a named namespace, so every test file's AssessmentServiceTest is the same class (GoogleTest
// requires one fixture class per suite).
namespace ahpl::assessment::testing {

// The exact (uncontrolled) regional summaries of `cycle`, read from the
// store as the service reads them: what no answer shows, for tests to
// compare answers with.
inline absl::StatusOr<std::vector<v1::ReturnSummary>> ExactSummaries(
    const std::string& database_url, const std::string& cycle,
    v1::SummaryBasis basis = v1::SUMMARY_BASIS_PER_RETURN) {
  PgPool::Options options;
  options.url = database_url;
  options.size = 1;
  auto pool = PgPool::Connect(options);
  if (!pool.ok()) return pool.status();
  AssessmentStore store(**pool);
  return store.Summarize(cycle, "", basis);
}

class AssessmentServiceTest : public ::testing::Test {
 protected:
  AssessmentServiceTest() : stub_(v1::AssessmentService::NewStub(server_.channel())) {}

  grpc::Status Create(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out) {
    grpc::ClientContext context;
    ahpl::testing::SetDeadline(context);
    v1::CreateReturnRequest request;
    request.set_request_id(request_id);
    *request.mutable_assessment_return() = r;
    v1::CreateReturnResponse response;
    auto status = Writer(r.trust_ods_code())->CreateReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  // As the return's trust, or as trust `as`.
  grpc::Status Update(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out, const std::string& as = "") {
    grpc::ClientContext context;
    ahpl::testing::SetDeadline(context);
    v1::UpdateReturnRequest request;
    request.set_request_id(request_id);
    *request.mutable_assessment_return() = r;
    v1::UpdateReturnResponse response;
    auto status =
        Writer(as.empty() ? r.trust_ods_code() : as)->UpdateReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  grpc::Status Submit(const std::string& request_id, const v1::AssessmentReturn& r,
                      v1::AssessmentReturn* out) {
    grpc::ClientContext context;
    ahpl::testing::SetDeadline(context);
    v1::SubmitReturnRequest request;
    request.set_request_id(request_id);
    request.set_name(r.name());
    request.set_etag(r.etag());
    v1::SubmitReturnResponse response;
    auto status = Writer(r.trust_ods_code())->SubmitReturn(&context, request, &response);
    if (out != nullptr) *out = response.assessment_return();
    return status;
  }

  v1::AssessmentReturn MustSubmitNew(const std::string& key, const v1::AssessmentReturn& r) {
    v1::AssessmentReturn draft, submitted;
    EXPECT_TRUE(Create(key + "-c", r, &draft).ok());
    EXPECT_TRUE(Submit(key + "-s", draft, &submitted).ok());
    return submitted;
  }

  int Count(const std::string& sql) {
    pqxx::connection conn(server_.database().url());
    pqxx::read_transaction tx(conn);
    return tx.exec(sql)[0][0].as<int>();
  }

  std::vector<v1::AssessmentReturn> ListAll(const v1::ReturnFilter& filter, int page_size) {
    std::vector<v1::AssessmentReturn> all;
    std::string token;
    do {
      grpc::ClientContext context;
      ahpl::testing::SetDeadline(context);
      v1::ListReturnsRequest request;
      *request.mutable_filter() = filter;
      request.set_page_size(page_size);
      request.set_page_token(token);
      v1::ListReturnsResponse response;
      auto status = stub_->ListReturns(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& r : response.returns()) all.push_back(r);
      token = response.next_page_token();
    } while (!token.empty());
    return all;
  }

  // A stub calling as trust `ods_code` (returns are written by their trust).
  v1::AssessmentService::Stub* Writer(const std::string& ods_code) {
    auto& stub = writers_[ods_code];
    if (stub == nullptr) {
      stub = v1::AssessmentService::NewStub(server_.ChannelAs(v1::ROLE_TRUST, ods_code));
    }
    return stub.get();
  }

  ahpl::testing::TestServer server_{"assessment"};
  // Calls as the national team: reads everything, imports.
  std::unique_ptr<v1::AssessmentService::Stub> stub_;
  std::map<std::string, std::unique_ptr<v1::AssessmentService::Stub>> writers_;
};

}  // namespace ahpl::assessment::testing

#endif  // AHPL_TESTS_ASSESSMENT_SERVICE_FIXTURE_H_
