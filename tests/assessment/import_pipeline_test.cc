// ImportPipeline driven directly, without gRPC, against a real PostgreSQL.
#include "services/assessment/import_pipeline.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "services/assessment/arrangement_classifier.h"
#include "services/assessment/assessment_store.h"
#include "services/assessment/return_writer.h"
#include "services/catalogue/catalogue_store.h"
#include "services/common/migrations.h"
#include "services/common/pg_pool.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace ahpl::assessment {
namespace {

using testing::CompleteReturn;
using testing::MinimalDraft;

// A classifier that is down.
class UnavailableClassifier final : public ArrangementClassifier {
 public:
  absl::StatusOr<v1::StoredClassification> Classify(const v1::LeadershipArrangement&) override {
    return absl::UnavailableError("classification is down");
  }
};

Principal National() {
  Principal p;
  p.name = "tokens/1";
  p.token_id = 1;
  p.role = v1::ROLE_NATIONAL;
  return p;
}

Principal TrustToken(const std::string& ods_code) {
  Principal p;
  p.name = "tokens/2";
  p.token_id = 2;
  p.role = v1::ROLE_TRUST;
  p.scope = ods_code;
  return p;
}

void AddItem(v1::ImportReturnsRequest& chunk, const std::string& request_id,
             const v1::AssessmentReturn& ret, bool submit) {
  auto* item = chunk.add_items();
  item->set_request_id(request_id);
  item->set_submit(submit);
  *item->mutable_assessment_return() = ret;
}

std::string OnlyField(const v1::ImportResult& result) {
  if (result.violations_size() != 1)
    return "(" + std::to_string(result.violations_size()) + " violations)";
  return result.violations(0).field();
}

class ImportPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrations = ParseMigrations(SchemaMigrations());
    ASSERT_TRUE(migrations.ok()) << migrations.status();
    ASSERT_TRUE(ApplyMigrations(db_.url(), *migrations).ok());
    PgPool::Options options;
    options.url = db_.url();
    options.size = 4;
    auto pool = PgPool::Connect(options);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
    ASSERT_TRUE(SeedReferenceData(*pool_).ok());
    catalogue_ = std::make_unique<catalogue::CatalogueStore>(*pool_);
    auto classifier = LocalClassifier::Load("", *catalogue_);
    ASSERT_TRUE(classifier.ok()) << classifier.status();
    classifier_ = std::move(*classifier);
    store_ = std::make_unique<AssessmentStore>(*pool_);
    collections_ = std::make_unique<CollectionStore>(*pool_);
    ahpl::testing::OpenTestCollections(db_.url());
    writer_ = std::make_unique<ReturnWriter>(*store_, *collections_, *catalogue_, *classifier_);
  }

  int Count(const std::string& sql) {
    pqxx::connection conn(db_.url());
    pqxx::read_transaction tx(conn);
    return tx.exec(sql)[0][0].as<int>();
  }

  // Imports `chunk` as `caller` in a stream of its own.
  v1::ImportReturnsResponse ImportAlone(const v1::ImportReturnsRequest& chunk,
                                        const Principal& caller = National()) {
    ImportPipeline pipeline(*store_, *writer_, caller);
    auto response = pipeline.Import(chunk);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : v1::ImportReturnsResponse();
  }

  ahpl::testing::TestDatabase db_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<catalogue::CatalogueStore> catalogue_;
  std::unique_ptr<ArrangementClassifier> classifier_;
  std::unique_ptr<AssessmentStore> store_;
  std::unique_ptr<CollectionStore> collections_;
  std::unique_ptr<ReturnWriter> writer_;
};

