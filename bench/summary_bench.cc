// The national summary over one million stored returns (generated in the
// database, about 4,000 times the real national volume), through the
// SummarizeReturns RPC and as hand-written SQL over the same tables, printed
// side by side. Targets: under 0.5 s, and no slower than 1.2x the SQL.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <pqxx/pqxx>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "bench/rate_reporter.h"
#include "tests/support/test_server.h"

namespace ahpl::bench {
namespace {

constexpr int kReturns = 1000000;

testing::TestServer& Server() {
  static auto* server = [] {
    auto* s = new testing::TestServer("assessment", 8);
    pqxx::connection conn(s->database().url());
    pqxx::work tx(conn);
    // Every trust in the register, five cycles' worth of facts spread
    // deterministically; ratings for the 12 questions of edition 2018-06.
    tx.exec_params(
        "INSERT INTO returns (id, trust_ods_code, cycle, edition_id, status, current_version, "
        "etag, "
        "typology, ruleset_version, finding_codes, has_senior_leader, band, board_relationship, "
        "leader_title, ratings, submit_time, content_time) "
        "SELECT gen_random_uuid(), t.codes[1 + i % array_length(t.codes, 1)], '2018-19', "
        "'2018-06', "
        "2, 1, 'e', 1 + i % 5, '2018-06.1', "
        "CASE WHEN i % 3 = 0 THEN '{LEADER_BELOW_8C,PART_TIME_SENIOR_POST}'::text[] "
        "ELSE '{}'::text[] END, i % 7 <> 0, CASE WHEN i % 7 = 0 THEN 0 ELSE 1 + i % 6 END, "
        "CASE WHEN i % 7 = 0 THEN 0 ELSE 1 + i % 5 END, "
        "(ARRAY['Head of Therapies','head of therapies!','Director of AHPs','AHP Lead'])[1 + i % "
        "4], "
        "ARRAY[1 + i % 4, 1 + (i / 2) % 4, 1 + (i / 3) % 4, 1 + (i / 5) % 4, 1 + (i / 7) % 4, "
        "1 + (i / 11) % 4, 1 + (i / 13) % 4, 1 + (i / 17) % 4, 1 + (i / 19) % 4, 1 + (i / 23) % 4, "
        "1 + (i / 29) % 4, 1 + (i / 31) % 4]::smallint[], now(), "
        "now() - i * interval '1 second' "
        "FROM generate_series(1, $1) AS i, "
        "(SELECT array_agg(ods_code ORDER BY ods_code) AS codes FROM trusts WHERE active) AS t",
        kReturns);
    tx.commit();
    pqxx::nontransaction admin(conn);
    admin.exec("VACUUM ANALYZE returns");
    return s;
  }();
  return *server;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The national summary through the RPC, per return (the default) or, with
// SUMMARY_BASIS_PER_TRUST, each trust's counting return (the most recently
// submitted of its ~5,000 here), aggregated in SQL.
void BM_NationalSummaryRpc(benchmark::State& state, v1::SummaryBasis basis) {
  auto stub = v1::AssessmentService::NewStub(Server().channel());
  for (auto _ : state) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::SummarizeReturnsRequest request;
    request.set_cycle("2018-19");
    request.set_suppress_below(1);
    request.set_basis(basis);
    v1::SummarizeReturnsResponse response;
    const auto status = stub->SummarizeReturns(&context, request, &response);
    const int64_t expected =
        basis == v1::SUMMARY_BASIS_PER_TRUST ? response.total().trusts_responding() : kReturns;
    if (!status.ok() || response.total().returns() != expected) {
      state.SkipWithError("summary failed");
      break;
    }
  }
}

// The same figures as one would write them by hand over the same tables:
// the counts, grouped by region.
void BM_NationalSummaryHandWrittenSql(benchmark::State& state) {
  pqxx::connection conn(Server().database().url());
  for (auto _ : state) {
    pqxx::read_transaction tx(conn);
    tx.exec("SELECT region_code, count(*) FROM trusts WHERE active GROUP BY 1");
    tx.exec(
        "SELECT t.region_code, c.kind, c.key, sum(c.n), "
        "count(DISTINCT c.trust_ods_code) FILTER (WHERE c.n > 0) "
        "FROM return_counts c JOIN trusts t ON t.ods_code = c.trust_ods_code "
        "WHERE c.cycle = '2018-19' GROUP BY 1, 2, 3 HAVING sum(c.n) > 0");
  }
}

// For scale: the same figures computed from the returns themselves.
void BM_NationalSummaryFromReturnsSql(benchmark::State& state) {
  pqxx::connection conn(Server().database().url());
  for (auto _ : state) {
    pqxx::read_transaction tx(conn);
    tx.exec(
        "SELECT t.region_code, f.kind, f.key, count(*) FROM returns r JOIN trusts t ON "
        "t.ods_code = r.trust_ods_code CROSS JOIN LATERAL ahpl_return_facts(r.edition_id, "
        "r.typology, r.has_senior_leader, r.band, r.board_relationship, r.leader_title, "
        "r.finding_codes, "
        "r.ratings) f WHERE r.cycle = '2018-19' AND r.status = 2 GROUP BY 1, 2, 3");
  }
}

BENCHMARK_CAPTURE(BM_NationalSummaryRpc, PerReturn, v1::SUMMARY_BASIS_PER_RETURN)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NationalSummaryRpc, PerTrust, v1::SUMMARY_BASIS_PER_TRUST)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NationalSummaryHandWrittenSql)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NationalSummaryFromReturnsSql)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ahpl::bench

int main(int argc, char** argv) {
  ahpl::PrepareServingProcess();  // as ahpl-server does
  benchmark::Initialize(&argc, argv);
  const auto start = std::chrono::steady_clock::now();
  ahpl::bench::Server();
  std::printf("generated %d returns in %.1f s\n", ahpl::bench::kReturns,
              ahpl::bench::Seconds(std::chrono::steady_clock::now() - start));
  ahpl::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double rpc = reporter.seconds["BM_NationalSummaryRpc/PerReturn"];
  const double sql = reporter.seconds["BM_NationalSummaryHandWrittenSql"];
  std::printf(
      "\nnational summary of %d returns: RPC %.3f s (target < 0.5 s); hand-written SQL "
      "over the same tables %.3f s; ratio %.2f (target <= 1.20); recounting the returns "
      "themselves %.3f s\n",
      ahpl::bench::kReturns, rpc, sql, sql > 0 ? rpc / sql : 0.0,
      reporter.seconds["BM_NationalSummaryFromReturnsSql"]);
  benchmark::Shutdown();
  return 0;
}
