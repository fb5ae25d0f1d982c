// Assessment storage throughput, each printed beside its PostgreSQL
// baseline from the same run:
//   - SubmitReturn and CreateReturn with submit at 16 calls in flight vs
//     pgbench running the very statements each runs (bench/*.pgbench.sql)
//     at 16 clients on the same database, in interleaved rounds (target: at
//     least 0.7 of it); pgbench's single-row INSERT is printed as a ceiling;
//   - the streaming import vs a raw COPY of the same returns into the same
//     tables (target: at least half).
// fsync and synchronous_commit stay on. Needs AHPL_TEST_DATABASE_URL
// (bench/run.sh starts a throwaway PostgreSQL) and pgbench.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "ahpl/v1/assessment.grpc.pb.h"
#include "bench/load.h"
#include "bench/rate_reporter.h"
#include "core/return_rules.h"
#include "services/assessment/assessment_store.h"
#include "services/catalogue/catalogue_seed.h"
#include "services/common/log.h"
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

std::unique_ptr<v1::AssessmentService::Stub> Stub() {
  // Tokens go on each call, so the channel carries none.
  return v1::AssessmentService::NewStub(
      grpc::CreateChannel(Server().address(), grpc::InsecureChannelCredentials()));
}

// kSubmits drafts created through the server (request ids
// "bench-create-<tag>-<i>"), as a trust would before submitting.
std::vector<v1::AssessmentReturn> CreateDrafts(v1::AssessmentService::Stub& stub,
                                               const std::string& tag) {
  const auto& authorization = TrustAuthorization();
  std::vector<v1::AssessmentReturn> drafts(kSubmits);
  std::atomic<int> next{0};
  const int64_t failures = RunClosedLoop(kInFlight, kSubmits, [&](auto done) {
    const int i = next++;
    auto* context = new grpc::ClientContext();
    auto* request = new v1::CreateReturnRequest();
    auto* response = new v1::CreateReturnResponse();
    request->set_request_id("bench-create-" + tag + "-" + std::to_string(i));
    *request->mutable_assessment_return() = NthReturn(i);
    context->AddMetadata("authorization",
                         authorization.at(request->assessment_return().trust_ods_code()));
    stub.async()->CreateReturn(context, request, response, [=, &drafts](grpc::Status s) {
      drafts[i] = response->assessment_return();
      delete context;
      delete request;
      delete response;
      done(s.ok());
    });
  });
  if (failures > 0) {
    std::fprintf(stderr, "%lld drafts were not created\n", static_cast<long long>(failures));
    std::exit(1);
  }
  return drafts;
}

// Submits `drafts` at kInFlight (request ids "bench-submit-<tag>-<i>");
// returns the failures.
int64_t SubmitDrafts(v1::AssessmentService::Stub& stub,
                     const std::vector<v1::AssessmentReturn>& drafts, const std::string& tag) {
  const auto& authorization = TrustAuthorization();
  std::atomic<int> next{0};
  return RunClosedLoop(kInFlight, static_cast<int64_t>(drafts.size()), [&](auto done) {
    const int i = next++;
    auto* context = new grpc::ClientContext();
    auto* request = new v1::SubmitReturnRequest();
    auto* response = new v1::SubmitReturnResponse();
    request->set_request_id("bench-submit-" + tag + "-" + std::to_string(i));
    context->AddMetadata("authorization", authorization.at(drafts[i].trust_ods_code()));
    request->set_name(drafts[i].name());
    request->set_etag(drafts[i].etag());
    stub.async()->SubmitReturn(context, request, response, [=](grpc::Status s) {
      delete context;
      delete request;
      delete response;
      done(s.ok());
    });
  });
}