TEST_F(ImportPipelineTest, AnswersEveryItemInOrderAndStoresOnlyTheValidOnes) {
  ImportPipeline pipeline(*store_, *writer_, National());
  v1::ImportReturnsRequest chunk;
  AddItem(chunk, "mix-0", CompleteReturn("RF4"), true);
  v1::AssessmentReturn old_cycle = CompleteReturn("RAL");
  old_cycle.set_cycle("1999");
  AddItem(chunk, "mix-1", old_cycle, true);
  AddItem(chunk, "mix-2", MinimalDraft("RX3"), false);
  v1::AssessmentReturn bad_rating = CompleteReturn("RF4");
  bad_rating.mutable_answers(2)->set_rating(9);
  AddItem(chunk, "mix-3", bad_rating, true);
  AddItem(chunk, "", MinimalDraft("RF4"), false);
  AddItem(chunk, "mix-5", MinimalDraft("ZZZZ"), false);
  AddItem(chunk, "mix-6", CompleteReturn("RAL"), true);

  auto response = pipeline.Import(chunk);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->results_size(), 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(response->results(i).index(), i);
  EXPECT_EQ(OnlyField(response->results(1)), "assessment_return.cycle");
  EXPECT_EQ(OnlyField(response->results(3)), "assessment_return.answers[2].rating");
  EXPECT_EQ(OnlyField(response->results(4)), "request_id");
  EXPECT_EQ(OnlyField(response->results(5)), "assessment_return.trust_ods_code");
  std::set<std::string> names;
  for (int i : {0, 2, 6}) {
    const auto& r = response->results(i);
    EXPECT_TRUE(r.violations().empty()) << i << ": " << r.DebugString();
    EXPECT_FALSE(r.replayed()) << i;
    EXPECT_EQ(r.name().rfind("returns/", 0), 0u) << i;
    names.insert(r.name());
  }
  EXPECT_EQ(names.size(), 3u) << "each stored item is a return of its own";
  for (int i : {1, 3, 4, 5}) EXPECT_TRUE(response->results(i).name().empty()) << i;
  EXPECT_EQ(response->accepted_count(), 3);
  EXPECT_EQ(response->rejected_count(), 4);

  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions WHERE request_id IN "
                  "('mix-0', 'mix-2', 'mix-6')"),
            3);
  EXPECT_EQ(Count("SELECT count(*) FROM returns WHERE status = 2 AND typology > 0"), 2)
      << "submitted items are classified";

  // The next chunk of the same stream numbers on and counts on.
  v1::ImportReturnsRequest next;
  AddItem(next, "mix-7", MinimalDraft("RF4"), false);
  AddItem(next, "mix-8", MinimalDraft("ZZZZ"), false);
  auto second = pipeline.Import(next);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->results_size(), 2);
  EXPECT_EQ(second->results(0).index(), 7);
  EXPECT_EQ(second->results(1).index(), 8);
  EXPECT_EQ(second->accepted_count(), 4);
  EXPECT_EQ(second->rejected_count(), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 4);
}

