#include "services/common/call_observer.h"

#include <atomic>
#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "core/roles.h"
#include "services/common/log.h"

namespace ahpl {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The caller rides from the authorizer to the interceptor in the call's own
// trailing metadata, under this key, and the interceptor takes it out
// before the trailers are sent: no shared table, nothing reaches the client.
constexpr char kCallerKey[] = "x-ahpl-observed-caller";

bool IsRequestIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

bool IsGoodRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (!IsRequestIdChar(c)) return false;
  }
  return true;
}

// A request id unique to this process run: a random prefix and a count.
std::string NewRequestId() {
  static const uint32_t prefix = [] {
    std::random_device device;
    return static_cast<uint32_t>(device());
  }();
  static std::atomic<uint64_t> next{1};
  return absl::StrFormat("%08x-%x", prefix, next.fetch_add(1, std::memory_order_relaxed));
}

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, const CallObserverOptions& options)
      : info_(info), options_(options), start_(absl::Now()) {
    if (options_.metrics != nullptr) {
      method_ = options_.metrics->ForMethod(info->method());
      options_.metrics->CallStarted(method_);
    }
  }

  ~CallObserver() override {
    // A call torn down without a status sent (the client went away first).
    if (!finished_) Finish(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      if (auto* received = methods->GetRecvInitialMetadata()) {
        auto it = received->find(kRequestIdKey);
        if (it != received->end()) {
          const absl::string_view id(it->second.data(), it->second.size());
          if (IsGoodRequestId(id)) request_id_ = std::string(id);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (auto* trailers = methods->GetSendTrailingMetadata()) {
        auto range = trailers->equal_range(kCallerKey);
        if (range.first != range.second) {
          caller_ = std::prev(range.second)->second;
          trailers->erase(range.first, range.second);
        }
      }
      Finish(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  void Finish(grpc::StatusCode code) {
    finished_ = true;
    const absl::Duration elapsed = absl::Now() - start_;
    if (method_ != nullptr) options_.metrics->CallFinished(method_, code, elapsed);
    if (!options_.access_log || !LogEnabled(LogLevel::kInfo)) return;
    absl::string_view token = "-";
    absl::string_view role = "-";
    if (!caller_.empty()) {
      const size_t space = caller_.find(' ');
      token = absl::string_view(caller_).substr(0, space);
      if (space != std::string::npos) role = absl::string_view(caller_).substr(space + 1);
    }
    const std::string peer =
        info_->server_context() != nullptr ? info_->server_context()->peer() : std::string("-");
    LogEvent(LogLevel::kInfo, "call",
             {{"method", info_->method()},
              {"code", CodeWord(code)},
              {"duration_ms", absl::ToDoubleMilliseconds(elapsed)},
              {"caller", token},
              {"role", role},
              {"request_id", RequestId()},
              {"peer", peer}});
  }

  static const char* CodeWord(grpc::StatusCode code);

  grpc::experimental::ServerRpcInfo* const info_;
  const CallObserverOptions options_;
  const absl::Time start_;
  ServerMetrics::Method* method_ = nullptr;
  std::string request_id_;
  std::string caller_;
  bool finished_ = false;
};

const char* CallObserver::CodeWord(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(CallObserverOptions options) : options_(options) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info, options_);
  }

 private:
  const CallObserverOptions options_;
};

class ObservedAuthorizer final : public Authorizer {
 public:
  ObservedAuthorizer(std::unique_ptr<Authorizer> inner, CallObserverOptions options)
      : inner_(std::move(inner)), options_(options) {}

  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& context,
                                      absl::string_view method) override {
    absl::StatusOr<Principal> caller = inner_->Authorize(context, method);
    Observe(context, TokenCheckSource::kDatabase, caller);
    return caller;
  }

  std::optional<absl::StatusOr<Principal>> AuthorizeFromCache(
      const grpc::ServerContextBase& context, absl::string_view method) override {
    auto decided = inner_->AuthorizeFromCache(context, method);
    if (decided.has_value()) Observe(context, TokenCheckSource::kCache, *decided);
    return decided;
  }

  void Forget(int64_t token_id) override { inner_->Forget(token_id); }

 private:
  void Observe(const grpc::ServerContextBase& context, TokenCheckSource source,
               const absl::StatusOr<Principal>& caller) {
    if (options_.metrics != nullptr)
      options_.metrics->CountTokenCheck(source, caller.status().code());
    if (!options_.access_log || !caller.ok()) return;
    // Every context gRPC hands a handler is a mutable object; the interface
    // takes it const because authorizing does not change the call.
    const_cast<grpc::ServerContextBase&>(context).AddTrailingMetadata(
        kCallerKey, absl::StrCat(caller->name, " ", RoleWord(caller->role)));
  }

  std::unique_ptr<Authorizer> inner_;
  const CallObserverOptions options_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeCallObserverFactory(
    CallObserverOptions options) {
  return std::make_unique<CallObserverFactory>(options);
}

std::unique_ptr<Authorizer> ObserveAuthorizer(std::unique_ptr<Authorizer> inner,
                                              CallObserverOptions options) {
  return std::make_unique<ObservedAuthorizer>(std::move(inner), options);
}

}  // namespace ahpl
