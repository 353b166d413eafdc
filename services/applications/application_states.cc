#include "services/applications/application_states.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/errors.h"

namespace kexport::applications {

v1::RoundState RoundStateAt(const v1::Round& round, absl::Time now) {
  if (round.state() == v1::ROUND_STATE_SELECTED || round.state() == v1::ROUND_STATE_FINALIZED) {
    return round.state();
  }
  if (now < FromTimestamp(round.apply_start_time())) return v1::ROUND_STATE_UPCOMING;
  if (now < FromTimestamp(round.apply_end_time())) return v1::ROUND_STATE_OPEN;
  return v1::ROUND_STATE_CLOSED;
}

bool IsOpen(v1::ApplicationState state) {
  switch (state) {
    case v1::APPLICATION_STATE_INELIGIBLE:
    case v1::APPLICATION_STATE_REJECTED:
    case v1::APPLICATION_STATE_COMPLETED:
    case v1::APPLICATION_STATE_WITHDRAWN:
    case v1::APPLICATION_STATE_CANCELLED:
      return false;
    default:
      return true;
  }
}

bool HoldsPlace(v1::ApplicationState state) {
  return state == v1::APPLICATION_STATE_SELECTED || state == v1::APPLICATION_STATE_AWARDED;
}

void Transition(v1::Application& application, v1::ApplicationState to, const Change& change,
                absl::string_view reason) {
  v1::StateTransition* transition = application.add_history();
  transition->set_from_state(application.state());
  transition->set_to_state(to);
  transition->set_actor(change.actor);
  transition->set_reason(std::string(reason));
  transition->set_method(change.method);
  transition->set_request_id(change.request_id);
  *transition->mutable_transition_time() = ToTimestamp(change.time);
  application.set_state(to);
  *application.mutable_update_time() = ToTimestamp(change.time);
}

void Decide(v1::Application& application, v1::ApplicationState to, absl::string_view reason,
            const std::string& award, const Change& change) {
  Transition(application, to, change, reason);
  if (!award.empty()) application.set_award(award);
}

absl::Status WrongState(absl::string_view reason, absl::string_view name,
                        absl::string_view state_name) {
  return WithErrorMetadata(
      FailedPreconditionError(reason, absl::StrCat(name, " is ", state_name)),
      {{"state", std::string(state_name)}});
}

absl::Status WrongState(absl::string_view reason, const v1::Application& application) {
  return WrongState(reason, application.name(),
                    v1::ApplicationState_Name(application.state()));
}

absl::Status WrongState(absl::string_view reason, const v1::Award& award) {
  return WrongState(reason, award.name(), v1::AwardState_Name(award.state()));
}

absl::Status WrongState(absl::string_view reason, const v1::Round& round, v1::RoundState state) {
  return WrongState(reason, round.name(), v1::RoundState_Name(state));
}

}  // namespace kexport::applications
