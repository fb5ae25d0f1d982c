#include "core/field_violations.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/utf8.h"

namespace ahpl {

void FieldViolations::Add(std::string field, std::string description) {
  ++total_;
  if (violations_.size() >= kMaxListedViolations || listed_bytes_ >= kMaxListedBytes) return;
  field = BoundedText(field, kMaxFieldPathBytes);
  description = BoundedText(description, kMaxDescriptionBytes);
  listed_bytes_ += field.size() + description.size();
  violations_.push_back(absl::StrCat(field, ": ", description));
  auto* v = violations_proto_.add_field_violations();
  v->set_field(std::move(field));
  v->set_description(std::move(description));
}

void FieldViolations::Merge(const FieldViolations& other, absl::string_view prefix) {
  for (const auto& v : other.violations_proto_.field_violations()) {
    Add(JoinPath(prefix, v.field()), v.description());
  }
  total_ += other.total_ - static_cast<size_t>(other.violations_proto_.field_violations_size());
}

absl::Status FieldViolations::ToStatus(absl::string_view message) const {
  if (empty()) return absl::OkStatus();
  constexpr size_t kShown = 3;
  std::vector<std::string> shown(violations_.begin(),
                                 violations_.begin() + std::min(kShown, violations_.size()));
  std::string text = absl::StrCat(BoundedText(message, 100), ": ", absl::StrJoin(shown, "; "));
  const std::string more =
      total_ > shown.size() ? absl::StrCat(" (and ", total_ - shown.size(), " more)") : "";
  text = absl::StrCat(BoundedText(text, kMaxStatusMessageBytes - more.size()), more);
  absl::Status status(absl::StatusCode::kInvalidArgument, text);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(violations_proto_.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus("invalid request");
}

std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status) {
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  google::rpc::BadRequest br;
  if (!br.ParseFromString(std::string(*payload))) return std::nullopt;
  return br;
}

std::string JoinPath(absl::string_view prefix, absl::string_view field) {
  if (prefix.empty()) return std::string(field);
  if (field.empty()) return std::string(prefix);
  return absl::StrCat(prefix, ".", field);
}

std::string IndexPath(absl::string_view field, size_t index) {
  return absl::StrCat(field, "[", index, "]");
}

}  // namespace ahpl
