// Awards after the selection: disbursements posted against the reservation,
// completion and early release (the rest voided), the round's close, and
// the year's awards as open data.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "clients/firm_directory.h"
#include "clients/ledger_accounts.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/applications/applications_store.h"
#include "services/applications/ledger_outbox.h"
#include "services/applications/open_data.h"

namespace kexport::applications {

class AwardOffice final {
 public:
  // `ledger_wait`: how long a call that moves money waits for the ledger's
  // answer before it answers with the step still due.
  AwardOffice(ApplicationsStore* store, clients::LedgerAccounts* ledger,
              clients::FirmDirectory* firms, LedgerOutbox* outbox, OpenDataSettings open_data,
              absl::Duration ledger_wait, Clock clock);

  absl::StatusOr<v1::Award> Get(const v1::GetAwardRequest& request);
  absl::StatusOr<v1::ListAwardsResponse> List(const v1::ListAwardsRequest& request);
  absl::StatusOr<v1::Award> RecordDisbursement(const v1::RecordDisbursementRequest& request,
                                               const std::string& actor);
  absl::StatusOr<v1::Award> Complete(const v1::CompleteAwardRequest& request,
                                     const std::string& actor);
  absl::StatusOr<v1::Award> Release(const v1::ReleaseAwardRequest& request,
                                    const std::string& actor);
  absl::StatusOr<v1::Round> FinalizeRound(const v1::FinalizeRoundRequest& request,
                                          const std::string& actor);
  absl::StatusOr<v1::ExportOpenDataResponse> ExportOpenData(
      const v1::ExportOpenDataRequest& request);

 private:
  // Complete and Release: the award ends as `to` and its application as
  // `application_to`; a released place may go to the waitlist.
  absl::StatusOr<v1::Award> End(const std::string& name, const std::string& etag,
                                v1::AwardState to, v1::ApplicationState application_to,
                                const std::string& reason, bool promote, const Change& change,
                                const std::string& fingerprint);
  // The award as it stands once the outbox has had `ledger_wait_` to carry
  // out what the change made due.
  absl::StatusOr<v1::Award> AfterLedger(const std::string& name);

  ApplicationsStore* store_;
  clients::LedgerAccounts* ledger_;
  clients::FirmDirectory* firms_;
  LedgerOutbox* outbox_;
  OpenDataSettings open_data_;
  absl::Duration ledger_wait_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
};

}  // namespace kexport::applications
