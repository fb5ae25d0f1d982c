// Several ahpl-server processes over one database, reached by one SDK
// client given all their addresses: calls are spread over them, and when
// one is killed under load the client goes on with the others and no write
// it saw acknowledged is lost.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "ahpl/sdk/assessment_client.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/server_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using assessment::testing::CompleteReturn;

// `count` ahpl-server processes over one fresh database, each connecting to
// PostgreSQL as application_name "replica-N", and a trigger noting which
// replica's session wrote each audit row: what every write leaves.
class Replicas {
 public:
  explicit Replicas(int count) {
    std::set<int> ports;
    while (static_cast<int>(ports.size()) < count) ports.insert(testing::FreePort());
    for (int port : ports) addresses_.push_back(absl::StrCat("127.0.0.1:", port));
    for (int i = 0; i < count; ++i) {
      servers_.push_back(std::make_unique<testing::ServerProcess>(std::vector<std::string>{
          absl::StrCat("--database_url=", db_.url(), "?application_name=replica-", i),
          "--listen=" + addresses_[i], "--pool_size=4", "--shutdown_grace_seconds=1"}));
    }
    for (int i = 0; i < count; ++i) {
      ok_ = ok_ && servers_[i]->WaitUntilServing(addresses_[i], std::chrono::seconds(60));
      EXPECT_TRUE(ok_) << "replica " << i << " did not start:\n" << servers_[i]->Stderr();
    }
    if (!ok_) return;
    testing::OpenTestCollections(db_.url());
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    tx.exec(
        "CREATE TABLE test_writes_by (replica text NOT NULL, resource text NOT NULL);"
        "CREATE FUNCTION test_note_writer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO test_writes_by VALUES (current_setting('application_name'), NEW.resource); "
        "RETURN NULL; END $$;"
        "CREATE TRIGGER test_note_writer AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION test_note_writer();");
    tx.commit();
  }

  bool ok() const { return ok_; }
  // Every address, comma-separated: the client's target.
  std::string target() const { return absl::StrJoin(addresses_, ","); }
  testing::ServerProcess& server(int i) { return *servers_[i]; }
  const std::string& url() const { return db_.url(); }

