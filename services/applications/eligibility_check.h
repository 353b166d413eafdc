// Eligibility at submission: gathers what the rules look at (the firm and
// its exports from the registry, the designation in force when a rule or the
// programme's G-PASS incentives ask for one, the bans kept here), then judges
// the programme's and the round's rules, the policy's priority conditions
// and the grade's incentives, each with its explanation.
//
//   ASSIGN_OR_RETURN(Eligibility judged, check.Judge(application, program, round, now));
#pragma once

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/designation_directory.h"
#include "clients/firm_directory.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

struct Eligibility {
  v1::EligibilityResult result;
  // The programme's per-firm cap, or the VOUCHER_CAP incentive of the
  // firm's G-PASS grade when the programme applies incentives.
  int64_t per_firm_cap_won = 0;
};

class EligibilityCheck final {
 public:
  EligibilityCheck(clients::FirmDirectory* firms, clients::DesignationDirectory* designations,
                   ApplicationsStore* store)
      : firms_(firms), designations_(designations), store_(store) {}

  // NOT_FOUND when the registry lacks the firm; UNAVAILABLE or
  // DEADLINE_EXCEEDED when a service the rules need cannot answer.
  absl::StatusOr<Eligibility> Judge(const v1::Application& application,
                                    const v1::Program& program, const v1::Round& round,
                                    absl::Time now);

 private:
  clients::FirmDirectory* firms_;
  clients::DesignationDirectory* designations_;
  ApplicationsStore* store_;
};

// Whether `ban` bars its firm from `program` on `day`.
bool BanCovers(const v1::FirmBan& ban, const std::string& program, absl::CivilDay day);

}  // namespace kexport::applications
