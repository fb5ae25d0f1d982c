// Certificates made for a test by openssl, in a folder of the test
// process's own (ctest runs test cases in parallel).
#ifndef AHPL_TESTS_SUPPORT_TEST_CERTIFICATES_H_
#define AHPL_TESTS_SUPPORT_TEST_CERTIFICATES_H_

#include <string>

namespace ahpl::testing {

// A CA ("ca"), a server certificate signed by it ("server") naming
// localhost, 127.0.0.1 and `extra_server_names` (subjectAltName entries such
// as "IP:192.0.2.2"), a client certificate signed by it ("client"), and a
// second, unrelated CA ("other-ca") with its own client certificate
// ("stranger"). Each is NAME.pem with its key in NAME.key.
class TestCertificates {
 public:
  explicit TestCertificates(const std::string& extra_server_names = "");
  // Removes the folder and everything in it.
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  // Whether openssl made them all.
  bool ok() const { return ok_; }
  // The path of file `name` ("ca.pem", "server.key", ...).
  std::string operator()(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
  bool ok_ = false;
};

}  // namespace ahpl::testing

#endif  // AHPL_TESTS_SUPPORT_TEST_CERTIFICATES_H_
