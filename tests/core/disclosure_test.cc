#include "core/disclosure.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/summary.h"
#include "tests/support/disclosure_attack.h"
#include "tests/support/linear_recovery.h"

namespace ahpl::assessment {
namespace {

// One submitted return, as the summaries count it.
struct Ret {
  std::string region;
  std::string typology = "TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL";
  std::string band = "BAND_8C";  // or NO_POST
  std::string board = "BOARD_RELATIONSHIP_DIRECT";
  std::string title = "head of ahps";
  std::vector<std::string> findings = {};
  std::vector<std::string> ratings = {"3", "4"};
};

// Exact regional summaries of `returns`; every region in `regions` is in
// the register with 20 trusts, and each return is its own trust.
std::vector<v1::ReturnSummary> Exact(const std::vector<Ret>& returns,
                                     const std::vector<std::string>& regions) {
  std::map<std::string, v1::ReturnSummary> out;
  for (const auto& code : regions) {
    auto& s = out[code];
    s.set_region_code(code);
    s.set_cycle("2018-19");
    s.set_trusts_in_register(20);
  }
  for (const Ret& r : returns) {
    auto& s = out[r.region];
    s.set_returns(s.returns() + 1);
    s.set_trusts_responding(s.trusts_responding() + 1);
    AddCount(*s.mutable_typology(), r.typology, 1);
    AddCount(*s.mutable_bands(), r.band, 1);
    if (r.band != "NO_POST") {
      s.set_returns_with_leader(s.returns_with_leader() + 1);
      AddCount(*s.mutable_board_relationships(), r.board, 1);
      if (r.band == "BAND_8C" || r.band == "BAND_8D" || r.band == "BAND_9") {
        s.set_leaders_at_8c_or_above(s.leaders_at_8c_or_above() + 1);
      }
    }
    if (!r.title.empty()) {
      s.set_returns_with_title(s.returns_with_title() + 1);
      AddCount(*s.mutable_leader_titles(), r.title, 1);
    }
    for (const auto& f : r.findings) AddCount(*s.mutable_findings(), f, 1);
    for (size_t q = 0; q < r.ratings.size(); ++q) {
      const std::string id = "q" + std::to_string(q);
      AddCount(*QuestionRatingsOf(s, id).mutable_ratings(), r.ratings[q], 1);
    }
  }
  std::vector<v1::ReturnSummary> v;
  for (auto& [code, s] : out) v.push_back(s);
  return v;
}

std::vector<Ret> Many(const std::string& region, int n, Ret base = {}) {
  base.region = region;
  return std::vector<Ret>(n, base);
}

std::vector<Ret> Join(std::initializer_list<std::vector<Ret>> parts) {
  std::vector<Ret> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

const v1::Count* Find(const google::protobuf::RepeatedPtrField<v1::Count>& counts,
                      const std::string& key) {
  for (const auto& c : counts) {
    if (c.key() == key) return &c;
  }
  return nullptr;
}

const v1::ReturnSummary& RegionOf(const DisclosedTable& t, const std::string& code) {
  for (const auto& r : t.regions) {
    if (r.region_code() == code) return r;
  }
  ADD_FAILURE() << "no region " << code;
  return t.england;
}

// The hidden cells a linear attack on the whole table recovers (should be
// none), and the cells with a true count from 1 to below - 1 it recovers.
std::set<std::string> Recovered(const std::vector<Ret>& returns,
                                const std::vector<std::string>& regions, const DisclosedTable& t,
                                int below) {
  const auto exact = Exact(returns, regions);
  v1::ReturnSummary england;
  for (const auto& r : exact) MergeInto(england, r);
  std::set<std::string> ratings, titles, findings;
  for (const auto& q : england.questions()) {
    for (const auto& r : q.ratings())
      ratings.insert("questions[" + q.question_id() + "][" + r.key() + "]");
  }
  for (const auto& c : england.findings()) findings.insert(c.key());
  // The reader knows the titles it was shown.
  for (const auto& c : t.england.leader_titles()) titles.insert(c.key());
  for (const auto& r : t.regions) {
    for (const auto& c : r.leader_titles()) titles.insert(c.key());
  }
  ahpl::testing::TrueCells cells;
  for (const auto& r : exact)
    ahpl::testing::AddTrueCells(cells, r.region_code(), r, ratings, titles, findings);
  ahpl::testing::AddTrueCells(cells, "E", england, ratings, titles, findings);
  ahpl::testing::LinearRecovery attack;
  ahpl::testing::AddRelations(attack, cells, regions);
  std::set<std::string> hidden;
  for (const auto& r : t.regions) {
    auto h = ahpl::testing::AddShown(attack, r.region_code(), r);
    hidden.insert(h.begin(), h.end());
  }
  auto h = ahpl::testing::AddShown(attack, "E", t.england);
  hidden.insert(h.begin(), h.end());
  ahpl::testing::AddTitleBounds(attack, t.england, regions);
  std::set<std::string> sensitive = hidden;
  for (const auto& [name, value] : cells) {
    if (value >= 1 && value < below) sensitive.insert(name);
  }
  // Unlisted titles together are a count without a key.
  for (auto it = sensitive.begin(); it != sensitive.end();) {
    it = it->find("leader_titles[]") != std::string::npos ? sensitive.erase(it) : std::next(it);
  }
  for (const auto& r : exact) {
    if (r.returns() >= 1 && r.returns() < below) {
      for (const auto& [name, value] : cells) {
        if (name.rfind(r.region_code() + ".", 0) == 0 && value > 0 &&
            name.find("leader_titles[]") == std::string::npos) {
          sensitive.insert(name);
        }
      }
    }
  }
  std::set<std::string> recovered;
  for (const auto& name : attack.Determined()) {
    if (sensitive.count(name)) recovered.insert(name);
  }
  return recovered;
}

std::string Join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += n + " ";
  return out;
}

const std::vector<std::string> kRegions = {"Y56", "Y58", "Y59", "Y60"};

TEST(DisclosureTest, ThresholdComesFromTheServerAndCanOnlyBeRaised) {
  struct Case {
    int server, requested, effective;
  };
  for (const Case& c : std::vector<Case>{
           {5, 0, 5}, {5, 1, 5}, {5, 2, 5}, {5, 4, 5}, {5, 7, 7}, {1, 0, 2}, {0, 0, 2}}) {
    EXPECT_EQ(EffectiveThreshold(c.server, c.requested), c.effective)
        << c.server << " " << c.requested;
  }
}

TEST(DisclosureTest, PrimarySuppressionHidesOneToFourAndEverythingDerived) {
  Ret senior;
  senior.band = "BAND_9";
  Ret junior;
  junior.band = "BAND_8A";
  const auto returns = Join({Many("Y56", 6), Many("Y56", 2, junior), Many("Y56", 6, senior),
                             Many("Y58", 8), Many("Y58", 7, junior), Many("Y59", 9),
                             Many("Y59", 6, junior), Many("Y60", 6), Many("Y60", 1, junior)});
  const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
  struct Cell {
    std::string region, key;
    bool hidden;
  };
  // 8a is small in Y56 (2) and Y60 (1); 8c (6 in each) hides with them, a
  // two-by-two pattern no row or column undoes; the rest shows.
  for (const Cell& c : std::vector<Cell>{{"Y56", "BAND_8A", true},
                                         {"Y56", "BAND_8C", true},
                                         {"Y56", "BAND_9", false},
                                         {"Y56", "BAND_8D", false},
                                         {"Y60", "BAND_8A", true},
                                         {"Y60", "BAND_8C", true},
                                         {"Y58", "BAND_8A", false},
                                         {"Y58", "BAND_8C", false},
                                         {"Y59", "BAND_8A", false}}) {
    const v1::Count* count = Find(RegionOf(t, c.region).bands(), c.key);
    ASSERT_NE(count, nullptr) << c.region << " " << c.key;
    EXPECT_EQ(count->suppressed(), c.hidden) << c.region << " " << c.key;
    if (c.hidden) {
      EXPECT_EQ(count->count(), 0);
      EXPECT_TRUE(IsSuppressed(RegionOf(t, c.region), "bands[" + c.key + "]"));
    }
  }
  // With 8c hidden, the figures derived from it are too.
  for (const char* region : {"Y56", "Y60"}) {
    const auto& s = RegionOf(t, region);
    EXPECT_TRUE(IsSuppressed(s, "leaders_at_8c_or_above")) << region;
    EXPECT_TRUE(IsSuppressed(s, "share_at_8c_or_above_percent")) << region;
    EXPECT_EQ(s.share_at_8c_or_above_percent(), 0);
  }
  EXPECT_FALSE(IsSuppressed(RegionOf(t, "Y58"), "share_at_8c_or_above_percent"));
  EXPECT_TRUE(t.england.suppressed_cells().empty()) << "England's counts are all large";
  EXPECT_TRUE(Recovered(returns, kRegions, t, 5).empty())
      << Join(Recovered(returns, kRegions, t, 5));
}

TEST(DisclosureTest, EveryKeyOfAFixedDomainIsListedEverywhere) {
  Ret other;
  other.typology = "TYPOLOGY_UNIPROFESSIONAL";
  other.findings = {"LEADER_BELOW_8C"};
  other.ratings = {"1", "2"};
  const auto returns = Join({Many("Y56", 1, other), Many("Y58", 9), Many("Y59", 0)});
  const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
  std::vector<const v1::ReturnSummary*> all = {&t.england};
  for (const auto& r : t.regions) all.push_back(&r);
  for (const auto* s : all) {
    EXPECT_EQ(s->typology_size(), v1::Typology_descriptor()->value_count()) << s->region_code();
    EXPECT_EQ(s->bands_size(), v1::Band_descriptor()->value_count() + 1) << s->region_code();
    EXPECT_EQ(s->board_relationships_size(), v1::BoardRelationship_descriptor()->value_count());
    ASSERT_NE(Find(s->findings(), "LEADER_BELOW_8C"), nullptr) << s->region_code();
    ASSERT_EQ(s->questions_size(), 2);
    EXPECT_EQ(s->questions(0).ratings_size(), 2) << "ratings 1 and 3 of q0";
    for (const auto& c : s->typology()) {
      if (c.suppressed()) {
        EXPECT_EQ(c.count(), 0);
      }
    }
  }
  // The single return of Y56: nothing of it shows, not even its count.
  const auto& y56 = RegionOf(t, "Y56");
  EXPECT_TRUE(IsSuppressed(y56, "returns"));
  EXPECT_TRUE(IsSuppressed(y56, "trusts_responding"));
  EXPECT_TRUE(IsSuppressed(y56, "response_rate_percent"));
  // (A zero shows only where the reader knows it anyway: England's is zero.)
  auto hidden_or_known_zero = [&](const char* list, const v1::Count& c) {
    if (c.suppressed()) return true;
    return c.count() == 0 && !IsSuppressed(t.england, std::string(list) + "[" + c.key() + "]") &&
           Find(std::string(list) == "typology" ? t.england.typology() : t.england.findings(),
                c.key())
                   ->count() == 0;
  };
  for (const auto& c : y56.typology()) EXPECT_TRUE(hidden_or_known_zero("typology", c)) << c.key();
  EXPECT_TRUE(Find(y56.typology(), "TYPOLOGY_UNIPROFESSIONAL")->suppressed());
  for (const auto& c : y56.findings()) EXPECT_TRUE(hidden_or_known_zero("findings", c)) << c.key();
  for (const auto& q : y56.questions()) {
    for (const auto& c : q.ratings()) EXPECT_TRUE(c.suppressed() || c.count() == 0);
  }
  EXPECT_TRUE(Recovered(returns, kRegions, t, 5).empty())
      << Join(Recovered(returns, kRegions, t, 5));
}

TEST(DisclosureTest, KeysOutsideTheEnumsAreListedEverywhereToo) {
  // A key this build's enums lack (a newer server's value, a typing error
  // upstream) held by one region only: every summary lists it, nothing
  // crashes, and the usual rules apply to it.
  Ret odd;
  odd.typology = "TYPOLOGY_FROM_A_LATER_EDITION";
  odd.band = "BAND_FROM_ELSEWHERE";
  odd.board = "BOARD_RELATIONSHIP_INDIRECT";
  const auto returns = Join({Many("Y56", 2, odd), Many("Y56", 7), Many("Y58", 9)});
  const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
  std::vector<const v1::ReturnSummary*> all = {&t.england};
  for (const auto& r : t.regions) all.push_back(&r);
  for (const auto* s : all) {
    ASSERT_NE(Find(s->typology(), odd.typology), nullptr) << s->region_code();
    ASSERT_NE(Find(s->bands(), odd.band), nullptr) << s->region_code();
    ASSERT_NE(Find(s->board_relationships(), odd.board), nullptr) << s->region_code();
  }
  EXPECT_TRUE(Find(RegionOf(t, "Y56").typology(), odd.typology)->suppressed());
  EXPECT_EQ(Find(RegionOf(t, "Y58").typology(), odd.typology)->count(), 0);
  EXPECT_TRUE(Recovered(returns, kRegions, t, 5).empty())
      << Join(Recovered(returns, kRegions, t, 5));
}

TEST(DisclosureTest, ComplementaryCellsKeepRowsAndColumnsFromGivingCellsBack) {
  Ret uni;
  uni.typology = "TYPOLOGY_UNIPROFESSIONAL";
  struct Case {
    std::string name;
    std::vector<Ret> returns;
  };
  for (const Case& c : std::vector<Case>{
           {"one small cell in a row",
            Join({Many("Y56", 9), Many("Y56", 2, uni), Many("Y58", 9), Many("Y58", 6, uni),
                  Many("Y59", 7), Many("Y59", 8, uni)})},
           {"one small cell in a column", Join({Many("Y56", 9), Many("Y56", 3, uni), Many("Y58", 9),
                                                Many("Y59", 9), Many("Y60", 9)})},
           {"one small region",
            Join({Many("Y56", 3), Many("Y58", 9), Many("Y59", 12), Many("Y60", 7, uni)})},
           {"two small regions",
            Join({Many("Y56", 1), Many("Y58", 2, uni), Many("Y59", 12), Many("Y60", 7, uni)})},
           {"small in England", Join({Many("Y56", 9), Many("Y56", 1, uni), Many("Y58", 9),
                                      Many("Y59", 1, uni), Many("Y59", 9)})},
       }) {
    const auto t = DiscloseCycle(Exact(c.returns, kRegions), "2018-19", 5);
    const auto recovered = Recovered(c.returns, kRegions, t, 5);
    EXPECT_TRUE(recovered.empty()) << c.name << ": " << Join(recovered);
    // No relation is left with exactly one hidden cell: every row.
    for (const auto& r : t.regions) {
      int hidden = 0;
      for (const auto& x : r.typology()) hidden += x.suppressed() ? 1 : 0;
      hidden += IsSuppressed(r, "returns") ? 1 : 0;
      EXPECT_NE(hidden, 1) << c.name << " " << r.region_code();
    }
  }
  // England shows a 2 nowhere: the uniprofessional total of "small in
  // England" is 2, hidden with a partner.
  const auto returns = Join(
      {Many("Y56", 9), Many("Y56", 1, uni), Many("Y58", 9), Many("Y59", 1, uni), Many("Y59", 9)});
  const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
  EXPECT_TRUE(Find(t.england.typology(), "TYPOLOGY_UNIPROFESSIONAL")->suppressed());
}

TEST(DisclosureTest, TitlesBelowTheThresholdLeaveNoKey) {
  Ret rare;
  rare.title = "chief allied health professions officer";
  Ret common;
  common.title = "head of therapies";
  const auto returns = Join({Many("Y56", 6, common), Many("Y56", 1, rare), Many("Y58", 6),
                             Many("Y58", 5, common), Many("Y59", 8)});
  const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
  std::vector<const v1::ReturnSummary*> all = {&t.england};
  for (const auto& r : t.regions) all.push_back(&r);
  for (const auto* s : all) {
    EXPECT_EQ(Find(s->leader_titles(), rare.title), nullptr) << s->region_code();
    for (const auto& c : s->leader_titles()) EXPECT_GE(c.count(), 5) << c.key();
    for (const auto& path : s->suppressed_cells())
      EXPECT_EQ(path.find("chief"), std::string::npos) << path;
  }
  EXPECT_TRUE(IsSuppressed(RegionOf(t, "Y56"), "distinct_leader_titles"));
  EXPECT_TRUE(Recovered(returns, kRegions, t, 5).empty())
      << Join(Recovered(returns, kRegions, t, 5));
}

TEST(DisclosureTest, PatternIsNestedAcrossThresholdsAndStable) {
  Ret uni;
  uni.typology = "TYPOLOGY_UNIPROFESSIONAL";
  uni.band = "BAND_8D";
  const auto returns = Join({Many("Y56", 5), Many("Y56", 6, uni), Many("Y58", 2),
                             Many("Y59", 7, uni), Many("Y59", 5), Many("Y60", 3, uni)});
  const auto exact = Exact(returns, kRegions);
  const auto low = DiscloseCycle(exact, "2018-19", 5, 1);
  const auto same = DiscloseCycle(exact, "2018-19", 5, 0);
  const auto high = DiscloseCycle(exact, "2018-19", 5, 7);
  for (size_t i = 0; i < low.regions.size(); ++i) {
    EXPECT_EQ(low.regions[i].DebugString(), same.regions[i].DebugString())
        << "asking for 1 is asking for the server's 5";
    for (const auto& path : low.regions[i].suppressed_cells()) {
      EXPECT_TRUE(IsSuppressed(high.regions[i], path)) << path << " hidden at 5, not at 7";
    }
  }
  EXPECT_EQ(high.england.suppress_below(), 7);
  // Controlling a controlled table again changes nothing.
  DisclosedTable again = low;
  ControlDisclosure(again, 5);
  for (size_t i = 0; i < low.regions.size(); ++i) {
    EXPECT_EQ(again.regions[i].DebugString(), low.regions[i].DebugString());
  }
  EXPECT_EQ(again.england.DebugString(), low.england.DebugString());
  EXPECT_TRUE(Recovered(returns, kRegions, high, 7).empty())
      << Join(Recovered(returns, kRegions, high, 7));
}

TEST(DisclosureTest, RandomTablesGiveNothingBack) {
  std::mt19937 random(20181);
  const std::vector<std::string> typologies = {"TYPOLOGY_UNIPROFESSIONAL",
                                               "TYPOLOGY_PARTIAL_MULTIPROFESSIONAL",
                                               "TYPOLOGY_STRATEGIC_OVERARCHING_MULTIPROFESSIONAL"};
  const std::vector<std::string> bands = {"NO_POST", "BAND_8A", "BAND_8C", "BAND_9"};
  const std::vector<std::string> titles = {"", "head of ahps", "ahp lead", "therapies director"};
  for (int round = 0; round < 12; ++round) {
    std::vector<Ret> returns;
    for (const auto& region : kRegions) {
      const int n = std::uniform_int_distribution<int>(0, 14)(random);
      for (int i = 0; i < n; ++i) {
        Ret r;
        r.region = region;
        r.typology = typologies[random() % typologies.size()];
        r.band = bands[random() % bands.size()];
        r.title = titles[random() % titles.size()];
        r.ratings = {std::to_string(1 + random() % 4), std::to_string(1 + random() % 4)};
        if (random() % 3 == 0) r.findings = {"LEADER_BELOW_8C"};
        returns.push_back(r);
      }
    }
    const auto t = DiscloseCycle(Exact(returns, kRegions), "2018-19", 5);
    const auto recovered = Recovered(returns, kRegions, t, 5);
    EXPECT_TRUE(recovered.empty()) << "round " << round << ": " << Join(recovered);
  }
}

TEST(DisclosureTest, MergedAnswersOfTwoServersStayControlled) {
  Ret uni;
  uni.typology = "TYPOLOGY_UNIPROFESSIONAL";
  const auto a =
      DiscloseCycle(Exact(Join({Many("Y56", 9), Many("Y56", 2, uni)}), kRegions), "2018-19", 5);
  const auto b =
      DiscloseCycle(Exact(Join({Many("Y58", 9), Many("Y56", 6, uni)}), kRegions), "2018-19", 5);
  DisclosedTable merged = a;
  for (size_t i = 0; i < merged.regions.size(); ++i)
    MergeControlled(merged.regions[i], b.regions[i]);
  MergeControlled(merged.england, b.england);
  ControlDisclosure(merged, 5);
  const auto& y56 = RegionOf(merged, "Y56");
  EXPECT_TRUE(Find(y56.typology(), "TYPOLOGY_UNIPROFESSIONAL")->suppressed())
      << "hidden on one server, hidden in the sum";
  EXPECT_TRUE(Find(merged.england.typology(), "TYPOLOGY_UNIPROFESSIONAL")->suppressed());
}

TEST(DisclosureTest, DifferenceHidesWhatEitherCycleHides) {
  Ret uni;
  uni.typology = "TYPOLOGY_UNIPROFESSIONAL";
  const auto a = DiscloseCycle(
      Exact(Join({Many("Y56", 9), Many("Y56", 2, uni), Many("Y58", 9), Many("Y58", 6, uni)}),
            kRegions),
      "2018-19", 5);
  const auto b = DiscloseCycle(
      Exact(Join({Many("Y56", 12), Many("Y56", 7, uni), Many("Y58", 3)}), kRegions), "2019-20", 5);
  for (size_t i = 0; i < a.regions.size(); ++i) {
    const auto d = Difference(a.regions[i], b.regions[i]);
    for (const auto& c : d.typology()) {
      const bool hidden = Find(a.regions[i].typology(), c.key())->suppressed() ||
                          Find(b.regions[i].typology(), c.key())->suppressed();
      EXPECT_EQ(c.suppressed(), hidden) << a.regions[i].region_code() << " " << c.key();
      if (hidden) {
        EXPECT_EQ(c.count(), 0);
      }
    }
    for (const char* path : {"returns", "trusts_responding", "response_rate_percent"}) {
      EXPECT_EQ(IsSuppressed(d, path),
                IsSuppressed(a.regions[i], path) || IsSuppressed(b.regions[i], path))
          << path;
    }
  }
  const auto& y58 = RegionOf(b, "Y58");
  EXPECT_TRUE(IsSuppressed(y58, "returns")) << "3 returns in 2019-20";
  EXPECT_TRUE(IsSuppressed(Difference(RegionOf(a, "Y58"), y58), "returns"));
}

}  // namespace
}  // namespace ahpl::assessment
