#include "tests/support/test_certificates.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <gtest/gtest.h>

namespace ahpl::testing {
namespace {

// `s` inside single quotes for the shell.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

TestCertificates::TestCertificates(const std::string& extra_server_names) {
  static std::atomic<int> made{0};
  dir_ =
      ::testing::TempDir() + "/ahpl-tls-" + std::to_string(getpid()) + "-" + std::to_string(made++);
  const std::string script = R"(set -e
rm -rf "$D" && mkdir -p "$D" && cd "$D"
gen() { openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" -keyout "$1.key" -out "$1.pem" 2>/dev/null; }
sign() { openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$2.key" -out "$2.csr" 2>/dev/null
         openssl x509 -req -in "$2.csr" -CA "$1.pem" -CAkey "$1.key" -CAcreateserial -days 2 \
           -extfile <(printf "subjectAltName=DNS:localhost,IP:127.0.0.1%s" "$EXTRA") -out "$2.pem" 2>/dev/null; }
gen ca; gen other-ca
sign ca server; sign ca client; sign other-ca stranger
)";
  const std::string extra = extra_server_names.empty() ? "" : "," + extra_server_names;
  const std::string command =
      "D=" + ShellQuote(dir_) + " EXTRA=" + ShellQuote(extra) + " bash -c " + ShellQuote(script);
  ok_ = std::system(command.c_str()) == 0;
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace ahpl::testing
