// What the bookkeeping rules read and what they produce. The Bookkeeper
// reads the ledger through LedgerView and returns its changes as
// LedgerChanges; a store writes those in the transaction the view reads
// from. Neither side knows the other's implementation: SqliteLedgerStore is
// one, a PostgreSQL store can be another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::ledger {

using v1::Account;
using v1::Transfer;

// The head of the hash-chained journal.
struct JournalHead {
  int64_t sequence = 0;
  // 32-byte SHA-256 of the head entry; 32 zero bytes before the first.
  std::string hash = std::string(32, '\0');
  // The time of the head entry; entries' times strictly increase.
  absl::Time time = absl::InfinitePast();
};

// One append-only journal entry. The payload is what the hash covers.
struct JournalEntry {
  enum class Kind : char {
    kAccountOpened = 'A',
    kAccountClosed = 'C',
    kTransfer = 'T',
    kExpiry = 'E',
    kFiscalYearClosed = 'F',
  };
  int64_t sequence = 0;
  Kind kind = Kind::kTransfer;
  // A serialized Account (opened, closed) or Transfer (created, expired), or
  // for a closed fiscal year `{program}/fiscalYears/{year}`.
  std::string payload;
  std::string hash;
  absl::Time time;
};

// An account's balances right after a journal entry changed them.
struct BalanceChange {
  std::string account_id;
  v1::AccountBalance balance;
};

// A refused transfer, kept for auditors.
using RejectedTransfer = v1::RejectedTransfer;

// A programme's fiscal year, closed for good.
struct FiscalYearClosure {
  std::string program;
  int32_t fiscal_year = 0;
  absl::Time close_time;
  std::string closed_by;
  std::string reason;
};

class LedgerView {
 public:
  virtual ~LedgerView() = default;
  virtual absl::StatusOr<std::optional<Account>> FindAccount(
      const std::string& id) = 0;
  virtual absl::StatusOr<std::optional<Transfer>> FindTransfer(
      const std::string& id) = 0;
  // PENDING transfers still pending whose expire_time is at or before `now`,
  // in journal order.
  virtual absl::StatusOr<std::vector<Transfer>> DuePendingTransfers(
      absl::Time now) = 0;
  // Whether `program`'s fiscal year `year` is closed.
  virtual absl::StatusOr<bool> FiscalYearClosed(const std::string& program,
                                                int32_t year) = 0;
  // `program`'s PROGRAM_BUDGET account of `year` (the open one first).
  virtual absl::StatusOr<std::optional<Account>> ProgramBudget(
      const std::string& program, int32_t year) = 0;
  // Pending transfers still open (not yet expired by the journal) that touch
  // an account of `program` in `year`, in journal order.
  virtual absl::StatusOr<std::vector<Transfer>> OpenReservations(
      const std::string& program, int32_t year) = 0;
  virtual absl::StatusOr<JournalHead> Head() = 0;
};

// Everything one command changes, in the order it happened.
struct LedgerChanges {
  // Accounts created or whose balances or state changed (latest version).
  std::vector<Account> accounts;
  // Transfers created, and pending transfers whose state changed.
  std::vector<Transfer> transfers;
  std::vector<JournalEntry> journal;
  std::vector<BalanceChange> balances;
  std::vector<RejectedTransfer> rejected;
  std::vector<FiscalYearClosure> closed_fiscal_years;

  bool empty() const {
    return accounts.empty() && transfers.empty() && journal.empty() &&
           rejected.empty() && closed_fiscal_years.empty();
  }
};

}  // namespace kexport::ledger
