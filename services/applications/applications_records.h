// Reading one record for a call: NOT_FOUND when it is missing, ABORTED when
// the caller's etag is stale, and a round with its state on the clock (its
// budget summary, which reads every award of the round, only by Describe).
//
//   ASSIGN_OR_RETURN(v1::Application application,
//                    FindApplication(store, request.name(), request.etag()));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/macros.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

absl::StatusOr<v1::Program> FindProgram(ApplicationsStore& store, const std::string& name);
absl::StatusOr<v1::Round> FindRound(ApplicationsStore& store, const std::string& name,
                                    absl::Time now, const std::string& etag = "");
absl::StatusOr<v1::Application> FindApplication(ApplicationsStore& store,
                                                const std::string& name,
                                                const std::string& etag = "");
absl::StatusOr<v1::Award> FindAward(ApplicationsStore& store, const std::string& name,
                                    const std::string& etag = "");
// Sets the counts of the lists `selection` holds itself, if it does (a
// record, or a recorded answer, from before the lists were kept apart).
void CountHeldLists(v1::Selection& selection);
// A round's selection record with the counts of its inputs and entries,
// without them unless it holds them itself (written before they were kept
// apart).
absl::StatusOr<v1::Selection> FindSelectionRecord(ApplicationsStore& store,
                                                  const std::string& round);
// The whole selection, every input and entry included.
absl::StatusOr<v1::Selection> FindSelection(ApplicationsStore& store, const std::string& round);
// Up to `count` inputs (entries) of the selection `record`, from `offset` on.
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> SelectionInputs(
    ApplicationsStore& store, const v1::Selection& record, int64_t offset, int64_t count);
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>> SelectionEntries(
    ApplicationsStore& store, const v1::Selection& record, int64_t offset, int64_t count);

// Fills what a round shows but does not store: its state and its money.
absl::Status Describe(ApplicationsStore& store, v1::Round& round, absl::Time now);

// The round, firm and state filters a List request of applications or
// awards carries, checked; `state_valid` tells a known state.
struct ListFilters {
  std::string round;
  std::string firm;
  std::vector<int> states;
};
template <typename Request>
absl::StatusOr<ListFilters> ReadListFilters(const Request& request, bool (*state_valid)(int)) {
  ListFilters filters;
  if (!request.round().empty()) {
    RETURN_IF_ERROR(ParseRoundName(request.round(), "round").status());
    filters.round = request.round();
  }
  if (!request.firm().empty()) {
    RETURN_IF_ERROR(ParseFirmName(request.firm(), "firm").status());
    filters.firm = request.firm();
  }
  for (int state : request.states()) {
    if (state == 0 || !state_valid(state)) {
      return InvalidFieldError("states", "not a known state");
    }
    filters.states.push_back(state);
  }
  return filters;
}

}  // namespace kexport::applications
