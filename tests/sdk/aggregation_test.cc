// The SDK's assessment client and regional aggregator over real servers.
#include "ahpl/sdk/regional_aggregator.h"

#include <gtest/gtest.h>

#include <map>

#include <google/protobuf/util/message_differencer.h>

#include "ahpl/sdk/assessment_client.h"
#include "ahpl/sdk/catalogue_client.h"
#include "core/disclosure.h"
#include "services/server/hosted_services.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_server.h"

namespace ahpl::sdk {
namespace {

using assessment::testing::CompleteReturn;

// One national token, installed in each test server's database, so that
// one aggregator reaches several servers.
const char kNationalToken[] = "ahpl_national-token-shared-by-the-test-servers-0";

ClientOptions Options(ahpl::testing::TestServer* server) {
  ClientOptions options;
  options.token = kNationalToken;
  if (server != nullptr) {
    server->InstallToken(kNationalToken, v1::ROLE_NATIONAL);
    options.target = server->address();
  }
  return options;
}

// A return whose facts vary with `i`, so distributions have several keys.
v1::AssessmentReturn Varied(int i, const std::string& trust) {
  auto r = CompleteReturn(trust);
  auto* leader = r.mutable_arrangement()->mutable_senior_leader();
  const v1::Band bands[] = {v1::BAND_8A, v1::BAND_8B, v1::BAND_8C, v1::BAND_8D, v1::BAND_9};
  leader->set_band(bands[i % 5]);
  leader->set_job_title(i % 3 == 0 ? "Head of Therapies" : "Director of AHPs");
  if (i % 4 == 0) {
    r.mutable_arrangement()->set_has_senior_ahp_leader(false);
    r.mutable_arrangement()->clear_senior_leader();
  }
  for (int q = 0; q < r.answers_size(); ++q) r.mutable_answers(q)->set_rating(1 + (i + q) % 4);
  return r;
}

std::vector<v1::ImportItem> Items(int from, int to, const char* const* trusts, int n_trusts) {
  std::vector<v1::ImportItem> items;
  for (int i = from; i < to; ++i) {
    v1::ImportItem item;
    item.set_request_id("agg-" + std::to_string(i));
    item.set_submit(true);
    *item.mutable_assessment_return() = Varied(i, trusts[i % n_trusts]);
    items.push_back(std::move(item));
  }
  return items;
}

TEST(AssessmentClientTest, ImportReportsProgressAfterEachChunk) {
  ahpl::testing::TestServer server("assessment");
  AssessmentClient client(Options(&server));
  const char* const trusts[] = {"RF4", "RAL"};
  std::vector<ImportProgress> seen;
  auto items = Items(0, 45, trusts, 2);
  items[7].mutable_assessment_return()->set_cycle("nope");
  auto report = client.Import(
      items, [&](const ImportProgress& p) { seen.push_back(p); }, 10);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->accepted, 44);
  EXPECT_EQ(report->rejected, 1);
  ASSERT_EQ(report->results.size(), 45u);
  EXPECT_EQ(report->results[7].violations(0).field(), "assessment_return.cycle");
  ASSERT_EQ(seen.size(), 5u);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GT(seen[i].accepted + seen[i].rejected, seen[i - 1].accepted + seen[i - 1].rejected);
  }
  EXPECT_EQ(seen.back().accepted + seen.back().rejected, 45);

  ClientOptions small_pages = Options(&server);
  small_pages.page_size = 7;
  int listed = 0;
  ASSERT_TRUE(AssessmentClient(small_pages)
                  .ForEachReturn(v1::ReturnFilter(),
                                 [&](const v1::AssessmentReturn&) {
                                   ++listed;
                                   return true;
                                 })
                  .ok());
  EXPECT_EQ(listed, 44) << "seven pages of seven, the last of two";
  int exported = 0;
  ASSERT_TRUE(
      client.Export(v1::ReturnFilter(), [&](const v1::AssessmentReturn&) { ++exported; }).ok());
  EXPECT_EQ(exported, 44);
}

