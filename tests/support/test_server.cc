#include "tests/support/test_server.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "services/server/hosted_services.h"

namespace ahpl::testing {

TestServer::TestServer(const std::string& services, size_t pool_size) {
  HostOptions options = DefaultHostOptions(database_.url());
  options.listen_address = "127.0.0.1:0";
  options.pool_size = pool_size;
  options.shutdown_grace = absl::Seconds(2);
  options.health_interval = absl::Milliseconds(100);
  auto selected = SelectServices(services);
  auto host = selected.ok() ? ServiceHost::Start(std::move(options), std::move(*selected))
                            : absl::StatusOr<std::unique_ptr<ServiceHost>>(selected.status());
  if (!host.ok()) {
    std::fprintf(stderr, "test server did not start: %s\n", host.status().ToString().c_str());
    std::abort();
  }
  host_ = std::move(*host);
  address_ = absl::StrCat("127.0.0.1:", host_->port());
  channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

TestServer::~TestServer() { host_->Shutdown(); }

int FreePort() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.BuildAndStart()->Shutdown();
  return port;
}

void SetDeadline(grpc::ClientContext& context, int seconds) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

}  // namespace ahpl::testing
