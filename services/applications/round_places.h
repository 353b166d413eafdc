// A round's places: a selected application gets an award to reserve; when
// one leaves (withdrawn, cancelled, released, refused by the ledger), its
// award is released and the first waitlisted application, in the drawn
// order, whose amount fits what the draw may award takes its place. Every
// change is added to the caller's write, so it commits with the cause.
//
//   RETURN_IF_ERROR(ReleaseAward(store, application, reason, now, write));
//   RETURN_IF_ERROR(PromoteNext(store, application, change, reason, write));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

// A new award for a selected application, waiting for its reservation.
v1::Award NewAward(const v1::Application& application, absl::Time now);

// Ends `award` as `to` (RELEASED or COMPLETED): what is left is released and
// its reservation voided by the outbox. FAILED_PRECONDITION while the
// reservation or a disbursement is still with the ledger.
absl::Status EndAward(v1::Award& award, v1::AwardState to, const std::string& reason,
                      absl::Time now);

// Ends `application` as `to` (WITHDRAWN or CANCELLED) in `write`. A place
// it held is freed: its award released and the next waitlisted application
// promoted (`promotion_reason` says why, e.g. `withdrew`). True when it held
// one, so the outbox has a void to carry out.
absl::StatusOr<bool> LeaveRound(ApplicationsStore& store, v1::Application& application,
                                v1::ApplicationState to, const Change& change,
                                const std::string& reason, const std::string& promotion_reason,
                                ApplicationsWrite& write);

// Promotes the first waitlisted application of `leaving`'s round that fits,
// recording the promotion in the round's selection; nothing when none fits.
absl::Status PromoteNext(ApplicationsStore& store, const v1::Application& leaving,
                         const Change& change, const std::string& reason,
                         ApplicationsWrite& write);

}  // namespace kexport::applications
