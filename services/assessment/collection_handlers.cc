// The AssessmentService's collection handlers: seasons, their windows and
// overrides, and who has not returned.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/codes.h"
#include "core/collection_rules.h"
#include "core/field_violations.h"
#include "core/status_macros.h"
#include "services/assessment/assessment_service.h"
#include "services/common/rpc_name.h"
#include "services/common/unary.h"

namespace ahpl::assessment {
namespace {

// Whether `caller` sees trust `ods_code` (region `region_code`) among a
// collection's overrides: admins and national tokens all of them.
bool SeesTrust(const Principal& caller, const std::string& ods_code,
               const std::string& region_code) {
  return caller.role == v1::ROLE_ADMIN || caller.CoversTrust(ods_code, region_code);
}

std::string CycleOf(const std::string& name, FieldViolations& v, absl::string_view field = "name") {
  return CycleFromCollectionName(name, field, v);
}

}  // namespace

absl::StatusOr<v1::Collection> AssessmentService::VisibleCollection(const Principal& caller,
                                                                    StoredCollection stored) {
  v1::Collection c = std::move(stored.collection);
  ASSIGN_OR_RETURN(auto allowances, collections_.Allowances(c.cycle()));
  for (auto& a : allowances) {
    if (SeesTrust(caller, a.allowance.trust_ods_code(), a.region_code)) {
      *c.add_late_allowances() = std::move(a.allowance);
    }
  }
  return c;
}

grpc::ServerUnaryReactor* AssessmentService::CreateCollection(
    const UnaryCall& call, const v1::CreateCollectionRequest* request,
    v1::CreateCollectionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, CreateCollection), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        v1::Collection c = request->collection();
        FieldViolations v;
        v.Merge(ValidateNewCollection(c, "collection"));
        RETURN_IF_ERROR(v.ToStatus("invalid collection"));
        if (c.title().empty())
          c.set_title(absl::StrCat("AHP leadership self-assessment ", c.cycle()));
        ASSIGN_OR_RETURN(StoredCollection stored,
                         collections_.Create(c, caller, DescribeWindow(WindowOf(c))));
        ASSIGN_OR_RETURN(*response->mutable_collection(),
                         VisibleCollection(caller, std::move(stored)));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::GetCollection(const UnaryCall& call,
                                                           const v1::GetCollectionRequest* request,
                                                           v1::GetCollectionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, GetCollection), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string cycle = CycleOf(request->name(), v);
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        ASSIGN_OR_RETURN(StoredCollection stored, CollectionOf(collections_, cycle));
        ASSIGN_OR_RETURN(*response->mutable_collection(),
                         VisibleCollection(caller, std::move(stored)));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListCollections(
    const UnaryCall& call, const v1::ListCollectionsRequest* request,
    v1::ListCollectionsResponse* response) {
  return RunAuthorized(call, *request, authorizer_, AHPL_RPC(AssessmentService, ListCollections),
                       workers_, [this, response](const Principal& caller) -> absl::Status {
                         ASSIGN_OR_RETURN(auto all, collections_.List());
                         for (auto& stored : all) {
                           ASSIGN_OR_RETURN(*response->add_collections(),
                                            VisibleCollection(caller, std::move(stored)));
                         }
                         return absl::OkStatus();
                       });
}

absl::Status AssessmentService::ChangeCollection(const Principal& caller, const std::string& name,
                                                 absl::string_view name_field,
                                                 const std::string& reason,
                                                 FieldViolations violations,
                                                 const CollectionStore::Decide& decide,
                                                 v1::Collection* out) {
  const std::string cycle = CycleOf(name, violations, name_field);
  ValidateReason(reason, "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus("invalid collection change"));
  ASSIGN_OR_RETURN(StoredCollection stored, collections_.Change(cycle, caller, decide));
  ASSIGN_OR_RETURN(*out, VisibleCollection(caller, std::move(stored)));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AssessmentService::UpdateCollection(
    const UnaryCall& call, const v1::UpdateCollectionRequest* request,
    v1::UpdateCollectionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, UpdateCollection), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        if (request->update_mask().paths_size() > 16) {
          v.Add("update_mask", "names at most 16 fields");
        }
        const std::vector<std::string> paths(request->update_mask().paths().begin(),
                                             request->update_mask().paths().end());
        return ChangeCollection(
            caller, request->collection().name(), "collection.name", request->reason(),
            std::move(v),
            [&](const StoredCollection& current,
                bool has_returns) -> absl::StatusOr<CollectionChange> {
              CollectionChange change;
              ASSIGN_OR_RETURN(change.next,
                               UpdatedCollection(current.collection, request->collection(), paths,
                                                 has_returns, current.now));
              change.action = "collection.updated";
              change.detail = absl::StrCat(request->reason(), " (window ",
                                           DescribeWindow(WindowOf(change.next)), ")");
              return change;
            },
            response->mutable_collection());
      });
}