// Each server controls its own answer, so the merge cannot be exact where
// a server hid a cell; where both show a figure, they agree.
TEST(RegionalAggregatorTest, MergingTwoServersAgreesWithOneServerHoldingEverything) {
  ahpl::testing::TestServer east("assessment"), west("assessment"), both("assessment");
  // Five trusts each: fewer would make a region (and England) too small to
  // show anything.
  const char* const east_trusts[] = {"RX3", "RX4", "R0B", "RAE",
                                     "RCB"};  // North East and Yorkshire
  const char* const west_trusts[] = {"RF4", "RAL", "R1H", "R1K", "RAN"};  // London
  auto east_items = Items(0, 30, east_trusts, 5);
  auto west_items = Items(30, 70, west_trusts, 5);
  ASSERT_TRUE(AssessmentClient(Options(&east)).Import(east_items).ok());
  ASSERT_TRUE(AssessmentClient(Options(&west)).Import(west_items).ok());
  auto all = east_items;
  all.insert(all.end(), west_items.begin(), west_items.end());
  ASSERT_TRUE(AssessmentClient(Options(&both)).Import(all).ok());

  RegionalAggregator split(Options(nullptr), {east.address(), west.address()});
  RegionalAggregator single(Options(nullptr), {both.address()});
  auto merged = split.Summarize("2018-19", 1);
  auto whole = single.Summarize("2018-19", 1);
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(merged->national.returns(), 70);
  EXPECT_EQ(merged->national.trusts_in_register(), 202);
  EXPECT_EQ(whole->national.returns(), 70);
  auto agree = [](const v1::ReturnSummary& a, const v1::ReturnSummary& b) {
    auto counts = [](const google::protobuf::RepeatedPtrField<v1::Count>& x,
                     const google::protobuf::RepeatedPtrField<v1::Count>& y,
                     const std::string& who) {
      std::map<std::string, const v1::Count*> by_key;
      for (const auto& c : y) by_key[c.key()] = &c;
      for (const auto& c : x) {
        auto it = by_key.find(c.key());
        if (it == by_key.end() || c.suppressed() || it->second->suppressed()) continue;
        EXPECT_EQ(c.count(), it->second->count()) << who << " " << c.key();
      }
    };
    counts(a.typology(), b.typology(), a.region_code());
    counts(a.bands(), b.bands(), a.region_code());
    counts(a.board_relationships(), b.board_relationships(), a.region_code());
    counts(a.findings(), b.findings(), a.region_code());
    if (!assessment::IsSuppressed(a, "returns") && !assessment::IsSuppressed(b, "returns")) {
      EXPECT_EQ(a.returns(), b.returns()) << a.region_code();
    }
  };
  agree(merged->national, whole->national);
  ASSERT_EQ(merged->regions.size(), whole->regions.size());
  for (size_t i = 0; i < merged->regions.size(); ++i) agree(merged->regions[i], whole->regions[i]);
  // What either server hid stays hidden in the merge.
  auto east_only = RegionalAggregator(Options(nullptr), {east.address()}).Summarize("2018-19");
  ASSERT_TRUE(east_only.ok());
  for (size_t i = 0; i < east_only->regions.size(); ++i) {
    for (const auto& path : east_only->regions[i].suppressed_cells()) {
      if (path.rfind("bands[", 0) == 0 || path.rfind("typology[", 0) == 0) {
        EXPECT_TRUE(assessment::IsSuppressed(merged->regions[i], path)) << path;
      }
    }
  }
}

