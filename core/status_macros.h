// Early-return helpers for absl::Status and absl::StatusOr, which Abseil
// 20220623 does not ship.
#ifndef AHPL_CORE_STATUS_MACROS_H_
#define AHPL_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define AHPL_STATUS_CONCAT_INNER_(a, b) a##b
#define AHPL_STATUS_CONCAT_(a, b) AHPL_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status ahpl_status_ = (expr);        \
    if (!ahpl_status_.ok()) return ahpl_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  AHPL_ASSIGN_OR_RETURN_IMPL_(AHPL_STATUS_CONCAT_(ahpl_statusor_, __LINE__), lhs, rexpr)

#define AHPL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)  \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // AHPL_CORE_STATUS_MACROS_H_
