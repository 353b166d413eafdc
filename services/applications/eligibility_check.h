// Eligibility at submission: gathers what the rules look at (the firm and
// its exports from the registry, the designation in force when a rule asks
// for one, the bans kept here), then judges the programme's and the round's
// rules and the policy's priority conditions, each with its explanation.
//
//   ASSIGN_OR_RETURN(v1::EligibilityResult result,
//                    check.Judge(application, program, round, now));
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/designation_directory.h"
#include "clients/firm_directory.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

class EligibilityCheck final {
 public:
  EligibilityCheck(clients::FirmDirectory* firms, clients::DesignationDirectory* designations,
                   ApplicationsStore* store)
      : firms_(firms), designations_(designations), store_(store) {}

  // NOT_FOUND when the registry lacks the firm; UNAVAILABLE or
  // DEADLINE_EXCEEDED when a service the rules need cannot answer.
  absl::StatusOr<v1::EligibilityResult> Judge(const v1::Application& application,
                                              const v1::Program& program,
                                              const v1::Round& round, absl::Time now);

 private:
  clients::FirmDirectory* firms_;
  clients::DesignationDirectory* designations_;
  ApplicationsStore* store_;
};

// Whether `ban` bars its firm from `program` on `day`.
bool BanCovers(const v1::FirmBan& ban, const std::string& program, absl::CivilDay day);

}  // namespace kexport::applications
