#include "tests/support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"

namespace ahpl::testing {
namespace {

// Replaces the database name (the URL's path) of a postgresql:// URL.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return absl::StrCat(base, "/", db, rest);
}

}  // namespace

std::string AdminDatabaseUrl() {
  const char* url = std::getenv("AHPL_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr,
                 "AHPL_TEST_DATABASE_URL is not set: run the suite with tests/run.sh, which "
                 "starts a throwaway PostgreSQL\n");
    std::abort();
  }
  return WithDatabase(url, "postgres");
}

std::string StandbyDatabaseUrl(const std::string& name) {
  const char* url = std::getenv("AHPL_TEST_STANDBY_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr,
                 "AHPL_TEST_STANDBY_URL is not set: run the suite with tests/run.sh, which "
                 "starts a hot standby of the test cluster (deploy/local/pg.sh standby)\n");
    std::abort();
  }
  return WithDatabase(url, name);
}

TestDatabase::TestDatabase() : admin_url_(AdminDatabaseUrl()) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = absl::StrCat("ahpl_t_", getpid(), "_", counter++, "_", rd() % 100000);
  pqxx::connection conn(admin_url_);
  pqxx::nontransaction tx(conn);
  tx.exec(absl::StrCat("CREATE DATABASE ", tx.quote_name(name_)));
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction tx(conn);
    tx.exec(absl::StrCat("DROP DATABASE IF EXISTS ", tx.quote_name(name_), " WITH (FORCE)"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dropping test database %s: %s\n", name_.c_str(), e.what());
  }
}

}  // namespace ahpl::testing
