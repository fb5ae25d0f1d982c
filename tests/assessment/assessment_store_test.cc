#include "services/assessment/assessment_store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "tests/support/test_server.h"

namespace ahpl::assessment {
namespace {

// The kinds the migration's ahpl_return_facts() writes for one submitted
// return are the CountKind values the store reads them as.
TEST(CountKindTest, AgreesWithTheMigrationsFacts) {
  ahpl::testing::TestServer server("assessment");
  pqxx::connection conn(server.database().url());
  pqxx::read_transaction tx(conn);
  std::set<std::pair<int, std::string>> facts;
  for (const auto& row :
       tx.exec("SELECT kind, key FROM ahpl_return_facts('2018-06', 3::smallint, true, 5::smallint, "
               "2::smallint, 'AHP  Lead!', ARRAY['NO_ROUTE_TO_BOARD'], ARRAY[1, 2]::smallint[])")) {
    facts.insert({row[0].as<int>(), row[1].as<std::string>()});
  }
  auto fact = [](CountKind kind, std::string key) {
    return std::make_pair(static_cast<int>(kind), std::move(key));
  };
  const std::set<std::pair<int, std::string>> expected = {
      fact(CountKind::kReturns, ""),
      fact(CountKind::kTypology, "3"),
      fact(CountKind::kBand, "5"),
      fact(CountKind::kBoardRelationship, "2"),
      fact(CountKind::kLeaderTitle, "ahp lead"),
      fact(CountKind::kFinding, "NO_ROUTE_TO_BOARD"),
      fact(CountKind::kRating, "concepts.identify-leader:1"),
      fact(CountKind::kRating, "concepts.shared-understanding:2"),
      fact(CountKind::kReturnsWithLeader, ""),
      fact(CountKind::kLeadersAt8cOrAbove, ""),
      fact(CountKind::kReturnsWithTitle, ""),
  };
  EXPECT_EQ(facts, expected);

  // Without a post: band "none", and no relationship or leader counts.
  std::set<int> kinds;
  for (const auto& row : tx.exec(
           "SELECT kind, key FROM ahpl_return_facts('2018-06', 1::smallint, false, 0::smallint, "
           "0::smallint, '', ARRAY[]::text[], ARRAY[]::smallint[])")) {
    kinds.insert(row[0].as<int>());
    if (row[0].as<int>() == static_cast<int>(CountKind::kBand)) {
      EXPECT_EQ(row[1].as<std::string>(), "none");
    }
  }
  EXPECT_EQ(kinds, (std::set<int>{static_cast<int>(CountKind::kReturns),
                                  static_cast<int>(CountKind::kTypology),
                                  static_cast<int>(CountKind::kBand)}));

  // The table accepts exactly the enum's range.
  const auto check = tx.exec(
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
      "WHERE conrelid = 'return_counts'::regclass AND contype = 'c'");
  ASSERT_EQ(check.size(), 1u);
  EXPECT_NE(check[0][0].as<std::string>().find(
                "(kind >= 0) AND (kind <= " + std::to_string(kCountKindCount - 1) + ")"),
            std::string::npos)
      << check[0][0].as<std::string>();
}

}  // namespace
}  // namespace ahpl::assessment