// Creates kSubmits submitted returns in one call each at kInFlight (request
// ids "bench-one-call-<tag>-<i>"); returns the failures.
int64_t CreateSubmitted(v1::AssessmentService::Stub& stub, const std::string& tag) {
  const auto& authorization = TrustAuthorization();
  std::atomic<int> next{0};
  return RunClosedLoop(kInFlight, kSubmits, [&](auto done) {
    const int i = next++;
    auto* context = new grpc::ClientContext();
    auto* request = new v1::CreateReturnRequest();
    auto* response = new v1::CreateReturnResponse();
    request->set_request_id("bench-one-call-" + tag + "-" + std::to_string(i));
    request->set_submit(true);
    *request->mutable_assessment_return() = NthReturn(i);
    context->AddMetadata("authorization",
                         authorization.at(request->assessment_return().trust_ods_code()));
    stub.async()->CreateReturn(context, request, response, [=](grpc::Status s) {
      delete context;
      delete request;
      delete response;
      done(s.ok());
    });
  });
}

void BM_SubmitReturn(benchmark::State& state) {
  auto stub = Stub();
  // Drafts to submit, created before the clock starts.
  const auto drafts = CreateDrafts(*stub, "bm");
  for (auto _ : state) {
    if (SubmitDrafts(*stub, drafts, "bm") > 0) state.SkipWithError("submits failed");
  }
  state.SetItemsProcessed(kSubmits);
}

void BM_CreateSubmitted(benchmark::State& state) {
  auto stub = Stub();
  for (auto _ : state) {
    if (CreateSubmitted(*stub, "bm") > 0) state.SkipWithError("creates failed");
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

std::string PgbenchPath() {
  std::string bindir;
  if (std::FILE* p = popen("pg_config --bindir", "r")) {
    char buf[512];
    if (std::fgets(buf, sizeof buf, p) != nullptr) bindir = buf;
    pclose(p);
  }
  while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == ' ')) bindir.pop_back();
  return bindir + "/pgbench";
}

