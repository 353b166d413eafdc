// What makes an applications request well-formed: INVALID_ARGUMENT naming
// every bad field by its path in the request (`program.support_items[2].id`,
// `round.selection_policy.scored_ranking.criteria[1].weight_bp`), before
// anything is stored. Output-only fields are ignored. What depends on stored
// state beyond the programme given (round states and windows, capacities,
// budgets, which fields a round's state lets change) is the caller's to
// check. Page sizes and tokens are checked by common/page_token.h.
//
//   RETURN_IF_ERROR(ValidateRoundCreation(request, program));
#pragma once

#include "absl/status/status.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

absl::Status ValidateProgramCreation(const v1::CreateProgramRequest& request);
// `merged`: the stored programme with the request's masked fields applied.
// Mask paths are top-level settable fields (a repeated or message field is
// replaced as a whole). Rule ids are checked against the programme's own;
// that they do not repeat a round's rule id is the caller's to check.
absl::Status ValidateProgramUpdate(const v1::UpdateProgramRequest& request,
                                   const v1::Program& merged);

// `program`: the round's programme, whose rule ids the round's must not
// repeat.
absl::Status ValidateRoundCreation(const v1::CreateRoundRequest& request,
                                   const v1::Program& program);
// `merged`: the stored round with the request's masked fields applied.
absl::Status ValidateRoundUpdate(const v1::UpdateRoundRequest& request, const v1::Round& merged,
                                 const v1::Program& program);
absl::Status ValidateFinalization(const v1::FinalizeRoundRequest& request);

// Items, answers and sales may wait until submission; those given must fit
// `program`, the round's programme.
absl::Status ValidateApplicationCreation(const v1::CreateApplicationRequest& request,
                                         const v1::Program& program);
// `merged`: the stored application with the request's masked fields applied.
absl::Status ValidateApplicationUpdate(const v1::UpdateApplicationRequest& request,
                                       const v1::Application& merged, const v1::Program& program);
absl::Status ValidateSubmission(const v1::SubmitApplicationRequest& request);
// What submitting `application` needs beyond a well-formed request:
// 1 to 20 requested items, every required question answered, the sales
// evidence when sales are declared or the programme has share bands, and
// content that still fits `program` (it may have changed since the draft
// was saved).
// FAILED_PRECONDITION (reason APPLICATION_INCOMPLETE) naming each problem.
absl::Status CheckReadyToSubmit(const v1::Application& application, const v1::Program& program);
absl::Status ValidateWithdrawal(const v1::WithdrawApplicationRequest& request);
absl::Status ValidateCancellation(const v1::CancelApplicationRequest& request);
// Exactly one score per criterion of `policy`, within its points.
absl::Status ValidateReview(const v1::ReviewApplicationRequest& request,
                            const v1::ScoredRankingPolicy& policy);

absl::Status ValidateRunSelection(const v1::RunSelectionRequest& request);

absl::Status ValidateDisbursementRequest(const v1::RecordDisbursementRequest& request);
absl::Status ValidateCompletion(const v1::CompleteAwardRequest& request);
absl::Status ValidateRelease(const v1::ReleaseAwardRequest& request);

absl::Status ValidateBan(const v1::BanFirmRequest& request);

}  // namespace kexport::applications
