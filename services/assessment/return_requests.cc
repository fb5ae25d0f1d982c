#include "services/assessment/return_requests.h"

#include <cctype>
#include <utility>

#include "absl/strings/match.h"
#include "core/codes.h"
#include "core/field_violations.h"
#include "core/status_macros.h"

namespace ahpl::assessment {
namespace {

constexpr absl::string_view kNamePrefix = "returns/";

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string ReturnIdFromName(const std::string& name, absl::string_view field,
                             FieldViolations& violations) {
  if (!absl::StartsWith(name, kNamePrefix) || !IsUuid(name.substr(kNamePrefix.size()))) {
    violations.Add(std::string(field), "must be a return's name, \"returns/{id}\"");
    return "";
  }
  return Lower(name.substr(kNamePrefix.size()));
}

absl::StatusOr<ReturnQuery> QueryFromFilter(const v1::ReturnFilter& f) {
  FieldViolations v;
  ReturnQuery q;
  q.trust_ods_code = CanonicalCode(f.trust_ods_code());
  q.region_code = CanonicalCode(f.region_code());
  q.cycle = f.cycle();
  q.status = f.status();
  q.typology = f.typology();
  q.counting_only = f.counting_only();
  if (!q.trust_ods_code.empty() && !IsOdsCode(q.trust_ods_code)) {
    v.Add("filter.trust_ods_code", kOdsCodeRule);
  }
  if (!q.region_code.empty() && !IsRegionCode(q.region_code)) {
    v.Add("filter.region_code", kRegionCodeRule);
  }
  if (!q.cycle.empty() && !IsCycle(q.cycle)) v.Add("filter.cycle", kCycleRule);
  if (!v1::ReturnStatus_IsValid(q.status)) v.Add("filter.status", "not a known status");
  if (!v1::Typology_IsValid(q.typology)) v.Add("filter.typology", "not a known typology");
  RETURN_IF_ERROR(v.ToStatus("invalid filter"));
  return q;
}

std::optional<ReturnQuery> ScopeQuery(const Principal& caller, ReturnQuery query) {
  switch (caller.role) {
    case v1::ROLE_NATIONAL:
      return query;
    case v1::ROLE_TRUST:
      if (!query.trust_ods_code.empty() && query.trust_ods_code != caller.scope)
        return std::nullopt;
      query.trust_ods_code = caller.scope;
      return query;
    case v1::ROLE_REGION:
      if (!query.region_code.empty() && query.region_code != caller.scope) return std::nullopt;
      query.region_code = caller.scope;
      return query;
    default:
      return std::nullopt;
  }
}

void ClearEtags(google::protobuf::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  if (const auto* etag = descriptor->FindFieldByName("etag"); etag != nullptr) {
    reflection->ClearField(&message, etag);
  }
  const auto* nested = descriptor->FindFieldByName("assessment_return");
  if (nested != nullptr && nested->message_type() != nullptr &&
      reflection->HasField(message, nested)) {
    ClearEtags(*reflection->MutableMessage(&message, nested));
  }
}

absl::Status CheckRequestId(const std::string& request_id, absl::string_view field) {
  if (!IsRequestId(request_id)) {
    return InvalidField(std::string(field),
                        "a request id of 1-128 letters, digits, '.', '_', ':' or '-' is required "
                        "(the same id makes a retry safe)");
  }
  return absl::OkStatus();
}

}  // namespace ahpl::assessment
