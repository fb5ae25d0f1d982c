// Exports a million stored returns through the SDK and reports the memory
// the process (client and server together) held at its peak, before and
// after: the export is streamed page by page, so the peak must not grow
// with the number of returns. Needs AHPL_TEST_DATABASE_URL.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <pqxx/pqxx>

#include "ahpl/sdk/assessment_client.h"
#include "tests/assessment/fixtures.h"
#include "tests/support/test_server.h"

namespace {

constexpr int kReturns = 1000000;

// Peak and current resident memory of this process, in MiB.
std::pair<double, double> Memory() {
  std::ifstream status("/proc/self/status");
  std::string line;
  double peak = 0, now = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) peak = std::stod(line.substr(6)) / 1024;
    if (line.rfind("VmRSS:", 0) == 0) now = std::stod(line.substr(6)) / 1024;
  }
  return {peak, now};
}

}  // namespace

int main() {
  ahpl::PrepareServingProcess();  // as ahpl-server does
  ahpl::testing::TestServer server("assessment", 4);
  std::string content;
  ahpl::assessment::testing::CompleteReturn("RF4").SerializeToString(&content);
  const auto start = std::chrono::steady_clock::now();
  {
    pqxx::connection conn(server.database().url());
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO returns (id, trust_ods_code, cycle, edition_id, status, current_version, "
        "etag, typology, ruleset_version, has_senior_leader, band, board_relationship, ratings, "
        "submit_time, content_time) SELECT gen_random_uuid(), 'RF4', '2018-19', '2018-06', 2, 1, "
        "'e', 5, '2018-06.1', true, 5, 4, '{1,2,3,4,1,2,3,4,1,2,3,4}', now(), now() "
        "FROM generate_series(1, $1)",
        kReturns);
    tx.exec_params(
        "INSERT INTO return_versions (return_seq, version, status, etag, content, request_id, "
        "request_digest, written_by) SELECT seq, 1, 2, 'e', $1, 'bench-' || seq, 'd', 'bench' "
        "FROM returns",
        pqxx::binarystring(content));
    tx.commit();
  }
  std::printf("generated %d returns with their versions in %.0f s\n", kReturns,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  const auto before = Memory();
  ahpl::sdk::AssessmentClient client(server.ClientOptionsAs(ahpl::v1::ROLE_NATIONAL));
  int64_t exported = 0;
  size_t bytes = 0;
  const auto export_start = std::chrono::steady_clock::now();
  const absl::Status status =
      client.Export(ahpl::v1::ReturnFilter(), [&](const ahpl::v1::AssessmentReturn& r) {
        ++exported;
        bytes += r.ByteSizeLong();
      });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - export_start).count();
  const auto after = Memory();
  std::printf("exported %lld returns (%.0f MiB of messages) in %.1f s: %.0f returns/s\n",
              static_cast<long long>(exported), bytes / 1048576.0, seconds, exported / seconds);
  std::printf(
      "peak memory of client and server: %.0f MiB before, %.0f MiB after (grew %.0f MiB "
      "while streaming %.0f MiB)\n",
      before.first, after.first, after.first - before.first, bytes / 1048576.0);
  return status.ok() && exported == kReturns ? 0 : 1;
}