TEST(RegionalAggregatorTest, ComparesTwoCycles) {
  ahpl::testing::TestServer server("assessment");
  AssessmentClient client(Options(&server));
  // Five London trusts: fewer would make London (and England) too small
  // to show anything.
  const char* const trusts[] = {"RF4", "RAL", "R1H", "R1K", "RAN"};
  auto first = Items(0, 5, trusts, 5);
  auto second = Items(5, 13, trusts, 5);
  for (auto& item : second) item.mutable_assessment_return()->set_cycle("2019-20");
  ASSERT_TRUE(client.Import(first).ok());
  ASSERT_TRUE(client.Import(second).ok());
  RegionalAggregator aggregator(Options(nullptr), {server.address()});
  auto comparison = aggregator.Compare("2018-19", "2019-20");
  ASSERT_TRUE(comparison.ok()) << comparison.status();
  auto before = aggregator.Summarize("2018-19");
  auto after = aggregator.Summarize("2019-20");
  ASSERT_TRUE(before.ok() && after.ok());
  // Each difference is the later figure minus the earlier where both show,
  // and hidden where either cycle hides it.
  auto check = [](const v1::ReturnSummary& d, const v1::ReturnSummary& a,
                  const v1::ReturnSummary& b) {
    const bool hidden =
        assessment::IsSuppressed(a, "returns") || assessment::IsSuppressed(b, "returns");
    EXPECT_EQ(assessment::IsSuppressed(d, "returns"), hidden) << d.region_code();
    if (!hidden) {
      EXPECT_EQ(d.returns(), b.returns() - a.returns()) << d.region_code();
    }
    for (const auto& c : d.bands()) {
      bool either = false;
      int64_t value = 0;
      for (const auto& x : a.bands()) {
        if (x.key() == c.key()) {
          either |= x.suppressed();
          value -= x.count();
        }
      }
      for (const auto& x : b.bands()) {
        if (x.key() == c.key()) {
          either |= x.suppressed();
          value += x.count();
        }
      }
      EXPECT_EQ(c.suppressed(), either) << d.region_code() << " " << c.key();
      if (!either) {
        EXPECT_EQ(c.count(), value) << d.region_code() << " " << c.key();
      }
    }
  };
  check(comparison->national, before->national, after->national);
  ASSERT_EQ(comparison->regions.size(), after->regions.size());
  for (size_t i = 0; i < comparison->regions.size(); ++i) {
    check(comparison->regions[i], before->regions[i], after->regions[i]);
  }
  int hidden = 0;
  for (const auto& c : comparison->national.bands()) hidden += c.suppressed() ? 1 : 0;
  EXPECT_GT(hidden, 0) << "every band holds one or two returns in 2018-19";
}

TEST(RegionalAggregatorTest, AnUnreachableEndpointIsNamed) {
  RegionalAggregator aggregator(
      [] {
        ClientOptions o;
        o.max_attempts = 1;
        o.deadline = absl::Seconds(1);
        return o;
      }(),
      {"127.0.0.1:1"});
  auto result = aggregator.Summarize("2018-19");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("127.0.0.1:1"), absl::string_view::npos);
}

// `trusts`' 2018-19 returns, submitted at `server` (request ids from `tag`).
void StoreReturns(ahpl::testing::TestServer& server, const std::vector<std::string>& trusts,
                  const std::string& tag) {
  std::vector<v1::ImportItem> items;
  for (const auto& trust : trusts) {
    v1::ImportItem item;
    item.set_request_id(tag + "-" + trust);
    item.set_submit(true);
    *item.mutable_assessment_return() = CompleteReturn(trust);
    items.push_back(std::move(item));
  }
  auto report = AssessmentClient(Options(&server)).Import(items);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->accepted, static_cast<int64_t>(trusts.size()));
}

