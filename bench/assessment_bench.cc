// Assessment storage throughput, each printed beside its PostgreSQL
// baseline from the same run:
//   - SubmitReturn at 16 calls in flight vs pgbench's single-row INSERT at 16
//     clients (target: at least half);
//   - the streaming import vs a raw COPY of the same returns into the same
//     tables (target: at least half).
// fsync and synchronous_commit stay on. Needs AHPL_TEST_DATABASE_URL
// (bench/run.sh starts a throwaway PostgreSQL).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <string>

#include <pqxx/pqxx>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "bench/load.h"
#include "bench/rate_reporter.h"
#include "core/return_rules.h"
#include "services/assessment/assessment_store.h"
#include "services/catalogue/catalogue_seed.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_server.h"

namespace ahpl::bench {
namespace {

constexpr int kInFlight = 16;
constexpr int kSubmits = 6000;
constexpr int kImported = 100000;
constexpr int kChunk = 1000;

testing::TestServer& Server() {
  // As many connections as pgbench's clients, for a like-for-like rate.
  static auto* server = new testing::TestServer("assessment", kInFlight);
  return *server;
}

// Returns come from every trust in the register, as a season's would.
const std::vector<std::string>& Trusts() {
  static const auto* trusts = [] {
    auto records = catalogue::ShippedTrustRegister();
    auto* codes = new std::vector<std::string>();
    for (const auto& r : *records) codes->push_back(r.ods_code);
    return codes;
  }();
  return *trusts;
}

// "Bearer <token>" of each trust's own trust token (made before any clock
// starts): each return is written by its trust, as in production.
const std::map<std::string, std::string>& TrustAuthorization() {
  static const auto* headers = [] {
    auto* out = new std::map<std::string, std::string>();
    for (const auto& code : Trusts()) {
      (*out)[code] = "Bearer " + Server().Token(v1::ROLE_TRUST, code);
    }
    return out;
  }();
  return *headers;
}

v1::AssessmentReturn NthReturn(int i) {
  return assessment::testing::CompleteReturn(Trusts()[i % Trusts().size()],
                                             i % 2 ? "2018-19" : "2019-20");
}

void BM_SubmitReturn(benchmark::State& state) {
  // Tokens go on each call, so the channel carries none.
  auto stub = v1::AssessmentService::NewStub(
      grpc::CreateChannel(Server().address(), grpc::InsecureChannelCredentials()));
  const auto& authorization = TrustAuthorization();
  // Drafts to submit, created before the clock starts.
  std::vector<v1::AssessmentReturn> drafts(kSubmits);
  RunClosedLoop(kInFlight, kSubmits, [&](auto done) {
    static std::atomic<int> next{0};
    const int i = next++;
    auto* context = new grpc::ClientContext();
    auto* request = new v1::CreateReturnRequest();
    auto* response = new v1::CreateReturnResponse();
    request->set_request_id("bench-create-" + std::to_string(i));
    *request->mutable_assessment_return() = NthReturn(i);
    context->AddMetadata("authorization",
                         authorization.at(request->assessment_return().trust_ods_code()));
    stub->async()->CreateReturn(context, request, response, [=, &drafts](grpc::Status s) {
      drafts[i] = response->assessment_return();
      delete context;
      delete request;
      delete response;
      done(s.ok());
    });
  });
  for (auto _ : state) {
    std::atomic<int> next{0};
    const int64_t failures = RunClosedLoop(kInFlight, kSubmits, [&](auto done) {
      const int i = next++;
      auto* context = new grpc::ClientContext();
      auto* request = new v1::SubmitReturnRequest();
      auto* response = new v1::SubmitReturnResponse();
      request->set_request_id("bench-submit-" + std::to_string(i));
      context->AddMetadata("authorization", authorization.at(drafts[i].trust_ods_code()));
      request->set_name(drafts[i].name());
      request->set_etag(drafts[i].etag());
      stub->async()->SubmitReturn(context, request, response, [=](grpc::Status s) {
        delete context;
        delete request;
        delete response;
        done(s.ok());
      });
    });
    if (failures > 0) state.SkipWithError("submits failed");
  }
  state.SetItemsProcessed(kSubmits);
}

void BM_CreateSubmitted(benchmark::State& state) {
  // Tokens go on each call, so the channel carries none.
  auto stub = v1::AssessmentService::NewStub(
      grpc::CreateChannel(Server().address(), grpc::InsecureChannelCredentials()));
  const auto& authorization = TrustAuthorization();
  for (auto _ : state) {
    std::atomic<int> next{0};
    const int64_t failures = RunClosedLoop(kInFlight, kSubmits, [&](auto done) {
      const int i = next++;
      auto* context = new grpc::ClientContext();
      auto* request = new v1::CreateReturnRequest();
      auto* response = new v1::CreateReturnResponse();
      request->set_request_id("bench-one-call-" + std::to_string(i));
      request->set_submit(true);
      *request->mutable_assessment_return() = NthReturn(i);
      context->AddMetadata("authorization",
                           authorization.at(request->assessment_return().trust_ods_code()));
      stub->async()->CreateReturn(context, request, response, [=](grpc::Status s) {
        delete context;
        delete request;
        delete response;
        done(s.ok());
      });
    });
    if (failures > 0) state.SkipWithError("creates failed");
  }
  state.SetItemsProcessed(kSubmits);
}

void BM_ImportReturns(benchmark::State& state) {
  auto stub = v1::AssessmentService::NewStub(Server().channel());
  std::vector<v1::ImportReturnsRequest> chunks(kImported / kChunk);
  for (int c = 0; c < static_cast<int>(chunks.size()); ++c) {
    for (int i = 0; i < kChunk; ++i) {
      auto* item = chunks[c].add_items();
      const int n = c * kChunk + i;
      item->set_request_id("bench-import-" + std::to_string(n));
      item->set_submit(true);
      *item->mutable_assessment_return() = NthReturn(n);
    }
  }
  for (auto _ : state) {
    grpc::ClientContext context;
    auto stream = stub->ImportReturns(&context);
    std::thread writer([&] {
      for (const auto& chunk : chunks) {
        if (!stream->Write(chunk)) break;
      }
      stream->WritesDone();
    });
    v1::ImportReturnsResponse response;
    int64_t accepted = 0;
    while (stream->Read(&response)) accepted = response.accepted_count();
    writer.join();
    if (!stream->Finish().ok() || accepted != kImported) state.SkipWithError("import failed");
  }
  state.SetItemsProcessed(kImported);
}

BENCHMARK(BM_SubmitReturn)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CreateSubmitted)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImportReturns)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// pgbench's single-row INSERT rate at `clients`, on the same server.
double PgbenchInsertRate(int clients) {
  {
    pqxx::connection conn(Server().database().url());
    pqxx::work tx(conn);
    tx.exec("CREATE TABLE IF NOT EXISTS pgbench_insert (id bigserial PRIMARY KEY, v int)");
    tx.commit();
  }
  const std::string script = "/tmp/ahpl-pgbench-insert.sql";
  std::FILE* f = std::fopen(script.c_str(), "w");
  std::fputs("INSERT INTO pgbench_insert (v) VALUES (1);\n", f);
  std::fclose(f);
  std::string bindir;
  if (std::FILE* p = popen("pg_config --bindir", "r")) {
    char buf[512];
    if (std::fgets(buf, sizeof buf, p) != nullptr) bindir = buf;
    pclose(p);
  }
  while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == ' ')) bindir.pop_back();
  const std::string command = bindir + "/pgbench -n -c " + std::to_string(clients) +
                              " -j 2 -T 5 -f " + script + " '" + Server().database().url() +
                              "' 2>&1";
  std::string out;
  if (std::FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    pclose(p);
  }
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(tps = ([0-9.]+))"))) return std::stod(m[1]);
  std::fprintf(stderr, "pgbench did not report a rate:\n%s\n", out.c_str());
  return 0;
}

