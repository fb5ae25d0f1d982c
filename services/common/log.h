// Leveled logging, one line per event in text or JSON, safe from any thread
// and cheap enough for a line per call: lines are queued and written by a
// background thread (Abseil 20220623 has no absl/log).
#ifndef AHPL_SERVICES_COMMON_LOG_H_
#define AHPL_SERVICES_COMMON_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ahpl {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// How each line is written: `2026-12-03T19:20:38.123Z INFO message key=value`
// or one JSON object a line ({"time":...,"level":"info","msg":...,"key":...}).
enum class LogFormat { kText, kJson };

// Events below `level` are dropped. Defaults to kInfo.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
// Defaults to kText. Set once at start, before other threads log.
void SetLogFormat(LogFormat format);
// "text" or "json"; false for anything else.
bool ParseLogFormat(absl::string_view word, LogFormat* format);

// A named value of a structured line. Numbers are written bare in JSON;
// text is quoted (and, in text format, quoted when it holds a space, quote
// or control character).
struct LogField {
  LogField(absl::string_view k, absl::string_view v) : key(k), value(v) {}
  LogField(absl::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(absl::string_view k, const char* v) : key(k), value(v) {}
  LogField(absl::string_view k, int64_t v) : key(k), value(absl::StrCat(v)), number(true) {}
  LogField(absl::string_view k, int v) : key(k), value(absl::StrCat(v)), number(true) {}
  LogField(absl::string_view k, double v) : key(k), value(absl::StrCat(v)), number(true) {}

  absl::string_view key;
  std::string value;
  bool number = false;
};

// Writes one event: `message` and then `fields`, in the format set.
void LogEvent(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields);
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

// Writes every line queued so far before returning (the background thread
// writes within 50 ms, and at once for warnings and errors).
void FlushLogs();

// Where written lines go: standard error by default. `output` receives
// whole lines, in order, from one thread at a time; nullptr restores
// standard error. For tests.
void SetLogOutput(std::function<void(absl::string_view lines)> output);

// Lines dropped because more than 8 MiB were waiting to be written (a
// stalled standard error); they are counted, never waited for.
int64_t DroppedLogLines();

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

// Sends gRPC's own log lines (gpr_log) through LogLine in the same format,
// at most ten a minute for the same reason. Call once at start.
void RouteGrpcLogs();

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_LOG_H_