// Runs pgbench on the server's database with `arguments` at kInFlight
// clients and returns its rate (transactions per second, without the
// connection time). Exits the benchmark, printing pgbench's output, when
// pgbench fails, aborts a client or does not complete `transactions`
// (0: any number, for runs by time).
double Pgbench(const std::string& arguments, int64_t transactions = 0) {
  const std::string command = PgbenchPath() + " -n -c " + std::to_string(kInFlight) + " -j 2 " +
                              arguments + " '" + Server().database().url() + "' 2>&1";
  std::string out;
  int status = -1;
  if (std::FILE* p = popen(command.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    status = pclose(p);
  }
  const int exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::smatch processed, failed, tps;
  const bool ok =
      exit_code == 0 &&
      std::regex_search(out, processed, std::regex(R"(actually processed: ([0-9]+)/?([0-9]*))")) &&
      std::regex_search(out, failed, std::regex(R"(number of failed transactions: ([0-9]+))")) &&
      std::regex_search(out, tps, std::regex(R"(tps = ([0-9.]+))")) && failed[1] == "0" &&
      (transactions == 0 || processed[1] == std::to_string(transactions));
  if (!ok) {
    std::fprintf(stderr, "pgbench failed (exit code %d): %s\n%s\n", exit_code, command.c_str(),
                 out.c_str());
    std::exit(1);
  }
  return std::stod(tps[1]);
}

// pgbench's single-row INSERT rate into a table of its own, for 5 seconds:
// a ceiling, not a like-for-like baseline.
double PgbenchInsertRate() {
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
  return Pgbench("-T 5 -f " + script);
}

// What a pgbench script needs that the server has in memory: per
// transaction n, the request (the return's id), and the facts, content and
// etag of the version the server would write, the caller's token name.
constexpr const char* kInputColumns =
    "n int PRIMARY KEY, template_seq bigint NOT NULL, id text NOT NULL, trust text NOT NULL, "
    "cycle text NOT NULL, edition text NOT NULL, typology text NOT NULL, ruleset text NOT NULL, "
    "findings text NOT NULL, has_leader text NOT NULL, band text NOT NULL, "
    "relationship text NOT NULL, title text NOT NULL, ratings text NOT NULL, "
    "attested text NOT NULL, etag text NOT NULL, content text NOT NULL, "
    "request_id text NOT NULL, digest text NOT NULL, written_by text NOT NULL, "
    "change_reason text NOT NULL, audit_detail text NOT NULL";

// Fills `table` (made with kInputColumns) with one row per return the server
// wrote in versions with request ids "<templates>-%" (kSubmits of them):
// the same trusts, cycles, facts and content bytes, with a new id, the etag
// of version `version` and request ids "<requests>-<n>". Values are text in
// the form the server sends them.
void PrepareInputs(pqxx::transaction_base& tx, const std::string& table,
                   const std::string& templates, const std::string& requests, int version) {
  tx.exec("CREATE TABLE IF NOT EXISTS " + table + " (" + kInputColumns + ")");
  // The content is read whole by every lookup: kept in the row, uncompressed.
  tx.exec("ALTER TABLE " + table + " ALTER content SET STORAGE PLAIN");
  tx.exec("TRUNCATE " + table);
  const auto inserted = tx.exec_params(
      "INSERT INTO " + table +
          " SELECT t.n, t.seq, t.new_id, t.trust_ods_code, t.cycle, t.edition_id, "
          "t.typology::text, t.ruleset_version, t.finding_codes::text, "
          "left(t.has_senior_leader::text, 1), t.band::text, t.board_relationship::text, "
          "t.leader_title, t.ratings::text, left(t.attested::text, 1), "
          "substr(encode(sha256(convert_to(t.new_id || '/' || $3, 'UTF8')), 'hex'), 1, 20), "
          "'\\x' || encode(t.content, 'hex'), $2 || '-' || t.n, t.request_digest, t.written_by, "
          "t.change_reason, t.audit_detail "
          "FROM (SELECT row_number() OVER (ORDER BY r.seq) - 1 AS n, "
          "gen_random_uuid()::text AS new_id, r.seq, r.trust_ods_code, r.cycle, r.edition_id, "
          "r.typology, r.ruleset_version, r.finding_codes, r.has_senior_leader, r.band, "
          "r.board_relationship, r.leader_title, r.ratings, r.attested, v.content, "
          "v.request_digest, v.written_by, v.change_reason, v.audit_detail "
          "FROM returns r JOIN return_versions v ON v.return_seq = r.seq "
          "AND v.version = r.current_version WHERE v.request_id LIKE $1 || '-%') t",
      templates, requests, version);
  if (inserted.affected_rows() != kSubmits) {
    std::fprintf(stderr, "found %lld returns written by %s-*, not %d\n",
                 static_cast<long long>(inserted.affected_rows()), templates.c_str(), kSubmits);
    std::exit(1);
  }
  tx.exec("ANALYZE " + table);
}

// For the SubmitReturn script: kSubmits drafts stored as CreateReturn
// stores them (their rows copied from the server's own drafts, whose
// submissions of round `tag` give the submitted content), and the inputs.
void PrepareSubmissions(const std::string& tag) {
  pqxx::connection conn(Server().database().url());
  pqxx::work tx(conn);
  PrepareInputs(tx, "pgbench_submissions", "bench-submit-" + tag, "pgbench-submit-" + tag, 2);
  tx.exec_params(
      "WITH d AS (INSERT INTO returns (id, current_version, status, etag, trust_ods_code, cycle, "
      "edition_id, has_senior_leader, band, board_relationship, leader_title, ratings) "
      "SELECT p.id::uuid, 1, 1, substr(encode(sha256(convert_to(p.id || '/1', 'UTF8')), 'hex'), "
      "1, 20), r.trust_ods_code, r.cycle, r.edition_id, r.has_senior_leader, r.band, "
      "r.board_relationship, r.leader_title, r.ratings "
      "FROM pgbench_submissions p JOIN returns r ON r.seq = p.template_seq ORDER BY p.n "
      "RETURNING seq, id, etag) "
      "INSERT INTO return_versions (return_seq, version, status, etag, content, request_id, "
      "request_digest, written_by) "
      "SELECT d.seq, 1, 1, d.etag, v.content, $1 || '-' || p.n, v.request_digest, v.written_by "
      "FROM d JOIN pgbench_submissions p ON p.id = d.id::text "
      "JOIN return_versions v ON v.return_seq = p.template_seq AND v.version = 1",
      "pgbench-draft-" + tag);
  tx.commit();
}

// For the CreateReturn script: the inputs, from the server's returns
// created submitted in round `tag`.
void PrepareCreations(const std::string& tag) {
  pqxx::connection conn(Server().database().url());
  pqxx::work tx(conn);
  PrepareInputs(tx, "pgbench_creations", "bench-one-call-" + tag, "pgbench-create-" + tag, 1);
  tx.commit();
}

// Exits the benchmark unless kSubmits versions with request ids
// "<requests>-*" were written, submitted, with their audit rows.
void CheckWritten(const std::string& requests) {
  pqxx::connection conn(Server().database().url());
  pqxx::work tx(conn);
  const auto r = tx.exec_params(
      "SELECT count(*), count(*) FILTER (WHERE v.status = 2 AND r.status = 2 "
      "AND r.current_version = v.version), (SELECT count(*) FROM audit_events a "
      "WHERE a.request_id LIKE $1 || '-%' AND a.action = 'return.submitted') "
      "FROM return_versions v JOIN returns r ON r.seq = v.return_seq "
      "WHERE v.request_id LIKE $1 || '-%'",
      requests);
  const int64_t written = r[0][0].as<int64_t>(), submitted = r[0][1].as<int64_t>(),
                audited = r[0][2].as<int64_t>();
  if (written != kSubmits || submitted != kSubmits || audited != kSubmits) {
    std::fprintf(stderr, "%s-*: %lld versions written, %lld submitted, %lld audited; not %d\n",
                 requests.c_str(), static_cast<long long>(written),
                 static_cast<long long>(submitted), static_cast<long long>(audited), kSubmits);
    std::exit(1);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The script `name` in bench/, and its head up to its first \gset (the
// input lookup) as a script of its own, written to /tmp.
struct Script {
  std::string path;
  std::string lookup_path;
};

Script ScriptOf(const std::string& name) {
  Script s{std::string(AHPL_BENCH_DIR) + "/" + name,
           "/tmp/ahpl-" + std::to_string(getpid()) + "-lookup-" + name};
  const std::string text = ReadFile(s.path);
  const size_t gset = text.find("\n\\gset\n");
  if (gset == std::string::npos) {
    std::fprintf(stderr, "%s has no input lookup\n", s.path.c_str());
    std::exit(1);
  }
  std::ofstream(s.lookup_path) << text.substr(0, gset + 7);
  return s;
}

// pgbench running `script` once per prepared input (kSubmits transactions,
// kSubmits / kInFlight per client), prepared statements like the server's.
double PgbenchScriptRate(const std::string& script) {
  static_assert(kSubmits % kInFlight == 0, "each client runs as many transactions");
  const int per_client = kSubmits / kInFlight;
  return Pgbench("-M prepared -t " + std::to_string(per_client) +
                     " -D per_client=" + std::to_string(per_client) + " -D k=0 -f " + script,
                 kSubmits);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// CPU time in seconds, by who used it.
struct Cpu {
  double self = 0;      // this process: the server and its gRPC client
  double children = 0;  // waited-for child processes: pgbench
  double database = 0;  // the PostgreSQL cluster's processes
};

// Fields of /proc/<pid>/stat after the command name (the first is the
// state); empty when it cannot be read.
std::vector<std::string> ProcStat(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  std::getline(in, line);
  const size_t name_end = line.rfind(')');
  std::vector<std::string> fields;
  if (name_end == std::string::npos) return fields;
  std::istringstream rest(line.substr(name_end + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// The postmaster of the server's database cluster (the parent of a backend),
// which must run on this machine.
const std::string& Postmaster() {
  static const auto* pid = [] {
    pqxx::connection conn(Server().database().url());
    const auto backend = pqxx::nontransaction(conn).exec("SELECT pg_backend_pid()")[0][0];
    const auto fields = ProcStat(backend.as<std::string>());
    return new std::string(fields.size() > 1 ? fields[1] : "");
  }();
  return *pid;
}

Cpu CpuNow() {
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  Cpu cpu;
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  cpu.self = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  getrusage(RUSAGE_CHILDREN, &usage);
  cpu.children = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  // The postmaster's own time and its ended children's (backends of closed
  // connections), then its live children's.
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto postmaster = ProcStat(Postmaster());
  if (postmaster.size() > 14) {
    for (int f = 11; f <= 14; ++f) cpu.database += std::stod(postmaster[f]) / tick;
  }
  if (DIR* proc = opendir("/proc")) {
    while (const dirent* entry = readdir(proc)) {
      if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
      const auto fields = ProcStat(entry->d_name);
      if (fields.size() > 12 && fields[1] == Postmaster()) {
        cpu.database += (std::stod(fields[11]) + std::stod(fields[12])) / tick;
      }
    }
    closedir(proc);
  }
  return cpu;
}

// CPU used by `run`, after which the cluster's ended processes have been
// reaped.
template <typename Run>
Cpu CpuOf(Run run) {
  const Cpu before = CpuNow();
  run();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const Cpu after = CpuNow();
  return Cpu{after.self - before.self, after.children - before.children,
             after.database - before.database};
}

// One comparison's rounds: the server's rate, pgbench's running the same
// statements, pgbench's running its input lookup alone, and the CPU each
// side used.
struct Rounds {
  std::vector<double> server, pgbench, lookup, ratios, ratios_without_lookup;
  Cpu server_cpu, pgbench_cpu;  // summed over the rounds

  void Add(int round, const char* what, double s, double p, double l, const Cpu& s_cpu,
           const Cpu& p_cpu) {
    // pgbench's rate without the lookup, estimated as if their costs added
    // up (both are CPU-bound on this machine).
    const double without = 1.0 / (1.0 / p - 1.0 / l);
    server.push_back(s);
    pgbench.push_back(p);
    lookup.push_back(l);
    ratios.push_back(s / p);
    ratios_without_lookup.push_back(s / without);
    server_cpu.self += s_cpu.self;
    server_cpu.database += s_cpu.database;
    pgbench_cpu.children += p_cpu.children;
    pgbench_cpu.database += p_cpu.database;
    std::printf(
        "round %d: %s %.0f/s; pgbench running the same statements %.0f/s (its input lookup "
        "alone %.0f/s); ratio %.2f (%.2f to pgbench without the lookup, about %.0f/s)\n",
        round, what, s, p, l, s / p, s / without, without);
    std::fflush(stdout);
  }

  void Print(const char* what) const {
    std::printf(
        "%s %.0f/s; pgbench running the same statements %.0f/s; ratio %.2f (target >= 0.70); "
        "%.2f to pgbench without its input lookup (medians of %zu rounds)\n",
        what, Median(server), Median(pgbench), Median(ratios), Median(ratios_without_lookup),
        server.size());
    const double per = 1e6 / (static_cast<double>(server.size()) * kSubmits);
    std::printf(
        "  CPU per call: PostgreSQL %.0f us, this process (server and its gRPC client) %.0f us; "
        "per pgbench transaction: PostgreSQL %.0f us, pgbench %.0f us\n",
        server_cpu.database * per, server_cpu.self * per, pgbench_cpu.database * per,
        pgbench_cpu.children * per);
  }
};

// The rate of kSubmits calls made by `run`, which returns its failures; exits
// the benchmark when any failed.
template <typename Run>
double TimedRate(const char* what, Run run) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t failures = run();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures > 0) {
    std::fprintf(stderr, "%s: %lld calls failed\n", what, static_cast<long long>(failures));
    std::exit(1);
  }
  return kSubmits / seconds;
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
                                 "ratings", "submit_time", "content_time"});
    for (int i = 0; i < n; ++i) {
      returns << std::make_tuple(first + i, ids[i], Trusts()[i % Trusts().size()],
                                 i % 2 ? "2018-19" : "2019-20", "2018-06", 2, 1, etags[i], 5,
                                 "2018-06.1", "{1,2,3,4,1,2,3,4,1,2,3,4}", "now", "now");
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

constexpr int kRounds = 5;

// Interleaved rounds of the server and pgbench running the same statements
// on the same database (SubmitReturn of a draft when `submit`, CreateReturn
// with submit when `create`); each measured run starts after a checkpoint.
void CompareWithPgbench(bool submit, bool create) {
  auto stub = Stub();
  const Script submit_script = ScriptOf("submit_return.pgbench.sql");
  const Script create_script = ScriptOf("create_submitted.pgbench.sql");
  pqxx::connection conn(Server().database().url());
  auto checkpoint = [&] { pqxx::nontransaction(conn).exec("CHECKPOINT"); };
  Rounds submits, creates;
  std::printf("\n");
  for (int round = 1; round <= kRounds; ++round) {
    const std::string tag = "r" + std::to_string(round);
    if (submit) {
      const auto drafts = CreateDrafts(*stub, tag);
      checkpoint();
      double server = 0, pgbench = 0;
      const Cpu server_cpu = CpuOf([&] {
        server = TimedRate("SubmitReturn", [&] { return SubmitDrafts(*stub, drafts, tag); });
      });
      PrepareSubmissions(tag);
      checkpoint();
      const Cpu pgbench_cpu = CpuOf([&] { pgbench = PgbenchScriptRate(submit_script.path); });
      CheckWritten("pgbench-submit-" + tag);
      const double lookup = PgbenchScriptRate(submit_script.lookup_path);
      submits.Add(round, "SubmitReturn", server, pgbench, lookup, server_cpu, pgbench_cpu);
    }
    if (create) {
      checkpoint();
      double server = 0, pgbench = 0;
      const Cpu server_cpu = CpuOf([&] {
        server = TimedRate("CreateReturn with submit", [&] { return CreateSubmitted(*stub, tag); });
      });
      PrepareCreations(tag);
      checkpoint();
      const Cpu pgbench_cpu = CpuOf([&] { pgbench = PgbenchScriptRate(create_script.path); });
      CheckWritten("pgbench-create-" + tag);
      const double lookup = PgbenchScriptRate(create_script.lookup_path);
      creates.Add(round, "CreateReturn with submit", server, pgbench, lookup, server_cpu,
                  pgbench_cpu);
    }
  }
  std::remove(submit_script.lookup_path.c_str());
  std::remove(create_script.lookup_path.c_str());
  std::printf("\nAt %d in flight and %d pgbench clients:\n", kInFlight, kInFlight);
  if (submit) submits.Print("SubmitReturn");
  if (create) creates.Print("CreateReturn with submit");
  std::printf("pgbench single-row INSERT into a table of its own (a ceiling): %.0f/s\n",
              PgbenchInsertRate());
}

}  // namespace
}  // namespace ahpl::bench

int main(int argc, char** argv) {
  ahpl::PrepareServingProcess();  // as ahpl-server does
  // The access log goes to a file, as a server's standard error would be
  // kept, rather than to the terminal.
  const std::string log_path = "/tmp/ahpl-assessment-bench-" + std::to_string(getpid()) + ".log";
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ahpl::SetLogOutput([log_fd](absl::string_view lines) {
    if (write(log_fd, lines.data(), lines.size()) < 0) std::perror("bench log");
  });
  benchmark::Initialize(&argc, argv);
  ahpl::bench::RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& results = reporter.rates;
  // The single runs above warm the server up; the comparison is made in
  // interleaved rounds, as one round of either side swings on a shared
  // two-core machine.
  const bool submit = results.count("BM_SubmitReturn") > 0;
  const bool create = results.count("BM_CreateSubmitted") > 0;
  if (submit || create) ahpl::bench::CompareWithPgbench(submit, create);
  if (results.count("BM_ImportReturns")) {
    const double import = results["BM_ImportReturns"];
    const double copy = ahpl::bench::RawCopyRate(ahpl::bench::kImported);
    std::printf(
        "streaming import: %.0f returns/s; raw COPY of the same returns: %.0f returns/s; "
        "ratio %.2f (target >= 0.50)\n",
        import, copy, copy > 0 ? import / copy : 0.0);
  }
  ahpl::FlushLogs();
  close(log_fd);
  std::remove(log_path.c_str());
  benchmark::Shutdown();
  return 0;
}