grpc::ServerUnaryReactor* AssessmentService::CloseCollection(
    const UnaryCall& call, const v1::CloseCollectionRequest* request,
    v1::CloseCollectionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, CloseCollection), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        return ChangeCollection(
            caller, request->name(), "name", request->reason(), FieldViolations(),
            [&](const StoredCollection& current, bool) -> absl::StatusOr<CollectionChange> {
              CollectionChange change;
              ASSIGN_OR_RETURN(change.next, ClosedCollection(current.collection, current.now));
              change.action = "collection.closed";
              change.detail = request->reason();
              return change;
            },
            response->mutable_collection());
      });
}

grpc::ServerUnaryReactor* AssessmentService::ReopenCollection(
    const UnaryCall& call, const v1::ReopenCollectionRequest* request,
    v1::ReopenCollectionResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, ReopenCollection), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        std::optional<absl::Time> close_time;
        if (request->has_close_time()) close_time = ToTime(request->close_time());
        return ChangeCollection(
            caller, request->name(), "name", request->reason(), FieldViolations(),
            [&](const StoredCollection& current, bool) -> absl::StatusOr<CollectionChange> {
              CollectionChange change;
              ASSIGN_OR_RETURN(change.next,
                               ReopenedCollection(current.collection, close_time, current.now));
              change.action = "collection.reopened";
              change.detail = absl::StrCat(request->reason(), " (window ",
                                           DescribeWindow(WindowOf(change.next)), ")");
              return change;
            },
            response->mutable_collection());
      });
}

grpc::ServerUnaryReactor* AssessmentService::AllowLateReturn(
    const UnaryCall& call, const v1::AllowLateReturnRequest* request,
    v1::AllowLateReturnResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, AllowLateReturn), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string trust = CanonicalCode(request->trust_ods_code());
        if (!IsOdsCode(trust)) {
          v.Add("trust_ods_code", kOdsCodeRule);
        } else {
          ASSIGN_OR_RETURN(bool known, writer_.TrustKnown(trust));
          if (!known) v.Add("trust_ods_code", "no such trust in the register");
        }
        if (!request->has_until_time()) v.Add("until_time", "until when is required");
        const absl::Time until = ToTime(request->until_time());
        return ChangeCollection(
            caller, request->name(), "name", request->reason(), std::move(v),
            [&](const StoredCollection& current, bool) -> absl::StatusOr<CollectionChange> {
              // A time not in the future ends the trust's allowance now.
              const absl::Time effective = std::max(until, current.now);
              CollectionChange change;
              change.next = current.collection;
              change.action = "collection.late_allowed";
              change.detail =
                  until > current.now
                      ? absl::StrCat("trust ", trust, " until ", Rfc3339(until), ": ",
                                     request->reason())
                      : absl::StrCat("trust ", trust, " allowance ended: ", request->reason());
              v1::LateAllowance allowance;
              allowance.set_trust_ods_code(trust);
              *allowance.mutable_until_time() = ToTimestamp(effective);
              allowance.set_reason(request->reason());
              change.allowance = std::move(allowance);
              return change;
            },
            response->mutable_collection());
      });
}

grpc::ServerUnaryReactor* AssessmentService::ListNonResponders(
    const UnaryCall& call, const v1::ListNonRespondersRequest* request,
    v1::ListNonRespondersResponse* response) {
  return RunAuthorized(
      call, *request, authorizer_, AHPL_RPC(AssessmentService, ListNonResponders), workers_,
      [this, request, response](const Principal& caller) -> absl::Status {
        FieldViolations v;
        const std::string cycle = CycleOf(request->collection(), v, "collection");
        std::string region = CanonicalCode(request->region_code());
        if (!region.empty() && !IsRegionCode(region)) v.Add("region_code", kRegionCodeRule);
        RETURN_IF_ERROR(v.ToStatus("invalid request"));
        std::string trust;
        if (caller.role == v1::ROLE_REGION) {
          if (!region.empty() && region != caller.scope) {
            return absl::PermissionDeniedError(absl::StrCat("this token sees region ", caller.scope,
                                                            "'s trusts only, not ", region));
          }
          region = caller.scope;
        } else if (caller.role == v1::ROLE_TRUST) {
          // A trust sees its own progress only, whatever region it names.
          trust = caller.scope;
          region.clear();
        }
        // A chase list may lag: the state it reports is read with it.
        ASSIGN_OR_RETURN(StoredCollection collection, CollectionOf(lagging_collections_, cycle));
        ASSIGN_OR_RETURN(NonResponders found,
                         lagging_collections_.ListNonResponders(cycle, region, trust));
        for (auto& t : found.trusts) *response->add_trusts() = std::move(t);
        response->set_trusts_in_scope(found.trusts_in_scope);
        response->set_trusts_returned(found.trusts_returned);
        response->set_state(collection.collection.state());
        return absl::OkStatus();
      });
}

}  // namespace ahpl::assessment
