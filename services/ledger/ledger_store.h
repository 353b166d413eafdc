// Where the ledger is kept. Writes go through a LedgerBatch: one durable
// transaction that several commands share (group commit), each command
// in its own scope. Reads go straight to the store and see only
// committed batches. SqliteLedgerStore is the embedded implementation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/idempotency.h"
#include "common/page_token.h"
#include "services/ledger/ledger_state.h"

namespace kexport::ledger {

// One write transaction, open until Commit (or destruction, which rolls it
// back). The LedgerView it offers sees every write made through it.
class LedgerBatch : public LedgerView {
 public:
  // Makes `changes` part of the transaction.
  virtual absl::Status Write(const LedgerChanges& changes) = 0;

  virtual absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) = 0;
  virtual absl::Status RecordAppliedRequest(const std::string& request_id,
                                            const AppliedRequest& applied) = 0;

  // A command's own scope, from BeginCommand to EndCommand. EndCommand(true)
  // keeps what the command wrote; EndCommand(false) is OK for a command that
  // wrote nothing. For one that did, a store that cannot undo one command
  // alone answers ABORTED: the batch must then be abandoned (its caller
  // redoes it without that command).
  virtual absl::Status BeginCommand() = 0;
  virtual absl::Status EndCommand(bool keep) = 0;

  // Durable on OK (one fsync for the whole batch).
  virtual absl::Status Commit() = 0;
};

struct AccountQuery {
  v1::AccountFilter filter;
  bool by_create_time = false;
  bool descending = false;
  PageRequest page;
};

struct TransferQuery {
  v1::TransferFilter filter;
  bool descending = false;
  PageRequest page;
};

struct BalanceQuery {
  std::string account_id;
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  PageRequest page;
};

struct RejectedQuery {
  v1::RejectedTransferFilter filter;
  bool descending = false;
  PageRequest page;
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // Starts the next write transaction; one at a time.
  virtual absl::StatusOr<std::unique_ptr<LedgerBatch>> BeginBatch() = 0;

  virtual absl::StatusOr<std::optional<Account>> GetAccount(
      const std::string& id) = 0;
  virtual absl::StatusOr<Page<Account>> ListAccounts(const AccountQuery& query) = 0;
  virtual absl::StatusOr<std::optional<Transfer>> GetTransfer(
      const std::string& id) = 0;
  virtual absl::StatusOr<Page<Transfer>> ListTransfers(
      const TransferQuery& query) = 0;
  virtual absl::StatusOr<Page<v1::AccountBalance>> ListAccountBalances(
      const BalanceQuery& query) = 0;
  virtual absl::StatusOr<Page<RejectedTransfer>> ListRejectedTransfers(
      const RejectedQuery& query) = 0;

  // What a budget report is made of.
  virtual absl::StatusOr<std::optional<Account>> FindProgramBudget(
      const std::string& program, int32_t year) = 0;
  // Every transfer debiting or crediting the account, in journal order, as
  // of one moment. `visit` must not call back into the store.
  virtual absl::Status ForEachTransferOf(
      const std::string& account_id,
      const std::function<absl::Status(const Transfer&)>& visit) = 0;
  // Refused attempts touching an account of `program` in `year`.
  virtual absl::StatusOr<int64_t> CountRejected(const std::string& program,
                                                int32_t year) = 0;
  virtual absl::StatusOr<std::optional<FiscalYearClosure>> FindClosure(
      const std::string& program, int32_t year) = 0;
  // Pending transfers on `program`'s accounts of `year` still open at `now`
  // (not expired, even if not swept yet), paged by journal position.
  virtual absl::StatusOr<Page<Transfer>> ListOpenReservations(
      const std::string& program, int32_t year, absl::Time now,
      const PageRequest& page) = 0;

  // Every journal entry in order, then every account, as of one moment:
  // what an audit recomputes and compares.
  virtual absl::Status ScanForAudit(
      const std::function<absl::Status(const JournalEntry&)>& on_entry,
      const std::function<absl::Status(const Account&)>& on_account) = 0;
};

}  // namespace kexport::ledger
