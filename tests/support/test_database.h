// A fresh PostgreSQL database for one test, in the throwaway cluster that
// tests/run.sh starts (AHPL_TEST_DATABASE_URL), dropped when done.
#ifndef AHPL_TESTS_SUPPORT_TEST_DATABASE_H_
#define AHPL_TESTS_SUPPORT_TEST_DATABASE_H_

#include <string>

namespace ahpl::testing {

class TestDatabase {
 public:
  // Creates a database with a unique name; aborts the test binary with a
  // clear message when AHPL_TEST_DATABASE_URL is not set.
  TestDatabase();
  ~TestDatabase();

  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // URL of the maintenance database, for administrative statements.
  const std::string& admin_url() const { return admin_url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// The admin URL from AHPL_TEST_DATABASE_URL.
std::string AdminDatabaseUrl();

// The URL of database `name` on the hot standby of the test cluster that
// tests/run.sh starts (AHPL_TEST_STANDBY_URL, from deploy/local/pg.sh
// standby); aborts the test binary with a clear message when it is not set.
std::string StandbyDatabaseUrl(const std::string& name);

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_TEST_DATABASE_H_
