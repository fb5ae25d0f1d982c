// Turns the fields of AssessmentService requests into what the domain
// works with: return ids from resource names, queries from filters (and the
// part of a query a caller may see), and checked request ids.
#ifndef AHPL_SERVICES_ASSESSMENT_RETURN_REQUESTS_H_
#define AHPL_SERVICES_ASSESSMENT_RETURN_REQUESTS_H_

#include <optional>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ahpl/v1/assessment.pb.h"
#include "core/field_violations.h"
#include "services/assessment/assessment_store.h"
#include "services/common/access.h"

namespace ahpl::assessment {

// The return id in a resource name "returns/{id}"; otherwise "" with a
// violation of `field` added to `violations`.
std::string ReturnIdFromName(const std::string& name, absl::string_view field,
                             FieldViolations& violations);

// Validates a listing filter into a query (paths under "filter").
absl::StatusOr<ReturnQuery> QueryFromFilter(const v1::ReturnFilter& filter);

// The part of `query` that `caller` may see; nullopt when none of it.
std::optional<ReturnQuery> ScopeQuery(const Principal& caller, ReturnQuery query);

// OK for a well-formed request id; INVALID_ARGUMENT naming `field`
// otherwise.
absl::Status CheckRequestId(const std::string& request_id, absl::string_view field = "request_id");

// Clears `message`'s field "etag" and that of its field "assessment_return",
// where it has them.
void ClearEtags(google::protobuf::Message& message);

// What a change request asks, for its digest: without its request id, and
// without the etag it was based on, so that a retry that read the return
// again first (a newer etag) is still the same request and replays.
template <typename Request>
Request WithoutRequestId(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  ClearEtags(copy);
  return copy;
}

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_RETURN_REQUESTS_H_
