// Carries out the ledger steps awards are due (see award_ledger.h): after
// the change that made a step due has committed, a worker thread calls the
// ledger with the step's idempotent request and commits the answer. A crash
// anywhere leaves the award due, so the step is resent on restart and the
// ledger answers as the first time: nothing is lost and nothing applied
// twice. Calls that need the answer at once (a disbursement) Flush.
//
//   LedgerOutbox outbox(&store, &ledger, clock, absl::Seconds(1));
//   outbox.Start();
//   ... commit a change that makes a step due ...
//   outbox.Flush(absl::Seconds(2));
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/ledger_accounts.h"
#include "common/clock.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_store.h"
#include "services/applications/award_ledger.h"

namespace kexport::applications {

class LedgerOutbox final {
 public:
  // `interval`: how often due steps are retried while the ledger is away.
  LedgerOutbox(ApplicationsStore* store, clients::LedgerAccounts* ledger, Clock clock,
               absl::Duration interval);
  ~LedgerOutbox();

  void Start();
  // Runs a pass now and waits, at most `timeout`, until it has ended.
  void Flush(absl::Duration timeout);
  // Wakes the worker for a pass without waiting.
  void Wake();

  // One pass on the calling thread: every due step, oldest first. The first
  // error, after trying them all.
  absl::Status RunDue();

 private:
  absl::Status Step(v1::Award award);
  // The ledger's refusal, if it refused: the firm's accounts, its cap, then
  // the reservation.
  absl::StatusOr<std::optional<Refusal>> ReserveInLedger(const v1::Award& award,
                                                         const v1::Round& round,
                                                         int64_t per_firm_cap_won);
  // Reserved, or refused (true when the place goes to the waitlist).
  absl::StatusOr<bool> Reserve(v1::Award& award, const v1::Round& round,
                               v1::Application& application, const Change& change);
  absl::Status Post(v1::Award& award, const v1::Round& round);
  absl::Status Void(v1::Award& award);
  void Work();

  ApplicationsStore* store_;
  clients::LedgerAccounts* ledger_;
  Clock clock_;
  absl::Duration interval_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable pass_done_;
  bool stopping_ = false;
  uint64_t requested_ = 0;
  uint64_t completed_ = 0;
  std::thread worker_;
};

}  // namespace kexport::applications
