// The global flags of ahpl as parsed (main.cc registers them). Commands do not
// read them directly: RunSettings (run_settings.h) resolves them once.
#ifndef AHPL_SDK_CLI_GLOBAL_OPTIONS_H_
#define AHPL_SDK_CLI_GLOBAL_OPTIONS_H_

#include <string>

namespace ahpl::cli {

struct GlobalOptions {
  std::string server;  // --server, else $AHPL_SERVER, else 127.0.0.1:50051; may list replicas
  std::string format = "table";
  double timeout_seconds = 10;
  std::string ca_file;          // --ca, else $AHPL_CA: use TLS trusting this CA
  std::string cert_file;        // --cert, else $AHPL_CERT: client certificate (mTLS)
  std::string key_file;         // --key, else $AHPL_KEY
  bool insecure = false;        // --insecure, else $AHPL_INSECURE=1: plaintext beyond loopback
  std::string tls_server_name;  // --tls-server-name, else $AHPL_TLS_SERVER_NAME
  std::string token;            // --token, else the token file, else $AHPL_TOKEN
  std::string token_file;       // --token-file, else $AHPL_TOKEN_FILE
};

}  // namespace ahpl::cli

#endif  // AHPL_SDK_CLI_GLOBAL_OPTIONS_H_
