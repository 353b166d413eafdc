// Programmes and their rounds: defining them, reading them, and changing
// them only while that is fair to applicants (rules fixed while a round is
// open, the selection policy fixed once a window opens).
#pragma once

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

class ProgramOffice final {
 public:
  ProgramOffice(ApplicationsStore* store, Clock clock);

  absl::StatusOr<v1::Program> CreateProgram(const v1::CreateProgramRequest& request,
                                            const std::string& actor);
  absl::StatusOr<v1::Program> GetProgram(const v1::GetProgramRequest& request);
  absl::StatusOr<v1::ListProgramsResponse> ListPrograms(const v1::ListProgramsRequest& request);
  absl::StatusOr<v1::Program> UpdateProgram(const v1::UpdateProgramRequest& request);

  absl::StatusOr<v1::Round> CreateRound(const v1::CreateRoundRequest& request,
                                        const std::string& actor);
  absl::StatusOr<v1::Round> GetRound(const v1::GetRoundRequest& request);
  absl::StatusOr<v1::ListRoundsResponse> ListRounds(const v1::ListRoundsRequest& request);
  absl::StatusOr<v1::Round> UpdateRound(const v1::UpdateRoundRequest& request);

 private:
  // FAILED_PRECONDITION when `capacity` and the capacities of the
  // programme's other rounds of its fiscal year (all but `round`) exceed the
  // programme's.
  absl::Status CheckCapacity(const v1::Program& program, const std::string& round,
                             int32_t capacity);

  ApplicationsStore* store_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
  // Rounds are checked against the programme's capacity and then written:
  // one at a time, so two cannot both fit the last places.
  std::mutex rounds_mutex_;
};

}  // namespace kexport::applications