TEST(RegionalAggregatorTest, EveryServerOverOneDatabaseIsOneDeployment) {
  ahpl::testing::TestServer server("assessment"), other("assessment");
  // A second server over the first one's database: a replica.
  HostOptions options = DefaultHostOptions(server.database().url());
  options.listen_address = "127.0.0.1:0";
  auto replica = ServiceHost::Start(std::move(options), *SelectServices("assessment"));
  ASSERT_TRUE(replica.ok()) << replica.status();
  const std::string replica_address = absl::StrCat("127.0.0.1:", (*replica)->port());
  ClientOptions at_replica = Options(&server);
  at_replica.target = replica_address;

  auto id = AssessmentClient(Options(&server)).DeploymentId();
  auto same = AssessmentClient(at_replica).DeploymentId();
  auto different = AssessmentClient(Options(&other)).DeploymentId();
  ASSERT_TRUE(id.ok() && same.ok() && different.ok()) << id.status();
  EXPECT_EQ(id->size(), 36u) << *id;
  EXPECT_EQ(*id, *same);
  EXPECT_NE(*id, *different);

  StoreReturns(server, {"RF4"}, "one");
  RegionalAggregator twice(Options(nullptr), {server.address(), replica_address});
  auto refused = twice.Summarize("2018-19");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(),
            absl::StrCat(server.address(), " and ", replica_address, " are one deployment (", *id,
                         "): its returns would be counted twice; name each deployment once"));
  EXPECT_FALSE(twice.Compare("2017-18", "2018-19").ok());
  (*replica)->Shutdown();
}

TEST(RegionalAggregatorTest, RefusesTrustsWithCountedReturnsAtTwoDeployments) {
  ahpl::testing::TestServer east("assessment"), west("assessment");
  StoreReturns(east, {"RX3", "RF4"}, "east");
  StoreReturns(west, {"RAL"}, "west");
  // A draft of RX3 at the west deployment counts nowhere: no overlap.
  ASSERT_TRUE(AssessmentClient(Options(&west))
                  .Import([] {
                    v1::ImportItem draft;
                    draft.set_request_id("west-draft-RX3");
                    *draft.mutable_assessment_return() = CompleteReturn("RX3");
                    return std::vector<v1::ImportItem>{draft};
                  }())
                  .ok());
  RegionalAggregator split(Options(nullptr), {east.address(), west.address()});
  for (auto basis : {v1::SUMMARY_BASIS_PER_TRUST, v1::SUMMARY_BASIS_PER_RETURN}) {
    auto merged = split.Summarize("2018-19", 1, basis);
    EXPECT_TRUE(merged.ok()) << merged.status();
  }

  // RF4's returns at both: refused, per trust and per return, naming it and
  // where it is; other cycles are not affected.
  StoreReturns(west, {"RF4"}, "west");
  for (auto basis : {v1::SUMMARY_BASIS_PER_TRUST, v1::SUMMARY_BASIS_PER_RETURN}) {
    auto refused = split.Summarize("2018-19", 1, basis);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(refused.status().message(),
              absl::StrCat("cycle 2018-19: returns of 1 trust are held by more than one endpoint "
                           "and would be counted twice: RF4 (",
                           east.address(), " and ", west.address(),
                           "); each trust's returns must be in one deployment"));
  }
  EXPECT_TRUE(split.Summarize("2019-20").ok());

  // Many overlapping trusts: the first few are named, the rest counted.
  const std::vector<std::string> many = {"R0A", "R0B", "R0D", "R1F", "R1H", "R1K",
                                         "RA2", "RA7", "RA9", "RAE", "RAJ"};
  StoreReturns(east, many, "east-many");
  StoreReturns(west, many, "west-many");
  auto refused = split.Summarize("2018-19");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("returns of 12 trusts"), absl::string_view::npos)
      << refused.status();
  EXPECT_NE(refused.status().message().find(" and 4 more;"), absl::string_view::npos)
      << refused.status();
}

