#include "services/common/pg_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/test_database.h"

namespace ahpl {
namespace {

std::unique_ptr<PgPool> Connect(const std::string& url, size_t size) {
  PgPool::Options options;
  options.url = url;
  options.size = size;
  options.acquire_timeout = absl::Milliseconds(300);
  auto pool = PgPool::Connect(options);
  EXPECT_TRUE(pool.ok()) << pool.status();
  return pool.ok() ? std::move(*pool) : nullptr;
}

TEST(PgPoolTest, UnreachableDatabaseFailsAtConnect) {
  PgPool::Options options;
  options.url = "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2";
  auto pool = PgPool::Connect(options);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kUnavailable);
}

TEST(PgPoolTest, NeverOpensMoreConnectionsThanItsSize) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 3);
  std::atomic<int> max_seen{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        ASSERT_TRUE(pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
                          const int n =
                              tx.exec_params(
                                    "SELECT count(*)::int FROM pg_stat_activity WHERE datname = $1",
                                    tx.conn().dbname())[0][0]
                                  .as<int>();
                          int seen = max_seen.load();
                          while (n > seen && !max_seen.compare_exchange_weak(seen, n)) {
                          }
                          return absl::OkStatus();
                        })
                        .ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(max_seen.load(), 1);
  EXPECT_LE(max_seen.load(), 3);
}

TEST(PgPoolTest, ExhaustedPoolAnswersResourceExhaustedAfterTheTimeout) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 1);
  absl::Status inner;
  const absl::Status outer = pool->WithConnection([&](pqxx::connection&) -> absl::Status {
    inner = pool->WithConnection([](pqxx::connection&) { return absl::OkStatus(); });
    return absl::OkStatus();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), absl::StatusCode::kResourceExhausted);
}

TEST(PgPoolTest, PreparedStatementsReachEveryConnection) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 2);
  pool->RegisterStatements({{"test_add", "SELECT $1::int + $2::int"}});
  for (int i = 0; i < 4; ++i) {
    int sum = 0;
    ASSERT_TRUE(pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
                      sum = tx.exec_prepared("test_add", 2, i)[0][0].as<int>();
                      return absl::OkStatus();
                    })
                    .ok());
    EXPECT_EQ(sum, 2 + i);
  }
}

TEST(PgPoolTest, ErrorStatusRollsTheTransactionBack) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 1);
  ASSERT_TRUE(pool->InTransaction([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec("CREATE TABLE t (id int PRIMARY KEY)");
                    return absl::OkStatus();
                  })
                  .ok());
  const absl::Status refused = pool->InTransaction([](pqxx::transaction_base& tx) -> absl::Status {
    tx.exec("INSERT INTO t VALUES (1)");
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  int rows = -1;
  ASSERT_TRUE(pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
                    rows = tx.exec("SELECT count(*)::int FROM t")[0][0].as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(rows, 0);
}

TEST(PgPoolTest, MapsConstraintErrorsToStatuses) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 1);
  ASSERT_TRUE(pool->InTransaction([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec("CREATE TABLE u (id int PRIMARY KEY)");
                    tx.exec("INSERT INTO u VALUES (1)");
                    return absl::OkStatus();
                  })
                  .ok());
  const absl::Status duplicate = pool->InTransaction([](pqxx::transaction_base& tx) {
    tx.exec("INSERT INTO u VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  const absl::Status bad_sql = pool->Read([](pqxx::transaction_base& tx) {
    tx.exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(bad_sql.code(), absl::StatusCode::kInternal);
}

TEST(PgPoolTest, RetriesSerializationFailures) {
  testing::TestDatabase db;
  auto pool = Connect(db.url(), 2);
  ASSERT_TRUE(pool->InTransaction([](pqxx::transaction_base& tx) -> absl::Status {
                    tx.exec("CREATE TABLE c (id int PRIMARY KEY, n int)");
                    tx.exec("INSERT INTO c VALUES (1, 0)");
                    return absl::OkStatus();
                  })
                  .ok());
  std::atomic<int> attempts{0};
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) {
        const absl::Status s = pool->InTransaction(
            [&](pqxx::transaction_base& tx) -> absl::Status {
              ++attempts;
              const int n = tx.exec("SELECT n FROM c WHERE id = 1")[0][0].as<int>();
              tx.exec_params("UPDATE c SET n = $1 WHERE id = 1", n + 1);
              return absl::OkStatus();
            },
            Isolation::kSerializable);
        EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kAborted) << s;
        if (s.ok()) ++committed;
      }
    });
  }
  for (auto& t : threads) t.join();
  int n = 0;
  ASSERT_TRUE(pool->Read([&](pqxx::transaction_base& tx) -> absl::Status {
                    n = tx.exec("SELECT n FROM c WHERE id = 1")[0][0].as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(n, committed.load()) << "no committed increment may be lost";
  EXPECT_GE(attempts.load(), committed.load());
  EXPECT_GT(committed.load(), 0);
}

}  // namespace
}  // namespace ahpl
