#include "services/common/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/stubs/logging.h"
#include "grpc/support/log.h"

namespace ahpl {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};

constexpr size_t kMaxQueuedBytes = size_t{8} << 20;
constexpr absl::Duration kFlushInterval = absl::Milliseconds(50);

const char* LevelName(LogLevel level, LogFormat format) {
  const bool json = format == LogFormat::kJson;
  switch (level) {
    case LogLevel::kDebug:
      return json ? "debug" : "DEBUG";
    case LogLevel::kInfo:
      return json ? "info" : "INFO";
    case LogLevel::kWarning:
      return json ? "warn" : "WARN";
    case LogLevel::kError:
      return json ? "error" : "ERROR";
  }
  return "?";
}

void AppendJsonString(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
          out->append(escaped);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// A text-format value: bare when it is one plain word, else quoted with
// the JSON escapes (so a value can never forge another field or line).
void AppendTextValue(std::string* out, absl::string_view s) {
  bool plain = !s.empty();
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '\\' || c == '=') plain = false;
  }
  if (plain) {
    out->append(s.data(), s.size());
  } else {
    AppendJsonString(out, s);
  }
}

// A message in text format: control characters (a newline from a client's
// text, say) escaped so that one event stays one line.
void AppendTextMessage(std::string* out, absl::string_view s) {
  for (const char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
      out->append(escaped);
    } else {
      out->push_back(c);
    }
  }
}

void WriteToStderr(absl::string_view lines) {
  while (!lines.empty()) {
    const ssize_t n = write(STDERR_FILENO, lines.data(), lines.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    lines.remove_prefix(static_cast<size_t>(n));
  }
}

// Lines waiting to be written, and the thread that writes them. Never
// destroyed (threads may log during exit).
class LogQueue {
 public:
  LogQueue() {
    std::thread([this] { Run(); }).detach();
    std::atexit([] { FlushLogs(); });
  }

  void Add(std::string line, bool flush_now) ABSL_LOCKS_EXCLUDED(mu_, write_mu_) {
    {
      absl::MutexLock lock(&mu_);
      if (queued_.size() + line.size() > kMaxQueuedBytes) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      queued_.append(line);
    }
    if (flush_now) Flush();
  }

  // Writes what is queued, in order with any write in progress.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_, write_mu_) {
    absl::MutexLock write_lock(&write_mu_);
    std::string lines;
    {
      absl::MutexLock lock(&mu_);
      lines.swap(queued_);
    }
    if (lines.empty()) return;
    if (output_) {
      output_(lines);
    } else {
      WriteToStderr(lines);
    }
  }

  void SetOutput(std::function<void(absl::string_view)> output) ABSL_LOCKS_EXCLUDED(write_mu_) {
    Flush();
    absl::MutexLock write_lock(&write_mu_);
    output_ = std::move(output);
  }

  int64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void Run() {
    for (;;) {
      absl::SleepFor(kFlushInterval);
      Flush();
    }
  }

  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::function<void(absl::string_view)> output_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex mu_;
  std::string queued_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> dropped_{0};
};

LogQueue& Queue() {
  static LogQueue* queue = new LogQueue();
  return *queue;
}

void ProtobufLogHandler(google::protobuf::LogLevel level, const char* filename, int line,
                        const std::string& message) {
  static auto* limiter = new LogRateLimiter(10, absl::Minutes(1));
  const LogLevel ours = level >= google::protobuf::LOGLEVEL_ERROR     ? LogLevel::kError
                        : level == google::protobuf::LOGLEVEL_WARNING ? LogLevel::kWarning
                                                                      : LogLevel::kInfo;
  if (!LogEnabled(ours)) return;
  int64_t held_back = 0;
  if (level < google::protobuf::LOGLEVEL_FATAL && !limiter->Admit(absl::Now(), &held_back)) return;
  LogLine(ours, absl::StrCat("protobuf ", filename, ":", line, ": ", message,
                             held_back > 0 ? absl::StrCat(" (", held_back,
                                                          " protobuf lines held back before this)")
                                           : ""));
}

void GrpcLogHandler(gpr_log_func_args* args) {
  static auto* limiter = new LogRateLimiter(10, absl::Minutes(1));
  // gRPC's INFO lines are start-up chatter (pollers, epoll fds): debug here.
  const LogLevel ours =
      args->severity == GPR_LOG_SEVERITY_ERROR ? LogLevel::kError : LogLevel::kDebug;
  if (!LogEnabled(ours)) return;
  int64_t held_back = 0;
  // Errors are always written: GPR_ASSERT logs one just before aborting.
  if (ours != LogLevel::kError && !limiter->Admit(absl::Now(), &held_back)) return;
  absl::string_view file = args->file != nullptr ? args->file : "?";
  if (const size_t slash = file.rfind('/'); slash != absl::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  const std::string message = absl::StrCat("grpc ", file, ":", args->line, ": ", args->message);
  if (held_back > 0) {
    LogEvent(ours, message, {{"held_back", held_back}});
  } else {
    LogEvent(ours, message, {});
  }
}

}  // namespace

bool LogRateLimiter::Admit(absl::Time now, int64_t* held_back) {
  absl::MutexLock lock(&mu_);
  if (now - window_start_ >= window_) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ >= burst_) {
    ++held_back_;
    return false;
  }
  ++in_window_;
  *held_back = held_back_;
  held_back_ = 0;
  return true;
}

void RouteProtobufLogs() { google::protobuf::SetLogHandler(&ProtobufLogHandler); }

void RouteGrpcLogs() {
  gpr_set_log_verbosity(GPR_LOG_SEVERITY_INFO);
  gpr_set_log_function(&GrpcLogHandler);
}

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void SetLogFormat(LogFormat format) { g_format = static_cast<int>(format); }

bool ParseLogFormat(absl::string_view word, LogFormat* format) {
  if (word == "text") {
    *format = LogFormat::kText;
  } else if (word == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

void LogEvent(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  const LogFormat format = static_cast<LogFormat>(g_format.load());
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string line;
  line.reserve(96 + message.size());
  if (format == LogFormat::kJson) {
    absl::StrAppend(&line, "{\"time\":\"", time, "\",\"level\":\"", LevelName(level, format),
                    "\",\"msg\":");
    AppendJsonString(&line, message);
    for (const LogField& field : fields) {
      line.push_back(',');
      AppendJsonString(&line, field.key);
      line.push_back(':');
      if (field.number) {
        line.append(field.value);
      } else {
        AppendJsonString(&line, field.value);
      }
    }
    line.append("}\n");
  } else {
    absl::StrAppend(&line, time, " ", LevelName(level, format), " ");
    AppendTextMessage(&line, message);
    for (const LogField& field : fields) {
      absl::StrAppend(&line, " ", field.key, "=");
      AppendTextValue(&line, field.value);
    }
    line.push_back('\n');
  }
  Queue().Add(std::move(line), /*flush_now=*/level >= LogLevel::kWarning);
}

void LogLine(LogLevel level, absl::string_view message) { LogEvent(level, message, {}); }

void FlushLogs() { Queue().Flush(); }

void SetLogOutput(std::function<void(absl::string_view lines)> output) {
  Queue().SetOutput(std::move(output));
}

int64_t DroppedLogLines() { return Queue().dropped(); }

}  // namespace ahpl