// A raw COPY of `n` submitted returns into the same tables, as the import
// would store them (contents prepared beforehand); rows per second.
double RawCopyRate(int n) {
  std::vector<std::string> ids, contents, etags;
  for (int i = 0; i < n; ++i) {
    ids.push_back(assessment::NewUuid());
    etags.push_back(assessment::Etag(ids.back(), 1));
    contents.push_back("\\x" + [&] {
      std::string bytes;
      NthReturn(i).SerializeToString(&bytes);
      static const char* hex = "0123456789abcdef";
      std::string out;
      for (unsigned char c : bytes) {
        out += hex[c >> 4];
        out += hex[c & 15];
      }
      return out;
    }());
  }
  pqxx::connection conn(Server().database().url());
  const auto start = std::chrono::steady_clock::now();
  pqxx::work tx(conn);
  const int64_t first =
      tx.exec_params1("SELECT setval('returns_seq_seq', nextval('returns_seq_seq') + $1)", n)[0]
          .as<int64_t>() -
      n;
  {
    pqxx::stream_to returns(
        tx, "returns",
        std::vector<std::string>{"seq", "id", "trust_ods_code", "cycle", "edition_id", "status",
                                 "current_version", "etag", "typology", "ruleset_version",
                                 "ratings", "submit_time"});
    for (int i = 0; i < n; ++i) {
      returns << std::make_tuple(first + i, ids[i], Trusts()[i % Trusts().size()],
                                 i % 2 ? "2018-19" : "2019-20", "2018-06", 2, 1, etags[i], 5,
                                 "2018-06.1", "{1,2,3,4,1,2,3,4,1,2,3,4}", "now");
    }
    returns.complete();
  }
  {
    pqxx::stream_to versions(
        tx, "return_versions",
        std::vector<std::string>{"return_seq", "version", "status", "etag", "content", "request_id",
                                 "request_digest", "written_by"});
    for (int i = 0; i < n; ++i) {
      versions << std::make_tuple(first + i, 1, 2, etags[i], contents[i],
                                  "bench-copy-" + std::to_string(i), "digest", "bench");
    }
    versions.complete();
  }
  tx.commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return n / seconds;
}

}  // namespace
}  // namespace ahpl::bench

