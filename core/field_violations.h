// Collects every field that fails validation so a request can be refused
// once, naming all of them (google.rpc.BadRequest).
#ifndef AHPL_CORE_FIELD_VIOLATIONS_H_
#define AHPL_CORE_FIELD_VIOLATIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace ahpl {

// Type URL under which a google.rpc.BadRequest travels as an absl::Status
// payload and in google.rpc.Status details.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

// Bounds on what an error carries, whatever the request held: an error
// travels in the response trailers, which a client refuses above 8 KiB
// (gRPC's default), and must never echo unbounded input back. Longer paths
// and descriptions are cut (ending in "…"), invalid UTF-8 becomes '?',
// violations past the first kMaxListedViolations, or past
// kMaxListedBytes of paths and descriptions, are counted, not listed.
inline constexpr size_t kMaxFieldPathBytes = 160;
inline constexpr size_t kMaxDescriptionBytes = 200;
inline constexpr size_t kMaxListedViolations = 100;
inline constexpr size_t kMaxListedBytes = 2560;
// A status message's bound (ToStatus's and ToGrpcStatus's).
inline constexpr size_t kMaxStatusMessageBytes = 512;

// An ordered list of field violations.
class FieldViolations {
 public:
  // Records that `field` (a path such as "edition.questions[2].id") is wrong.
  void Add(std::string field, std::string description);
  // Adds `other`'s violations with `prefix` joined in front of each path.
  void Merge(const FieldViolations& other, absl::string_view prefix = "");

  bool empty() const { return total_ == 0; }
  // Every violation recorded, listed or not.
  size_t size() const { return total_; }
  // The listed violations (at most kMaxListedViolations).
  const google::rpc::BadRequest& bad_request() const { return violations_proto_; }

  // OK when empty; otherwise INVALID_ARGUMENT carrying the BadRequest, with
  // a message naming the first few violations and how many more there are.
  absl::Status ToStatus(absl::string_view message) const;

 private:
  std::vector<std::string> violations_;  // "field: description", for messages
  google::rpc::BadRequest violations_proto_;
  size_t listed_bytes_ = 0;
  size_t total_ = 0;
};

// An INVALID_ARGUMENT status naming a single field.
absl::Status InvalidField(std::string field, std::string description);

// The BadRequest carried by `status`, if any.
std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status);

// Joins a field path: JoinPath("edition", "id") == "edition.id".
std::string JoinPath(absl::string_view prefix, absl::string_view field);
// Indexes a repeated field: IndexPath("edition.questions", 2) ==
// "edition.questions[2]".
std::string IndexPath(absl::string_view field, size_t index);

}  // namespace ahpl

#endif  // AHPL_CORE_FIELD_VIOLATIONS_H_
