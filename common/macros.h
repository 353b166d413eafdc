// Early-return helpers for absl::Status and absl::StatusOr, which the Abseil
// shipped with Debian 12 does not provide.
//
//   RETURN_IF_ERROR(store.Put(firm));
//   ASSIGN_OR_RETURN(Firm firm, store.Get(brn));
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KEXPORT_CONCAT_INNER(a, b) a##b
#define KEXPORT_CONCAT(a, b) KEXPORT_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    if (absl::Status status_ = (expr); !status_.ok()) { \
      return status_;                             \
    }                                             \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  KEXPORT_ASSIGN_OR_RETURN_IMPL(KEXPORT_CONCAT(statusor_, __LINE__), lhs, expr)

#define KEXPORT_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) {                                    \
    return std::move(statusor).status();                   \
  }                                                        \
  lhs = std::move(statusor).value()
