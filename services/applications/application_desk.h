// Where firms apply: drafts, submission with the eligibility check, reviews,
// and leaving a round (withdrawn by the firm, cancelled by an operator),
// which frees the place for the waitlist.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/applications/applications_store.h"
#include "services/applications/eligibility_check.h"
#include "services/applications/ledger_outbox.h"

namespace kexport::applications {

class ApplicationDesk final {
 public:
  ApplicationDesk(ApplicationsStore* store, clients::FirmDirectory* firms,
                  EligibilityCheck* eligibility, LedgerOutbox* outbox, Clock clock);

  absl::StatusOr<v1::Application> Create(const v1::CreateApplicationRequest& request,
                                         const std::string& actor);
  absl::StatusOr<v1::Application> Update(const v1::UpdateApplicationRequest& request);
  absl::StatusOr<v1::Application> Submit(const v1::SubmitApplicationRequest& request,
                                         const std::string& actor);
  absl::StatusOr<v1::Application> Withdraw(const v1::WithdrawApplicationRequest& request,
                                           const std::string& actor);
  absl::StatusOr<v1::Application> Cancel(const v1::CancelApplicationRequest& request,
                                         const std::string& actor);
  absl::StatusOr<v1::Application> Review(const v1::ReviewApplicationRequest& request,
                                         const std::string& actor);
  absl::StatusOr<v1::Application> Get(const v1::GetApplicationRequest& request);
  absl::StatusOr<v1::ListApplicationsResponse> List(const v1::ListApplicationsRequest& request);

 private:
  // Withdraw and Cancel: the application ends as `to`, and a place it held
  // goes to the waitlist.
  absl::StatusOr<v1::Application> Leave(const std::string& name, const std::string& etag,
                                        v1::ApplicationState to, const std::string& reason,
                                        const Change& change, const std::string& fingerprint);
  // Commits `write` answering `application` (at its next etag).
  absl::StatusOr<v1::Application> Commit(ApplicationsWrite& write, v1::Application application,
                                         const std::string& fingerprint);

  ApplicationsStore* store_;
  clients::FirmDirectory* firms_;
  EligibilityCheck* eligibility_;
  LedgerOutbox* outbox_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
};

}  // namespace kexport::applications
