// What makes a designation request well-formed: INVALID_ARGUMENT naming
// every bad field, before anything is looked up or stored.
//
//   RETURN_IF_ERROR(ValidateSubmission(request, today));
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

absl::Status ValidateSubmission(const v1::SubmitDesignationApplicationRequest& request,
                                absl::CivilDay today);
// Scores: exactly one per criterion of `policy`, within its points.
absl::Status ValidateReview(const v1::SubmitReviewRequest& request,
                            const v1::DesignationPolicy& policy);
absl::Status ValidateDecision(const v1::DecideDesignationApplicationRequest& request);
absl::Status ValidateWithdrawal(const v1::WithdrawDesignationApplicationRequest& request);
absl::Status ValidateRevocation(const v1::RevokeDesignationRequest& request);

// The id in a record name with `prefix`; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> RecordId(absl::string_view name, absl::string_view prefix,
                                     absl::string_view field);

}  // namespace kexport::designation
