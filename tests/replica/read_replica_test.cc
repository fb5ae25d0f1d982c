// Reads from a streaming standby: a real primary and hot standby (the test
// cluster and the standby tests/run.sh makes of it with deploy/local/pg.sh
// standby), real servers and channels. The standby's replay is paused to
// tell who served a read: while it is paused, what the primary just stored
// is missing on the standby. Cases pausing replay run one at a time (the
// binary's tests share the RESOURCE_LOCK "pg_standby").
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ahpl/v1/assessment.grpc.pb.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using assessment::testing::CompleteReturn;
using testing::SetDeadline;
using testing::StandbyDatabaseUrl;
using testing::TestDatabase;
using testing::TestServer;

constexpr const char* kCycle = "2018-19";

// Polls `done` until it holds or a minute has passed; whether it held.
bool WaitUntil(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Minutes(1);
  while (absl::Now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Runs `sql` on the standby's maintenance database; the first column of
// the first row.
std::string OnStandby(const std::string& sql) {
  pqxx::connection conn(StandbyDatabaseUrl("postgres"));
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql)[0].c_str();
}

// Pauses the standby's WAL replay until destroyed (also when a test fails).
class ReplayPaused {
 public:
  ReplayPaused() {
    OnStandby("SELECT pg_wal_replay_pause()::text");
    paused_ =
        WaitUntil([] { return OnStandby("SELECT pg_get_wal_replay_pause_state()") == "paused"; });
  }
  ~ReplayPaused() { OnStandby("SELECT pg_wal_replay_resume()::text"); }
  ReplayPaused(const ReplayPaused&) = delete;
  ReplayPaused& operator=(const ReplayPaused&) = delete;

  bool paused() const { return paused_; }

 private:
  bool paused_ = false;
};

// A server whose reads that may lag go to the test database on the standby,
// which may lag `max_lag` before they go back to the primary.
std::unique_ptr<TestServer> ServerOnStandby(absl::Duration max_lag) {
  return std::make_unique<TestServer>(
      "all", 4, [max_lag](HostOptions& options, const TestDatabase& database) {
        options.read_database_url = StandbyDatabaseUrl(database.name());
        options.read_max_lag = max_lag;
      });
}

class ReadReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A case that failed before resuming must not leave the next paused.
    OnStandby("SELECT pg_wal_replay_resume()::text");
  }

  void Use(std::unique_ptr<TestServer> server) {
    server_ = std::move(server);
    national_ = v1::AssessmentService::NewStub(server_->channel());
  }

  std::unique_ptr<v1::AssessmentService::Stub> TrustStub(const std::string& ods_code) {
    return v1::AssessmentService::NewStub(server_->ChannelAs(v1::ROLE_TRUST, ods_code));
  }

  // Creates trust `ods_code`'s return as a draft and submits it, as the
  // trust; the submitted version.
  v1::AssessmentReturn CreateAndSubmit(const std::string& ods_code) {
    auto stub = TrustStub(ods_code);
    v1::CreateReturnRequest create;
    create.set_request_id(absl::StrCat("create-", ods_code, "-", ++writes_));
    *create.mutable_assessment_return() = CompleteReturn(ods_code, kCycle);
    v1::CreateReturnResponse created;
    grpc::ClientContext create_context;
    SetDeadline(create_context);
    const grpc::Status create_status = stub->CreateReturn(&create_context, create, &created);
    EXPECT_TRUE(create_status.ok()) << create_status.error_message();
    v1::SubmitReturnRequest submit;
    submit.set_request_id(absl::StrCat("submit-", ods_code, "-", writes_));
    submit.set_name(created.assessment_return().name());
    submit.set_etag(created.assessment_return().etag());
    v1::SubmitReturnResponse submitted;
    grpc::ClientContext submit_context;
    SetDeadline(submit_context);
    const grpc::Status submit_status = stub->SubmitReturn(&submit_context, submit, &submitted);
    EXPECT_TRUE(submit_status.ok()) << submit_status.error_message();
    return submitted.assessment_return();
  }

  // Return `name` as trust `ods_code` gets it.
  grpc::Status Get(const std::string& ods_code, const std::string& name,
                   v1::AssessmentReturn* out) {
    v1::GetReturnRequest request;
    request.set_name(name);
    v1::GetReturnResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = TrustStub(ods_code)->GetReturn(&context, request, &response);
    *out = response.assessment_return();
    return status;
  }

  // The names of the cycle's returns the national team lists.
  std::set<std::string> Listed() {
    std::set<std::string> names;
    v1::ListReturnsRequest request;
    request.mutable_filter()->set_cycle(kCycle);
    request.set_page_size(500);
    v1::ListReturnsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = national_->ListReturns(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const auto& r : response.returns()) names.insert(r.name());
    return names;
  }

  // The names of the cycle's returns the national team exports.
  std::set<std::string> Exported() {
    std::set<std::string> names;
    v1::ExportReturnsRequest request;
    request.mutable_filter()->set_cycle(kCycle);
    grpc::ClientContext context;
    SetDeadline(context);
    auto reader = national_->ExportReturns(&context, request);
    v1::ExportReturnsResponse chunk;
    while (reader->Read(&chunk)) {
      for (const auto& r : chunk.returns()) names.insert(r.name());
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return names;
  }

  // How many trusts in trust `ods_code`'s own chase list have returned (0
  // or 1).
  int64_t ReturnedByOwnChaseList(const std::string& ods_code) {
    v1::ListNonRespondersRequest request;
    request.set_collection(absl::StrCat("collections/", kCycle));
    v1::ListNonRespondersResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status =
        TrustStub(ods_code)->ListNonResponders(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.trusts_returned();
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::AssessmentService::Stub> national_;
  int writes_ = 0;
};

TEST_F(ReadReplicaTest, ListsComeFromTheStandbyWhileWritesAndGetsGoToThePrimary) {
  Use(ServerOnStandby(absl::Hours(1)));
  ASSERT_TRUE(WaitUntil([&] { return server_->host().reads_on_standby(); }))
      << "the server never read from the standby";
  const v1::AssessmentReturn first = CreateAndSubmit("RF4");
  ASSERT_TRUE(WaitUntil([&] { return Listed().count(first.name()) == 1; }))
      << "the standby never showed the first return";

  {
    ReplayPaused paused;
    ASSERT_TRUE(paused.paused());
    const v1::AssessmentReturn second = CreateAndSubmit("RJ1");
    ASSERT_FALSE(second.name().empty());

    // The writer reads what it wrote: from the primary.
    v1::AssessmentReturn got;
    const grpc::Status get = Get("RJ1", second.name(), &got);
    ASSERT_TRUE(get.ok()) << get.error_message();
    EXPECT_EQ(got.etag(), second.etag());
    EXPECT_EQ(got.status(), v1::RETURN_STATUS_SUBMITTED);
    v1::BenchmarkReturnRequest benchmark;
    benchmark.set_name(second.name());
    v1::BenchmarkReturnResponse benchmarked;
    grpc::ClientContext benchmark_context;
    SetDeadline(benchmark_context);
    const grpc::Status bench =
        TrustStub("RJ1")->BenchmarkReturn(&benchmark_context, benchmark, &benchmarked);
    ASSERT_TRUE(bench.ok()) << bench.error_message();
    EXPECT_EQ(benchmarked.assessment_return().etag(), second.etag());

    // Lists, exports and chase lists may lag: the standby serves them, and
    // it has not replayed the second return yet.
    const std::set<std::string> listed = Listed();
    EXPECT_EQ(listed.count(first.name()), 1u);
    EXPECT_EQ(listed.count(second.name()), 0u);
    const std::set<std::string> exported = Exported();
    EXPECT_EQ(exported.count(first.name()), 1u);
    EXPECT_EQ(exported.count(second.name()), 0u);
    EXPECT_EQ(ReturnedByOwnChaseList("RJ1"), 0);
    EXPECT_EQ(ReturnedByOwnChaseList("RF4"), 1);
    EXPECT_TRUE(server_->host().reads_on_standby());
    EXPECT_TRUE(server_->host().serving());
  }

  // Replay resumed: the standby catches up and shows it.
  EXPECT_TRUE(WaitUntil([&] { return Listed().size() == 2; }));
  EXPECT_EQ(Exported().size(), 2u);
  EXPECT_EQ(ReturnedByOwnChaseList("RJ1"), 1);
}

TEST_F(ReadReplicaTest, AGetAfterASubmitNeverMissesIt) {
  Use(ServerOnStandby(absl::Hours(1)));
  ASSERT_TRUE(WaitUntil([&] { return server_->host().reads_on_standby(); }));
  auto submit_then_get = [&](int round) {
    const v1::AssessmentReturn submitted = CreateAndSubmit("RF4");
    ASSERT_FALSE(submitted.name().empty()) << "round " << round;
    v1::AssessmentReturn got;
    const grpc::Status status = Get("RF4", submitted.name(), &got);
    ASSERT_TRUE(status.ok()) << "round " << round << ": " << status.error_message();
    EXPECT_EQ(got.version(), 2) << "round " << round;
    EXPECT_EQ(got.status(), v1::RETURN_STATUS_SUBMITTED) << "round " << round;
    EXPECT_EQ(got.etag(), submitted.etag()) << "round " << round;
  };
  // Replaying as it goes (the race a lagging read would lose now and then)...
  for (int round = 0; round < 30; ++round) submit_then_get(round);
  // ...and with replay paused, where it would lose every time.
  ReplayPaused paused;
  ASSERT_TRUE(paused.paused());
  for (int round = 30; round < 40; ++round) submit_then_get(round);
  EXPECT_TRUE(server_->host().reads_on_standby());
}

TEST_F(ReadReplicaTest, ReadsGoToThePrimaryWhileTheStandbyIsTooFarBehind) {
  Use(ServerOnStandby(absl::Seconds(1)));
  ASSERT_TRUE(WaitUntil([&] { return server_->host().reads_on_standby(); }));
  std::string name;
  {
    ReplayPaused paused;
    ASSERT_TRUE(paused.paused());
    name = CreateAndSubmit("RF4").name();
    ASSERT_FALSE(name.empty());
    // The standby falls more than a second behind and is set aside: the
    // primary lists the return the paused standby has not replayed.
    ASSERT_TRUE(WaitUntil([&] { return !server_->host().reads_on_standby(); }));
    EXPECT_EQ(Listed().count(name), 1u);
    EXPECT_EQ(Exported().count(name), 1u);
    EXPECT_EQ(ReturnedByOwnChaseList("RF4"), 1);
    EXPECT_TRUE(server_->host().serving());
  }
  // Within the lag allowed again, it serves again, and catches up.
  EXPECT_TRUE(WaitUntil([&] { return server_->host().reads_on_standby(); }));
  EXPECT_TRUE(WaitUntil([&] { return Listed().count(name) == 1; }));
}

TEST_F(ReadReplicaTest, TheStandbyServesOnlyOnceItHasReplayedTheServersMigrations) {
  // Replay paused once the standby has the test database, before the
  // server migrates it: the standby lags by seconds only, far less than
  // allowed, but lacks the tables.
  std::optional<ReplayPaused> paused;
  Use(std::make_unique<TestServer>(
      "all", 4, [&paused](HostOptions& options, const TestDatabase& database) {
        options.read_database_url = StandbyDatabaseUrl(database.name());
        options.read_max_lag = absl::Hours(1);
        const bool replayed = WaitUntil([&] {
          try {
            pqxx::connection conn(options.read_database_url);
            return true;
          } catch (const std::exception&) {
            return false;
          }
        });
        EXPECT_TRUE(replayed) << "the standby never had the test database";
        paused.emplace();
      }));
  ASSERT_TRUE(paused->paused());
  EXPECT_FALSE(server_->host().reads_on_standby());
  const std::string name = CreateAndSubmit("RF4").name();
  EXPECT_EQ(Listed().count(name), 1u);
  paused.reset();
  ASSERT_TRUE(WaitUntil([&] { return server_->host().reads_on_standby(); }));
  EXPECT_TRUE(WaitUntil([&] { return Listed().count(name) == 1; }));
}

TEST_F(ReadReplicaTest, AStandbyThatCannotBeReachedLeavesEveryReadOnThePrimary) {
  const int port = testing::FreePort();
  Use(std::make_unique<TestServer>(
      "all", 4, [port](HostOptions& options, const TestDatabase& database) {
        options.read_database_url =
            absl::StrCat("postgresql://postgres@127.0.0.1:", port, "/", database.name());
      }));
  EXPECT_FALSE(server_->host().reads_on_standby());
  EXPECT_TRUE(server_->host().serving());
  const std::string name = CreateAndSubmit("RF4").name();
  EXPECT_EQ(Listed().count(name), 1u);
  EXPECT_EQ(Exported().count(name), 1u);
  EXPECT_EQ(ReturnedByOwnChaseList("RF4"), 1);
}

TEST_F(ReadReplicaTest, ADatabaseThatIsNotInRecoveryIsNotUsedAsTheStandby) {
  // The primary itself named as the standby: reads stay on the primary's
  // pool, and the server says why.
  Use(std::make_unique<TestServer>("all", 4,
                                   [](HostOptions& options, const TestDatabase& database) {
                                     options.read_database_url = database.url();
                                   }));
  EXPECT_FALSE(server_->host().reads_on_standby());
  const std::string name = CreateAndSubmit("RF4").name();
  EXPECT_EQ(Listed().count(name), 1u);
}

}  // namespace
}  // namespace ahpl
