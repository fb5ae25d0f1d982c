// Minimal leveled logging to stderr, one line per event, safe from any
// thread (Abseil 20220623 has no absl/log).
#ifndef AHPL_SERVICES_COMMON_LOG_H_
#define AHPL_SERVICES_COMMON_LOG_H_

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

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

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_LOG_H_
