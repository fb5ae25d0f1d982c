#include "services/catalogue/catalogue_store.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "services/catalogue/catalogue_seed.h"
#include "services/catalogue/edition_rules.h"
#include "services/common/migrations.h"
#include "services/server/hosted_services.h"
#include "tests/support/test_database.h"

namespace ahpl::catalogue {
namespace {

class CatalogueStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = ParseMigrations(SchemaMigrations());
    ASSERT_TRUE(migrations.ok());
    ASSERT_TRUE(ApplyMigrations(db_.url(), *migrations).ok());
    PgPool::Options options;
    options.url = db_.url();
    options.size = 2;
    auto pool = PgPool::Connect(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    store_ = std::make_unique<CatalogueStore>(*pool_);
  }

  int Count(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    return tx.exec(sql)[0][0].as<int>();
  }

  testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<CatalogueStore> store_;
};

TEST_F(CatalogueStoreTest, SeedingTwiceWritesNothingNew) {
  ASSERT_TRUE(SeedCatalogue(*store_).ok());
  ASSERT_TRUE(SeedCatalogue(*store_).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM editions"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM edition_questions"), 12);
  EXPECT_EQ(Count("SELECT count(*) FROM edition_sections"), 6);
  EXPECT_EQ(Count("SELECT count(*) FROM edition_scale_points"), 4);
  EXPECT_EQ(Count("SELECT count(*) FROM trusts WHERE active"), 202);
  EXPECT_EQ(Count("SELECT count(*) FROM regions"), 7);
}

TEST_F(CatalogueStoreTest, PublishedEditionsCannotBeChangedEvenInSql) {
  ASSERT_TRUE(SeedCatalogue(*store_).ok());
  pqxx::connection conn(db_.url());
  for (const char* sql :
       {"UPDATE editions SET title = 'x'", "DELETE FROM edition_questions",
        "UPDATE edition_questions SET text = 'x'", "DELETE FROM edition_scale_points"}) {
    pqxx::work tx(conn);
    EXPECT_THROW(tx.exec(sql), pqxx::sql_error) << sql;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM edition_questions"), 12);
}

TEST_F(CatalogueStoreTest, DifferentContentUnderAPublishedIdIsAlreadyExists) {
  ASSERT_TRUE(SeedCatalogue(*store_).ok());
  auto editions = ShippedEditions();
  ASSERT_TRUE(editions.ok());
  v1::Edition changed = editions->front();
  changed.mutable_questions(0)->set_text("Something else?");
  auto result =
      store_->PublishEdition(changed, EditionFingerprint(changed), Principal::System("test"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(CatalogueStoreTest, RegisterUpdatesRetireAndRestoreTrusts) {
  std::vector<TrustRecord> records = {{"AAA", "Alpha", "Y56", "London", "acute"},
                                      {"BBB", "Beta", "Y56", "London", "community"}};
  ASSERT_TRUE(store_->ReplaceTrustRegister(records).ok());
  records[0].name = "Alpha Renamed";
  records.pop_back();
  ASSERT_TRUE(store_->ReplaceTrustRegister(records).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM trusts WHERE active"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM trusts"), 2) << "a retired trust is kept";
  auto alpha = store_->GetTrust("AAA");
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha->name(), "Alpha Renamed");
  auto london = store_->ListTrusts("Y56", "", 10);
  ASSERT_TRUE(london.ok());
  EXPECT_EQ(london->total, 1);
  EXPECT_EQ(london->items.size(), 1u);
  EXPECT_EQ(store_->ListTrusts("Y99", "", 10).status().code(), absl::StatusCode::kNotFound);
  records.push_back({"BBB", "Beta", "Y56", "London", "community"});
  ASSERT_TRUE(store_->ReplaceTrustRegister(records).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM trusts WHERE active"), 2);
}

TEST_F(CatalogueStoreTest, SqlInValuesIsStoredVerbatim) {
  const std::string name = "O'Brien'); DROP TABLE trusts; --";
  ASSERT_TRUE(store_->ReplaceTrustRegister({{"CCC", name, "Y58", "South West", "acute"}}).ok());
  auto trust = store_->GetTrust("CCC");
  ASSERT_TRUE(trust.ok()) << trust.status();
  EXPECT_EQ(trust->name(), name);
  auto none = store_->GetTrust("' OR '1'='1");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ahpl::catalogue
