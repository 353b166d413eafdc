// Domain errors with the details a caller needs: an UPPER_SNAKE_CASE reason
// (google.rpc.ErrorInfo) and, for bad input, one violation per field
// (google.rpc.BadRequest). Domain code builds them; ToGrpcStatus (in
// grpc_status.h) turns them into gRPC errors at the service boundary.
//
//   FieldViolations violations;
//   if (!BrnValid(brn)) violations.Add("firm.brn", "check digit does not match");
//   RETURN_IF_ERROR(violations.ToStatus());
//
//   return NotFoundError("FIRM_NOT_FOUND", "firm firms/123 not found");
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kexport {

struct FieldViolation {
  std::string field;
  std::string reason;
};

// Collects every problem with a request so the caller can fix them all at once.
class FieldViolations final {
 public:
  void Add(std::string field, std::string reason) {
    violations_.push_back({std::move(field), std::move(reason)});
  }
  // Adds the field violations `status` carries (none when it is OK).
  void AddFrom(const absl::Status& status);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& all() const { return violations_; }

  // OK when empty, otherwise INVALID_ARGUMENT carrying the violations: the
  // first kMaxReported of them, so the error stays well under the 8 KiB
  // gRPC clients accept in trailers; the message says how many more.
  absl::Status ToStatus() const;
  static constexpr size_t kMaxReported = 20;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT with a single field violation.
absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view reason);

// An error of `code` with an ErrorInfo reason such as `FIRM_NOT_FOUND`.
absl::Status ReasonedError(absl::StatusCode code, absl::string_view reason,
                           absl::string_view message);

inline absl::Status NotFoundError(absl::string_view reason,
                                  absl::string_view message) {
  return ReasonedError(absl::StatusCode::kNotFound, reason, message);
}
inline absl::Status AlreadyExistsError(absl::string_view reason,
                                       absl::string_view message) {
  return ReasonedError(absl::StatusCode::kAlreadyExists, reason, message);
}
inline absl::Status FailedPreconditionError(absl::string_view reason,
                                            absl::string_view message) {
  return ReasonedError(absl::StatusCode::kFailedPrecondition, reason, message);
}
inline absl::Status AbortedError(absl::string_view reason,
                                 absl::string_view message) {
  return ReasonedError(absl::StatusCode::kAborted, reason, message);
}

// UNAVAILABLE (reason AT_CAPACITY): all `max_waiting` places for calls
// waiting for a worker are taken; the caller should retry after a backoff.
absl::Status AtCapacityError(size_t max_waiting);

// `status` with `metadata` for its google.rpc.ErrorInfo: what a program
// needs to act on the error, e.g. {"remaining": "650000"}.
absl::Status WithErrorMetadata(absl::Status status,
                               const std::map<std::string, std::string>& metadata);

// The ErrorInfo metadata attached to `status` (empty when none).
std::map<std::string, std::string> ErrorMetadata(const absl::Status& status);

// The reason attached to `status`, or a default derived from its code.
std::string ErrorReason(const absl::Status& status);

// The field violations attached to `status` (empty when none).
std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status);

}  // namespace kexport
