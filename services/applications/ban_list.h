// Firms barred from applying: bans recorded with their reason and period,
// and the applications in scope, not yet in progress, cancelled at once
// (their places going to the waitlist).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "clients/firm_directory.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/applications/applications_store.h"
#include "services/applications/ledger_outbox.h"

namespace kexport::applications {

class BanList final {
 public:
  BanList(ApplicationsStore* store, clients::FirmDirectory* firms, LedgerOutbox* outbox,
          Clock clock);

  absl::StatusOr<v1::FirmBan> Ban(const v1::BanFirmRequest& request, const std::string& actor);
  absl::StatusOr<v1::FirmBan> Get(const v1::GetFirmBanRequest& request);
  absl::StatusOr<v1::ListFirmBansResponse> List(const v1::ListFirmBansRequest& request);

 private:
  ApplicationsStore* store_;
  clients::FirmDirectory* firms_;
  LedgerOutbox* outbox_;
  Clock clock_;
  AppliedRequestLookup applied_requests_;
};

}  // namespace kexport::applications