  // Returns each replica wrote (distinct audit resources), by replica name.
  std::map<std::string, int64_t> WritesByReplica() const {
    pqxx::connection conn(db_.url());
    pqxx::work tx(conn);
    std::map<std::string, int64_t> out;
    for (const auto& row : tx.exec("SELECT replica, count(DISTINCT resource) FROM test_writes_by "
                                   "WHERE resource LIKE 'returns/%' GROUP BY replica")) {
      out[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    return out;
  }

 private:
  testing::TestDatabase db_;
  std::vector<std::string> addresses_;
  std::vector<std::unique_ptr<testing::ServerProcess>> servers_;
  bool ok_ = true;
};

sdk::ClientOptions OptionsFor(const Replicas& replicas, const std::string& token) {
  sdk::ClientOptions options;
  options.target = replicas.target();
  options.token = token;
  return options;
}

TEST(ReplicasTest, OneClientSpreadsItsCallsOverEveryReplica) {
  Replicas replicas(3);
  ASSERT_TRUE(replicas.ok());
  sdk::AssessmentClient client(
      OptionsFor(replicas, testing::MakeToken(replicas.url(), v1::ROLE_TRUST, "RF4")));
  constexpr int kWrites = 60;
  for (int i = 0; i < kWrites; ++i) {
    auto created = client.Create(CompleteReturn("RF4"), /*submit=*/true);
    ASSERT_TRUE(created.ok()) << created.status();
  }
  const auto writes = replicas.WritesByReplica();
  int64_t total = 0;
  for (const auto& [replica, n] : writes) total += n;
  EXPECT_EQ(total, kWrites);
  // Round robin: about a third each. One channel to a single server (or
  // gRPC's default, pick_first, given a list) would send all 60 to one.
  for (const char* replica : {"replica-0", "replica-1", "replica-2"}) {
    const auto it = writes.find(replica);
    EXPECT_GE(it == writes.end() ? 0 : it->second, kWrites / 6) << replica;
  }
}

// One trust's writer: creates and submits returns until it has written
// `at_least` and, once the replica is killed, `after_kill` more.
struct Writer {
  std::string trust;
  std::vector<std::string> acknowledged;  // names of the returns stored
  std::vector<std::string> failures;
  int started_after_kill = 0;
};

TEST(ReplicasTest, KillingAReplicaUnderLoadLosesNoAcknowledgedWrite) {
  Replicas replicas(3);
  ASSERT_TRUE(replicas.ok());
  const std::vector<std::string> trusts = {"RF4", "RAL", "R1H", "R1K", "RAN", "RAT"};
  constexpr int kAtLeast = 20;
  constexpr int kAfterKill = 10;
  constexpr int kKillAfter = 40;  // acknowledged writes, all writers together
  std::vector<Writer> writers(trusts.size());
  absl::Mutex mu;
  int acknowledged = 0;  // guarded by mu
  std::atomic<bool> killed{false};

  std::vector<std::thread> threads;
  for (size_t w = 0; w < trusts.size(); ++w) {
    writers[w].trust = trusts[w];
    threads.emplace_back([&, w] {
      Writer& me = writers[w];
      sdk::AssessmentClient client(
          OptionsFor(replicas, testing::MakeToken(replicas.url(), v1::ROLE_TRUST, me.trust)));
      int written = 0;
      while (written < kAtLeast || !killed.load() || me.started_after_kill < kAfterKill) {
        const bool after = killed.load();
        auto created = client.Create(CompleteReturn(me.trust), /*submit=*/true);
        ++written;
        if (after) ++me.started_after_kill;
        if (created.ok()) {
          me.acknowledged.push_back(created->name());
          absl::MutexLock lock(&mu);
          ++acknowledged;
        } else {
          me.failures.push_back(
              absl::StrCat(after ? "after" : "around", " the kill: ", created.status().ToString()));
        }
        if (me.failures.size() > 20) return;  // something else is wrong; fail below
      }
    });
  }
  // Kill replica 0 outright, mid-load, once the writers are well under way.
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n >= kKillAfter; }, &acknowledged));
  }
  const std::map<std::string, int64_t> before_kill = replicas.WritesByReplica();
  replicas.server(0).Kill();
  killed.store(true);
  for (auto& t : threads) t.join();

  // The killed replica was serving writes when it died.
  ASSERT_TRUE(before_kill.count("replica-0")) << "no write reached replica 0 before the kill";
  EXPECT_GT(before_kill.at("replica-0"), 0);
  // Every call succeeded: those in flight on the killed replica were retried
  // on the others, and every call after the kill went to the others.
  for (const Writer& w : writers) {
    EXPECT_TRUE(w.failures.empty()) << w.trust << ": " << absl::StrJoin(w.failures, "\n");
    EXPECT_GE(w.started_after_kill, kAfterKill) << w.trust;
  }
  // Every acknowledged write is stored, once: read back through the
  // surviving replicas with the same list of addresses.
  sdk::AssessmentClient reader(
      OptionsFor(replicas, testing::MakeToken(replicas.url(), v1::ROLE_NATIONAL)));
  for (const Writer& w : writers) {
    std::set<std::string> stored;
    v1::ReturnFilter filter;
    filter.set_trust_ods_code(w.trust);
    ASSERT_TRUE(reader
                    .ForEachReturn(filter,
                                   [&](const v1::AssessmentReturn& r) {
                                     EXPECT_EQ(r.status(), v1::RETURN_STATUS_SUBMITTED) << r.name();
                                     stored.insert(r.name());
                                     return true;
                                   })
                    .ok());
    const std::set<std::string> acked(w.acknowledged.begin(), w.acknowledged.end());
    EXPECT_EQ(acked.size(), w.acknowledged.size()) << w.trust << ": a name acknowledged twice";
    EXPECT_EQ(stored, acked) << w.trust;
    for (const std::string& name : w.acknowledged) {
      auto got = reader.Get(name);
      EXPECT_TRUE(got.ok()) << name << ": " << got.status();
    }
  }
}

}  // namespace
}  // namespace ahpl