TEST_F(ImportPipelineTest, AReplayedRequestIdIsAnsweredAsReplayedAndNotStoredTwice) {
  v1::ImportReturnsRequest chunk;
  AddItem(chunk, "again-1", CompleteReturn("RF4"), true);
  AddItem(chunk, "again-2", MinimalDraft("RAL"), false);
  const auto first = ImportAlone(chunk);
  ASSERT_EQ(first.results_size(), 2);
  ASSERT_FALSE(first.results(0).name().empty());

  const auto retried = ImportAlone(chunk);
  ASSERT_EQ(retried.results_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(retried.results(i).replayed()) << i;
    EXPECT_TRUE(retried.results(i).violations().empty()) << i;
    EXPECT_EQ(retried.results(i).name(), first.results(i).name()) << i;
  }
  EXPECT_EQ(retried.accepted_count(), 2);
  EXPECT_EQ(retried.rejected_count(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM return_versions"), 2);
}

TEST_F(ImportPipelineTest, ARequestIdReusedForOtherContentIsRejectedNamingRequestId) {
  v1::ImportReturnsRequest chunk;
  AddItem(chunk, "reused", MinimalDraft("RF4"), false);
  const auto first = ImportAlone(chunk);
  ASSERT_EQ(first.results_size(), 1);
  ASSERT_TRUE(first.results(0).violations().empty());

  v1::ImportReturnsRequest other;
  AddItem(other, "reused", CompleteReturn("RF4"), true);
  const auto refused = ImportAlone(other);
  ASSERT_EQ(refused.results_size(), 1);
  EXPECT_EQ(OnlyField(refused.results(0)), "request_id");
  EXPECT_FALSE(refused.results(0).replayed());
  EXPECT_TRUE(refused.results(0).name().empty());
  EXPECT_EQ(refused.accepted_count(), 0);
  EXPECT_EQ(refused.rejected_count(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM returns WHERE status = 1"), 1)
      << "the draft stays as it was";
}

TEST_F(ImportPipelineTest, ItemsOfAnotherTrustAreRejectedForATrustToken) {
  v1::ImportReturnsRequest chunk;
  AddItem(chunk, "own-1", MinimalDraft("RF4"), false);
  AddItem(chunk, "other-1", MinimalDraft("RAL"), false);
  AddItem(chunk, "other-2", CompleteReturn("RX3"), true);
  const auto response = ImportAlone(chunk, TrustToken("RF4"));
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_TRUE(response.results(0).violations().empty());
  EXPECT_FALSE(response.results(0).name().empty());
  for (int i : {1, 2}) {
    EXPECT_EQ(OnlyField(response.results(i)), "assessment_return.trust_ods_code") << i;
    EXPECT_TRUE(response.results(i).name().empty()) << i;
  }
  EXPECT_EQ(response.accepted_count(), 1);
  EXPECT_EQ(response.rejected_count(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM returns WHERE trust_ods_code <> 'RF4'"), 0);
}

// How a stream overlaps its stages: the next chunk is prepared before the
// last one is stored, so a request id repeated across them is only found
// taken when storing.
TEST_F(ImportPipelineTest, AChunkPreparedBeforeTheLastIsStoredReplaysOrRefusesItsTakenIds) {
  ImportPipeline pipeline(*store_, *writer_, National());
  v1::ImportReturnsRequest a, b;
  AddItem(a, "over-1", MinimalDraft("RF4"), false);
  AddItem(a, "over-2", MinimalDraft("RAL"), false);
  AddItem(b, "over-3", MinimalDraft("RX3"), false);
  AddItem(b, "over-1", MinimalDraft("RF4"), false);
  AddItem(b, "over-2", CompleteReturn("RAL"), true);

  auto prepared_a = pipeline.Prepare(a);
  ASSERT_TRUE(prepared_a.ok()) << prepared_a.status();
  auto prepared_b = pipeline.Prepare(b);
  ASSERT_TRUE(prepared_b.ok()) << prepared_b.status();
  auto stored_a = pipeline.Store(std::move(*prepared_a));
  ASSERT_TRUE(stored_a.ok()) << stored_a.status();
  auto stored_b = pipeline.Store(std::move(*prepared_b));
  ASSERT_TRUE(stored_b.ok()) << stored_b.status();

  ASSERT_EQ(stored_a->results_size(), 2);
  ASSERT_EQ(stored_b->results_size(), 3);
  EXPECT_EQ(stored_b->results(0).index(), 2);
  EXPECT_EQ(stored_b->results(2).index(), 4);
  EXPECT_TRUE(stored_b->results(0).violations().empty());
  EXPECT_FALSE(stored_b->results(0).replayed());
  EXPECT_TRUE(stored_b->results(1).replayed());
  EXPECT_EQ(stored_b->results(1).name(), stored_a->results(0).name());
  EXPECT_EQ(OnlyField(stored_b->results(2)), "request_id") << "same id, other content";
  EXPECT_EQ(stored_a->accepted_count(), 2);
  EXPECT_EQ(stored_b->accepted_count(), 4);
  EXPECT_EQ(stored_b->rejected_count(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 3);
}

TEST_F(ImportPipelineTest, AFailingClassifierFailsTheImportInsteadOfRejectingItems) {
  UnavailableClassifier down;
  ReturnWriter writer(*store_, *collections_, *catalogue_, down);
  ImportPipeline pipeline(*store_, writer, National());
  v1::ImportReturnsRequest chunk;
  AddItem(chunk, "down-1", MinimalDraft("RF4"), false);
  AddItem(chunk, "down-2", CompleteReturn("RF4"), true);
  auto response = pipeline.Import(chunk);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Count("SELECT count(*) FROM returns"), 0);
}

}  // namespace
}  // namespace ahpl::assessment
