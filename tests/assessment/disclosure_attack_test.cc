// The adversary, over gRPC with real PostgreSQL: for each role, everything
// it may ask about a cycle (summaries of every region and of all, benchmarks
// of the returns it reads, every threshold it might try), turned into linear
// equations over the cycle's true table; no hidden cell, no small count and
// no key of a rare title may come out.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "core/disclosure.h"
#include "core/summary.h"
#include "services/assessment/assessment_store.h"
#include "services/common/pg_pool.h"
#include "tests/assessment/fixtures.h"
#include "tests/assessment/service_fixture.h"
#include "tests/support/disclosure_attack.h"
#include "tests/support/linear_recovery.h"
#include "tests/support/test_server.h"

namespace ahpl {
namespace {

using ahpl::testing::SetDeadline;
using assessment::testing::AssessmentServiceTest;
using assessment::testing::CompleteReturn;

constexpr int kThreshold = 5;
const std::vector<int> kTries = {0, 1, 2, 4, 5};
const std::vector<std::string> kRegions = {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"};

// One role's view: the equations of everything it was shown.
struct View {
  ahpl::testing::LinearRecovery attack;
  std::set<std::string> hidden;      // unknowns shown as hidden
  std::set<std::string> title_keys;  // every title key shown
  std::vector<v1::ReturnSummary> shown;
  std::vector<std::pair<std::string, v1::ReturnSummary>> summaries;  // who, summary
};

class DisclosureAttackTest : public AssessmentServiceTest {
 protected:
  // A varied return for trust `ods_code`, the i-th of the collection.
  static v1::AssessmentReturn Varied(const std::string& ods_code, int i) {
    auto r = CompleteReturn(ods_code);
    auto* arrangement = r.mutable_arrangement();
    static const v1::Band kBands[] = {v1::BAND_8D, v1::BAND_8C, v1::BAND_8A, v1::BAND_8D,
                                      v1::BAND_9};
    static const v1::BoardRelationship kBoard[] = {
        v1::BOARD_RELATIONSHIP_CLOSE, v1::BOARD_RELATIONSHIP_DIRECT, v1::BOARD_RELATIONSHIP_CLOSE};
    static const char* kTitles[] = {"Director of AHPs", "Head of Therapies", "Director of AHPs"};
    if (i % 6 == 5) {
      arrangement->set_has_senior_ahp_leader(false);
      arrangement->clear_senior_leader();
    } else {
      auto* leader = arrangement->mutable_senior_leader();
      leader->set_band(kBands[i % 5]);
      leader->set_board_relationship(kBoard[i % 3]);
      leader->set_job_title(i == 7 ? "Chief AHP Officer" : kTitles[i % 3]);
    }
    for (int q = 0; q < r.answers_size(); ++q) {
      r.mutable_answers(q)->set_rating(1 + ((i * 7 + q * (i % 3 + 1)) % 4));
    }
    return r;
  }

  void SetUp() override {
    // Y56: 8 returns; Y58: a single one; Y59: 3; Y60: 6; Y61: 7; the rest
    // none. Each return is a different trust.
    const std::map<std::string, std::vector<std::string>> trusts = {
        {"Y56", {"G6V2S", "K0N6A", "R1H", "R1K", "RAL", "RAN", "RAS", "RAT"}},
        {"Y58", {"R0D"}},
        {"Y59", {"R1F", "RA2", "RDR"}},
        {"Y60", {"R1A", "R1D", "RBK", "RFS", "RHA", "RJC"}},
        {"Y61", {"R1L", "RAJ", "RC9", "RCX", "RD8", "RDE", "RGM"}},
    };
    int i = 0;
    for (const auto& [region, codes] : trusts) {
      for (const auto& code : codes) {
        const auto submitted = MustSubmitNew("attack-" + code, Varied(code, i++));
        names_[code] = submitted.name();
        region_of_[code] = region;
      }
    }
    // The true table, from the store.
    auto exact = assessment::testing::ExactSummaries(server_.database().url(), "2018-19");
    ASSERT_TRUE(exact.ok()) << exact.status();
    exact_ = *exact;
    for (const auto& r : exact_) assessment::MergeInto(england_, r);
  }

  // Records what `s` shows as the figures of `who`.
  void See(View& view, const std::string& who, const v1::ReturnSummary& s) {
    auto h = ahpl::testing::AddShown(view.attack, who, s, &view.title_keys);
    view.hidden.insert(h.begin(), h.end());
    view.summaries.emplace_back(who, s);
    EXPECT_EQ(s.suppress_below(), kThreshold) << who;
  }

  void SeeSummaries(View& view, v1::AssessmentService::Stub* stub) {
    for (int below : kTries) {
      for (const std::string& region : std::vector<std::string>{"", "Y56", "Y58", "Y59", "Y60"}) {
        grpc::ClientContext context;
        SetDeadline(context, 30);
        v1::SummarizeReturnsRequest request;
        request.set_cycle("2018-19");
        request.set_region_code(region);
        request.set_suppress_below(below);
        v1::SummarizeReturnsResponse response;
        if (!stub->SummarizeReturns(&context, request, &response).ok()) continue;
        for (const auto& r : response.regions()) See(view, r.region_code(), r);
        // The total is England's, or the one region's.
        const std::string who =
            response.regions_size() == 1 ? response.regions(0).region_code() : "E";
        See(view, who, response.total());
      }
    }
  }

  void SeeBenchmarks(View& view, v1::AssessmentService::Stub* stub,
                     const std::vector<std::string>& trusts) {
    for (int below : kTries) {
      for (const auto& code : trusts) {
        grpc::ClientContext context;
        SetDeadline(context, 30);
        v1::BenchmarkReturnRequest request;
        request.set_name(names_[code]);
        request.set_suppress_below(below);
        v1::BenchmarkReturnResponse response;
        const auto status = stub->BenchmarkReturn(&context, request, &response);
        ASSERT_TRUE(status.ok()) << code << ": " << status.error_message();
        See(view, response.region_code(), response.region());
        See(view, "E", response.england());
      }
    }
  }

  // Fails for every hidden cell, small count or small region's cell the
  // view's equations determine.
  void ExpectNothingRecovered(View& view, const std::string& role) {
    ahpl::testing::TrueCells cells;
    std::set<std::string> ratings, findings;
    for (const auto& q : england_.questions()) {
      for (const auto& r : q.ratings())
        ratings.insert("questions[" + q.question_id() + "][" + r.key() + "]");
    }
    for (const auto& c : england_.findings()) findings.insert(c.key());
    for (const auto& r : exact_)
      ahpl::testing::AddTrueCells(cells, r.region_code(), r, ratings, view.title_keys, findings);
    ahpl::testing::AddTrueCells(cells, "E", england_, ratings, view.title_keys, findings);
    ahpl::testing::AddRelations(view.attack, cells, kRegions);
    for (const auto& [who, s] : view.summaries) {
      if (who == "E") ahpl::testing::AddTitleBounds(view.attack, s, kRegions);
    }
    std::set<std::string> sensitive = view.hidden;
    for (const auto& [name, value] : cells) {
      if (value >= 1 && value < kThreshold) sensitive.insert(name);
    }
    for (const auto& r : exact_) {
      if (r.returns() < 1 || r.returns() >= kThreshold) continue;
      for (const auto& [name, value] : cells) {
        if (name.rfind(r.region_code() + ".", 0) == 0 && value > 0) sensitive.insert(name);
      }
    }
    int recovered = 0;
    for (const auto& name : view.attack.Determined()) {
      if (sensitive.count(name) == 0 || name.find("leader_titles[]") != std::string::npos) {
        continue;
      }
      ++recovered;
      ADD_FAILURE() << role << " recovers " << name << " = " << cells[name];
    }
    EXPECT_EQ(recovered, 0) << role;
    EXPECT_FALSE(view.summaries.empty()) << role << " was shown nothing";
    // No title below the threshold is named anywhere.
    for (const auto& [who, s] : view.summaries) {
      for (const auto& t : s.leader_titles()) {
        EXPECT_GE(t.count(), kThreshold) << role << " " << who << " " << t.key();
      }
      for (const auto& path : s.suppressed_cells()) {
        EXPECT_EQ(path.find("chief"), std::string::npos) << role << " " << path;
      }
    }
    EXPECT_EQ(view.title_keys.count("chief ahp officer"), 0u) << role;
  }

  std::map<std::string, std::string> names_, region_of_;
  std::vector<v1::ReturnSummary> exact_;
  v1::ReturnSummary england_;
};

TEST_F(DisclosureAttackTest, NationalTokenRecoversNothing) {
  View view;
  SeeSummaries(view, stub_.get());
  SeeBenchmarks(view, stub_.get(), {"R0D", "R1F", "G6V2S", "R1A", "R1L"});
  ExpectNothingRecovered(view, "national");
}

TEST_F(DisclosureAttackTest, RegionTokenRecoversNothing) {
  View view;
  auto stub = v1::AssessmentService::NewStub(server_.ChannelAs(v1::ROLE_REGION, "Y59"));
  SeeSummaries(view, stub.get());
  SeeBenchmarks(view, stub.get(), {"R1F", "RA2", "RDR"});
  ExpectNothingRecovered(view, "region Y59");
}

TEST_F(DisclosureAttackTest, TrustTokensRecoverNothingAndCannotLowerTheThreshold) {
  for (const std::string code : {"R0D", "R1F", "RAL"}) {
    View view;
    auto stub = v1::AssessmentService::NewStub(server_.ChannelAs(v1::ROLE_TRUST, code));
    SeeSummaries(view, stub.get());
    SeeBenchmarks(view, stub.get(), {code});
    ExpectNothingRecovered(view, "trust " + code);
    // A trust is shown no other trust's job title, and asking for a lower
    // threshold changes nothing.
    std::string first;
    for (int below : kTries) {
      grpc::ClientContext context;
      SetDeadline(context, 30);
      v1::BenchmarkReturnRequest request;
      request.set_name(names_[code]);
      request.set_suppress_below(below);
      v1::BenchmarkReturnResponse response;
      ASSERT_TRUE(stub->BenchmarkReturn(&context, request, &response).ok());
      EXPECT_TRUE(response.region().leader_titles().empty()) << code;
      EXPECT_TRUE(response.england().leader_titles().empty()) << code;
      response.clear_assessment_return();
      if (first.empty()) first = response.SerializeAsString();
      EXPECT_EQ(response.SerializeAsString(), first) << code << " asking for " << below;
    }
  }
  // The single return of Y58 shows nothing of itself, not even that it is
  // one.
  grpc::ClientContext context;
  SetDeadline(context, 30);
  v1::BenchmarkReturnRequest request;
  request.set_name(names_["R0D"]);
  request.set_suppress_below(1);
  v1::BenchmarkReturnResponse response;
  ASSERT_TRUE(Writer("R0D")->BenchmarkReturn(&context, request, &response).ok());
  EXPECT_TRUE(assessment::IsSuppressed(response.region(), "returns"));
  // (A zero may show where England's is zero too: the reader knows it.)
  for (const auto& c : response.region().typology()) {
    EXPECT_TRUE(c.suppressed() || c.count() == 0) << c.key();
  }
  for (const auto& q : response.region().questions()) {
    for (const auto& c : q.ratings()) {
      EXPECT_TRUE(c.suppressed() || c.count() == 0) << q.question_id();
    }
  }
}

}  // namespace
}  // namespace ahpl