TEST(RegionalAggregatorTest, EachEndpointCallsWithItsOwnToken) {
  ahpl::testing::TestServer east("assessment"), west("assessment");
  StoreReturns(east, {"RX3"}, "east");
  StoreReturns(west, {"RAL"}, "west");
  ClientOptions base;  // no token of its own
  RegionalAggregator each(base,
                          std::vector<Endpoint>{{east.address(), east.Token(v1::ROLE_NATIONAL)},
                                                {west.address(), west.Token(v1::ROLE_NATIONAL)}});
  auto merged = each.Summarize("2018-19", 1);
  EXPECT_TRUE(merged.ok()) << merged.status();
  // An endpoint without a token takes the base options'.
  base.token = east.Token(v1::ROLE_NATIONAL);
  RegionalAggregator mixed(
      base,
      std::vector<Endpoint>{{east.address(), ""}, {west.address(), west.Token(v1::ROLE_NATIONAL)}});
  EXPECT_TRUE(mixed.Summarize("2018-19", 1).ok());
  // One token for both: the west deployment does not know the east's.
  RegionalAggregator one(base, {east.address(), west.address()});
  auto refused = one.Summarize("2018-19", 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message().rfind(west.address() + ": ", 0), 0u) << refused.status();
}

}  // namespace
}  // namespace ahpl::sdk

namespace ahpl::sdk {
namespace {

// A season like the 2018 survey's: 124 returns from 95 trusts.
TEST(SurveyLikeAggregationTest, ResponseRateAndDistributionsMatchTheGeneratedTruth) {
  ahpl::testing::TestServer server("all");
  CatalogueClient catalogue(Options(&server));
  auto trusts = catalogue.ListTrusts();
  ASSERT_TRUE(trusts.ok());
  ASSERT_GE(trusts->size(), 95u);
  std::vector<v1::ImportItem> items;
  std::map<std::string, int64_t> bands, typology_expected_no_post;
  for (int i = 0; i < 124; ++i) {
    // Trusts 0..94 each answer once; 29 of them answer a second time.
    const std::string trust = (*trusts)[i < 95 ? i : (i - 95) * 3].ods_code();
    auto r = Varied(i, trust);
    v1::ImportItem item;
    item.set_request_id("survey-" + std::to_string(i));
    item.set_submit(true);
    *item.mutable_assessment_return() = r;
    bands[r.arrangement().has_senior_ahp_leader()
              ? v1::Band_Name(r.arrangement().senior_leader().band())
              : "NO_POST"]++;
    items.push_back(std::move(item));
  }
  AssessmentClient client(Options(&server));
  auto report = client.Import(items);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->accepted, 124);

  auto summary = client.Summarize("2018-19", "", 1);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const auto& england = summary->total();
  EXPECT_EQ(england.returns(), 124);
  EXPECT_EQ(england.trusts_responding(), 95);
  EXPECT_EQ(england.trusts_in_register(), static_cast<int64_t>(trusts->size()));
  EXPECT_NEAR(england.response_rate_percent(), 100.0 * 95 / trusts->size(), 1e-9);
  // Against the spec's 233 trusts surveyed the same counts give its 41%.
  EXPECT_EQ(static_cast<int>(100.0 * england.trusts_responding() / 233 + 0.5), 41);
  for (const auto& c : england.bands()) EXPECT_EQ(c.count(), bands[c.key()]) << c.key();
  int64_t typology_total = 0;
  for (const auto& c : england.typology()) typology_total += c.count();
  EXPECT_EQ(typology_total, 124);

  // The same answer whatever threshold the request names at or below the
  // server's: some regional cell is small enough to be hidden.
  auto suppressed = client.Summarize("2018-19", "", 5);
  ASSERT_TRUE(suppressed.ok());
  int hidden = 0;
  for (const auto& r : suppressed->regions()) hidden += r.suppressed_cells_size();
  EXPECT_GT(hidden, 0);
  EXPECT_TRUE(suppressed->total().suppressed_cells().empty())
      << "England's figures are all large here";
}

// The collection 2021-22 (not one of the test servers' own), open from a
// day ago for a month.
v1::Collection OpenSeason() {
  v1::Collection c;
  c.set_cycle("2021-22");
  c.set_edition_id("2018-06");
  const absl::Time now = absl::Now();
  c.mutable_open_time()->set_seconds(absl::ToUnixSeconds(now - absl::Hours(24)));
  c.mutable_close_time()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(24 * 30)));
  return c;
}

