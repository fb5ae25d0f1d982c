// What each service takes from the command line of the process hosting it,
// typed: the host passes them through untouched, each service reads its own.
#ifndef AHPL_SERVICES_COMMON_SERVICE_SETTINGS_H_
#define AHPL_SERVICES_COMMON_SERVICE_SETTINGS_H_

#include <string>

namespace ahpl {

// The classification service, and classification in process.
struct ClassificationSettings {
  // A ruleset file (JSON) to classify with; the shipped ruleset when empty.
  std::string ruleset_file;
};

// How the assessment service reaches a classification service running
// apart.
struct RemoteClassificationSettings {
  // host:port of the classification service; classification runs in
  // process when empty.
  std::string target;
  // The secret of a classifier token, sent with every call.
  std::string token;
  // TLS: the CA to trust (plaintext when empty, to loopback only), and the
  // certificate and key to present for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Allows plaintext to a target that is not loopback.
  bool insecure = false;
};

// The assessment service.
struct AssessmentSettings {
  RemoteClassificationSettings classification;
  // Disclosure control threshold for every summary the service answers:
  // counts from 1 to suppress_below - 1 are hidden (docs/disclosure.md). At
  // least 2; callers can raise it per request, never lower it.
  int suppress_below = 5;
};

// Every service's settings.
struct ServiceSettings {
  ClassificationSettings classification;
  AssessmentSettings assessment;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_SERVICE_SETTINGS_H_
