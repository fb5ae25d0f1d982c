// Minimal leveled logging to stderr, one line per event, safe from any
// thread (Abseil 20220623 has no absl/log).
#ifndef AHPL_SERVICES_COMMON_LOG_H_
#define AHPL_SERVICES_COMMON_LOG_H_

#include <cstdint>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ahpl {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Events below `level` are dropped. Defaults to kInfo.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void Log(LogLevel level, const Args&... args) {
  if (LogEnabled(level)) LogLine(level, absl::StrCat(args...));
}
template <typename... Args>
void LogInfo(const Args&... args) {
  Log(LogLevel::kInfo, args...);
}
template <typename... Args>
void LogWarning(const Args&... args) {
  Log(LogLevel::kWarning, args...);
}
template <typename... Args>
void LogError(const Args&... args) {
  Log(LogLevel::kError, args...);
}

// Keeps a kind of line that callers can provoke from filling the log: at
// most `burst` lines per `window`, and the first line let through after some
// were held back says how many. Thread-safe.
class LogRateLimiter {
 public:
  LogRateLimiter(int burst, absl::Duration window) : burst_(burst), window_(window) {}

  // Whether a line at `now` may be written; if so, `*held_back` is how many
  // were not since the last one written.
  bool Admit(absl::Time now, int64_t* held_back) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const int burst_;
  const absl::Duration window_;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int in_window_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t held_back_ ABSL_GUARDED_BY(mu_) = 0;
};

// Sends protobuf's own log lines through LogLine, at most ten a minute:
// a client can make protobuf log one ERROR per message it sends (invalid
// UTF-8 in a string field), and the answer already names the field. Call
// once at start, before serving (protobuf's handler is not thread-safe to
// set).
void RouteProtobufLogs();

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_LOG_H_