// Trusts are split between deployments: one that has returned anywhere is
// not chased, and one that has only started is listed with the progress of
// the deployment where it worked.
TEST(RegionalAggregatorTest, NonRespondersAreTheTrustsThatReturnedNowhere) {
  ahpl::testing::TestServer east("assessment,catalogue"), west("assessment,catalogue");
  for (auto* server : {&east, &west}) {
    auto created = AssessmentClient(Options(server)).CreateCollection(OpenSeason());
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_EQ(created->state(), v1::COLLECTION_STATE_OPEN);
  }
  auto rf4 = CompleteReturn("RF4");
  rf4.set_cycle("2021-22");
  auto ral = CompleteReturn("RAL");
  ral.set_cycle("2021-22");
  // The national team collects them: RF4 submitted at one deployment, a
  // draft of RAL at the other.
  auto item = [](const v1::AssessmentReturn& r, bool submit) {
    v1::ImportItem i;
    i.set_request_id("season-" + r.trust_ods_code());
    i.set_submit(submit);
    *i.mutable_assessment_return() = r;
    return std::vector<v1::ImportItem>{i};
  };
  auto submitted = AssessmentClient(Options(&east)).Import(item(rf4, true));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->accepted, 1);
  auto drafted = AssessmentClient(Options(&west)).Import(item(ral, false));
  ASSERT_TRUE(drafted.ok()) << drafted.status();
  EXPECT_EQ(drafted->accepted, 1);

  RegionalAggregator split(Options(nullptr), {east.address(), west.address()});
  auto merged = split.NonResponders("2021-22", "Y56");
  ASSERT_TRUE(merged.ok()) << merged.status();
  auto alone = AssessmentClient(Options(&west)).ListNonResponders("collections/2021-22", "Y56");
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_EQ(merged->trusts_in_scope(), alone->trusts_in_scope());
  EXPECT_EQ(merged->trusts_returned(), 1) << "RF4, at the east deployment";
  EXPECT_EQ(merged->trusts_size(), alone->trusts_in_scope() - 1);
  EXPECT_EQ(merged->state(), v1::COLLECTION_STATE_OPEN);
  std::map<std::string, v1::NonResponder> by_code;
  for (const auto& t : merged->trusts()) {
    EXPECT_EQ(t.region_code(), "Y56") << t.trust_ods_code();
    EXPECT_FALSE(t.trust_name().empty()) << t.trust_ods_code();
    by_code[t.trust_ods_code()] = t;
  }
  EXPECT_EQ(by_code.count("RF4"), 0u);
  ASSERT_EQ(by_code.count("RAL"), 1u);
  EXPECT_EQ(by_code["RAL"].progress(), v1::RETURN_PROGRESS_DRAFT_ONLY);
  EXPECT_TRUE(by_code["RAL"].has_last_activity_time());
  ASSERT_EQ(by_code.count("RAN"), 1u);
  EXPECT_EQ(by_code["RAN"].progress(), v1::RETURN_PROGRESS_NOTHING_STARTED);
  for (int i = 1; i < merged->trusts_size(); ++i) {
    EXPECT_LT(merged->trusts(i - 1).trust_ods_code(), merged->trusts(i).trust_ods_code());
  }

  // Closing one deployment does not make the merged figures final.
  ASSERT_TRUE(AssessmentClient(Options(&east)).CloseCollection("collections/2021-22", "done").ok());
  auto half_closed = split.NonResponders("2021-22", "Y56");
  ASSERT_TRUE(half_closed.ok()) << half_closed.status();
  EXPECT_EQ(half_closed->state(), v1::COLLECTION_STATE_OPEN);
}

}  // namespace
}  // namespace ahpl::sdk
