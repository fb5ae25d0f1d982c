#include "services/common/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include <pqxx/pqxx>

#include "services/common/pg_pool.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_database.h"

namespace ahpl {
namespace {

std::vector<Migration> Parse(const std::vector<EmbeddedFile>& files) {
  auto parsed = ParseMigrations(files);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *parsed : std::vector<Migration>{};
}

int Count(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  return tx.exec(sql)[0][0].as<int>();
}

TEST(ParseMigrationsTest, OrdersByNumber) {
  auto m = Parse({{"0002_b.sql", "SELECT 2"}, {"0001_a.sql", "SELECT 1"}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].version, 1);
  EXPECT_EQ(m[1].name, "0002_b.sql");
  EXPECT_EQ(m[0].checksum.size(), 64u);
}

TEST(ParseMigrationsTest, RefusesGapsRepeatsAndBadNames) {
  EXPECT_FALSE(ParseMigrations({{"0001_a.sql", ""}, {"0003_c.sql", ""}}).ok());
  EXPECT_FALSE(ParseMigrations({{"0001_a.sql", ""}, {"0001_b.sql", ""}}).ok());
  EXPECT_FALSE(ParseMigrations({{"first.sql", ""}}).ok());
  EXPECT_FALSE(ParseMigrations({{"0001.sql", ""}}).ok());
}

TEST(ShippedMigrationsTest, ParseCleanly) {
  auto m = ParseMigrations(SchemaMigrations());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GE(m->size(), 1u);
}

TEST(ApplyMigrationsTest, AppliesOnceAndIsANoOpTheSecondTime) {
  testing::TestDatabase db;
  const auto migrations = Parse(SchemaMigrations());
  auto first = ApplyMigrations(db.url(), migrations);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied.size(), migrations.size());
  EXPECT_EQ(first->current_version, static_cast<int>(migrations.size()));
  auto second = ApplyMigrations(db.url(), migrations);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM schema_migrations"),
            static_cast<int>(migrations.size()));
}

TEST(ApplyMigrationsTest, ConcurrentCallersDoNotRace) {
  testing::TestDatabase db;
  const auto migrations = Parse(SchemaMigrations());
  constexpr int kServers = 4;
  std::vector<absl::StatusOr<MigrationReport>> reports(kServers, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] { reports[i] = ApplyMigrations(db.url(), migrations); });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (const auto& r : reports) {
    ASSERT_TRUE(r.ok()) << r.status();
    applied += r->applied.size();
    EXPECT_EQ(r->current_version, static_cast<int>(migrations.size()));
  }
  EXPECT_EQ(applied, migrations.size()) << "each migration must be applied exactly once";
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM schema_migrations"),
            static_cast<int>(migrations.size()));
}

TEST(ApplyMigrationsTest, AFailingMigrationLeavesTheDatabaseAsItWas) {
  testing::TestDatabase db;
  auto migrations = Parse({{"0001_ok.sql", "CREATE TABLE kept (id int)"},
                           {"0002_bad.sql",
                            "CREATE TABLE half_done (id int); INSERT INTO kept VALUES (1); "
                            "SELECT no_such_function();"}});
  auto report = ApplyMigrations(db.url(), migrations);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("0002_bad.sql"), absl::string_view::npos);
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM kept"), 0);
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
}

TEST(ApplyMigrationsTest, RefusesAnAppliedMigrationThatWasEdited) {
  testing::TestDatabase db;
  ASSERT_TRUE(ApplyMigrations(db.url(), Parse({{"0001_a.sql", "CREATE TABLE a (id int)"}})).ok());
  auto edited = ApplyMigrations(db.url(), Parse({{"0001_a.sql", "CREATE TABLE a (id bigint)"}}));
  ASSERT_FALSE(edited.ok());
  EXPECT_EQ(edited.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ApplyMigrationsTest, UnreachableDatabaseIsUnavailable) {
  auto report = ApplyMigrations("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
                                Parse({{"0001_a.sql", "SELECT 1"}}));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ahpl

namespace ahpl {
namespace {

// Migration 0006 turns every cycle already stored into an open-ended
// collection answering the edition most of its returns answer, and marks
// when each submitted return was last submitted, so that the counting
// return is known at once.
TEST(CollectionsMigrationTest, ExistingCyclesBecomeOpenEndedCollections) {
  testing::TestDatabase db;
  auto all = Parse(SchemaMigrations());
  std::vector<Migration> before(all.begin(), all.begin() + 5);
  ASSERT_EQ(before.back().version, 5);
  ASSERT_TRUE(ApplyMigrations(db.url(), before).ok());
  {
    PgPool::Options options;
    options.url = db.url();
    options.size = 1;
    auto pool = PgPool::Connect(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    ASSERT_TRUE(SeedReferenceData(**pool).ok());
  }
  {
    pqxx::connection conn(db.url());
    pqxx::work tx(conn);
    const char* rows[][4] = {
        {"RF4", "2016-17", "2", "a"}, {"RF4", "2016-17", "1", "b"}, {"RGN", "2017-18", "2", "c"}};
    int n = 0;
    for (const auto& r : rows) {
      const bool submitted = std::string(r[2]) == "2";
      tx.exec_params(
          "WITH w AS (INSERT INTO returns (id, trust_ods_code, cycle, edition_id, status, "
          "current_version, etag, typology, submit_time) VALUES (gen_random_uuid(), $1, $2, "
          "'2018-06', $3::smallint, 1, $4, $5::smallint, CASE WHEN $3::smallint = 2 THEN "
          "clock_timestamp() END) RETURNING seq) INSERT INTO return_versions (return_seq, "
          "version, status, etag, content, request_id, request_digest, written_by) SELECT seq, "
          "1, $3::smallint, $4, ''::bytea, $4, 'digest', 'seed' FROM w",
          r[0], r[1], std::stoi(r[2]), std::string(r[3]) + std::to_string(n++), submitted ? 1 : 0);
    }
    tx.commit();
  }
  auto report = ApplyMigrations(db.url(), all);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(Count(db.url(),
                  "SELECT count(*) FROM collections WHERE close_time IS NULL "
                  "AND edition_id = '2018-06' AND cycle IN ('2016-17', '2017-18')"),
            2);
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM collections"), 2);
  EXPECT_EQ(Count(db.url(),
                  "SELECT count(*) FROM returns WHERE (status = 2) = (content_time IS NOT NULL)"),
            3);
  EXPECT_EQ(Count(db.url(), "SELECT count(*) FROM counting_returns"), 2);
  EXPECT_EQ(
      Count(db.url(), "SELECT count(*) FROM collections WHERE open_time <= clock_timestamp()"), 2)
      << "open since the first return";
}

}  // namespace
}  // namespace ahpl
