// The life of rounds, applications and awards: which state a round is in at
// a time, the recorded transitions of an application, and the
// FAILED_PRECONDITION a forbidden transition answers (its state in the
// ErrorInfo metadata).
//
//   if (!IsOpen(application.state())) return WrongState("APPLICATION_FINAL", ...);
//   Transition(application, v1::APPLICATION_STATE_WITHDRAWN, change, reason);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

// Who changes what, through which call, when.
struct Change {
  std::string actor;
  std::string method;
  std::string request_id;
  absl::Time time;
};

// The stored state once RunSelection or FinalizeRound set it, else the
// clock's: UPCOMING before the window, OPEN within it, CLOSED after it.
v1::RoundState RoundStateAt(const v1::Round& round, absl::Time now);

// Not final: INELIGIBLE, REJECTED, COMPLETED, WITHDRAWN and CANCELLED are.
bool IsOpen(v1::ApplicationState state);

// SELECTED or AWARDED: a place in the round that frees up when it ends.
bool HoldsPlace(v1::ApplicationState state);

void Transition(v1::Application& application, v1::ApplicationState to, const Change& change,
                absl::string_view reason);

// What a round's selection made of `application`: `to` for `reason`, and
// its award when selected ("" otherwise).
void Decide(v1::Application& application, v1::ApplicationState to, absl::string_view reason,
            const std::string& award, const Change& change);

// FAILED_PRECONDITION `reason` saying `name` is in `state_name`.
absl::Status WrongState(absl::string_view reason, absl::string_view name,
                        absl::string_view state_name);

absl::Status WrongState(absl::string_view reason, const v1::Application& application);
absl::Status WrongState(absl::string_view reason, const v1::Award& award);
absl::Status WrongState(absl::string_view reason, const v1::Round& round, v1::RoundState state);

}  // namespace kexport::applications