int main(int argc, char** argv) {
  ahpl::PrepareServingProcess();  // as ahpl-server does
  benchmark::Initialize(&argc, argv);
  ahpl::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& results = reporter.rates;
  if (results.count("BM_SubmitReturn") || results.count("BM_CreateSubmitted")) {
    const double pgbench = ahpl::bench::PgbenchInsertRate(ahpl::bench::kInFlight);
    std::printf("\npgbench single-row INSERT at %d clients: %.0f/s\n", ahpl::bench::kInFlight,
                pgbench);
    for (const char* name : {"BM_CreateSubmitted", "BM_SubmitReturn"}) {
      if (!results.count(name)) continue;
      std::printf("%s at %d in flight: %.0f/s; ratio to pgbench %.2f (target >= 0.50)\n", name,
                  ahpl::bench::kInFlight, results[name],
                  pgbench > 0 ? results[name] / pgbench : 0.0);
    }
  }
  if (results.count("BM_ImportReturns")) {
    const double import = results["BM_ImportReturns"];
    const double copy = ahpl::bench::RawCopyRate(ahpl::bench::kImported);
    std::printf(
        "streaming import: %.0f returns/s; raw COPY of the same returns: %.0f returns/s; "
        "ratio %.2f (target >= 0.50)\n",
        import, copy, copy > 0 ? import / copy : 0.0);
  }
  benchmark::Shutdown();
  return 0;
}
