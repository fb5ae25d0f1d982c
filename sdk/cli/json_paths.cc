#include "sdk/cli/json_paths.h"

#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/json.h"

namespace ahpl::cli {
namespace {

std::string Snake(absl::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  absl::Status Document(std::map<std::string, int>& out) {
    out_ = &out;
    Skip();
    if (auto s = Value(""); !s.ok()) return s;
    Skip();
    if (pos_ != text_.size()) return Error("unexpected text after the document");
    return absl::OkStatus();
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line_, ", column ", pos_ - line_start_ + 1, ": ", what));
  }

  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      if (text_[pos_] == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      }
      ++pos_;
    }
  }

  absl::Status String(std::string* value) {
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\n') return Error("line break inside a string");
      if (text_[pos_] == '\\') ++pos_;
      if (value != nullptr && pos_ < text_.size()) value->push_back(text_[pos_]);
      ++pos_;
    }
    if (pos_ >= text_.size()) return Error("string is not closed");
    ++pos_;
    return absl::OkStatus();
  }

  absl::Status Value(const std::string& path) {
    if (pos_ >= text_.size()) return Error("a value is missing");
    if (!path.empty()) (*out_)[path] = line_;
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      // Each level is a call: refuse before the stack runs out.
      if (depth_ == kMaxJsonDepth) {
        return Error(absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"));
      }
      ++depth_;
      auto s = c == '{' ? Object(path) : Array(path);
      --depth_;
      return s;
    }
    if (c == '"') return String(nullptr);
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
            text_[pos_] == '+' || text_[pos_] == '.')) {
      ++pos_;
    }
    if (pos_ == start) return Error(absl::StrCat("unexpected character '", std::string(1, c), "'"));
    return absl::OkStatus();
  }

  absl::Status Object(const std::string& path) {
    ++pos_;
    Skip();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    for (;;) {
      Skip();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("expected a quoted key");
      std::string key;
      if (auto s = String(&key); !s.ok()) return s;
      Skip();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error("expected ':' after a key");
      ++pos_;
      Skip();
      const std::string child = path.empty() ? Snake(key) : absl::StrCat(path, ".", Snake(key));
      if (auto s = Value(child); !s.ok()) return s;
      Skip();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error("expected ',' or '}'");
    }
  }

  absl::Status Array(const std::string& path) {
    ++pos_;
    Skip();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    for (int i = 0;; ++i) {
      Skip();
      if (auto s = Value(absl::StrCat(path, "[", i, "]")); !s.ok()) return s;
      Skip();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error("expected ',' or ']'");
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int depth_ = 0;  // arrays and objects open around pos_
  std::map<std::string, int>* out_ = nullptr;
};

}  // namespace

absl::StatusOr<std::map<std::string, int>> JsonPathLines(absl::string_view json) {
  std::map<std::string, int> lines;
  Scanner scanner(json);
  if (auto s = scanner.Document(lines); !s.ok()) return s;
  return lines;
}

int LineOf(const std::map<std::string, int>& lines, std::string path) {
  for (;;) {
    auto it = lines.find(path);
    if (it != lines.end()) return it->second;
    const size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) return 0;
    path = path.substr(0, cut);
  }
}

}  // namespace ahpl::cli
