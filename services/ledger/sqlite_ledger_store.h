// LedgerStore on an embedded SQLite database: one connection writes (one
// batch at a time), another reads committed data, so reads never wait for
// an fsync, and a third serves audits, which scan everything. Records are kept as serialized protobufs beside the columns
// queries need; the journal, the balance history and the rejected attempts
// are append-only (triggers refuse UPDATE and DELETE).
//
//   ASSIGN_OR_RETURN(auto store, SqliteLedgerStore::Open("/data/ledger.db"));
//   ASSIGN_OR_RETURN(auto batch, store->BeginBatch());
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/sqlite.h"
#include "services/ledger/ledger_store.h"

namespace kexport::ledger {

class SqliteLedgerStore final : public LedgerStore {
 public:
  // `max_bytes` > 0 caps the database's size (an operator's quota): writes
  // past it fail with RESOURCE_EXHAUSTED, reads go on.
  static absl::StatusOr<std::unique_ptr<SqliteLedgerStore>> Open(
      const std::string& path, int64_t max_bytes = 0);

  absl::StatusOr<std::unique_ptr<LedgerBatch>> BeginBatch() override;

  absl::StatusOr<std::optional<Account>> GetAccount(const std::string& id) override;
  absl::StatusOr<Page<Account>> ListAccounts(const AccountQuery& query) override;
  absl::StatusOr<std::optional<Transfer>> GetTransfer(const std::string& id) override;
  absl::StatusOr<Page<Transfer>> ListTransfers(const TransferQuery& query) override;
  absl::StatusOr<Page<v1::AccountBalance>> ListAccountBalances(
      const BalanceQuery& query) override;
  absl::StatusOr<Page<RejectedTransfer>> ListRejectedTransfers(
      const RejectedQuery& query) override;
  absl::StatusOr<std::optional<Account>> FindProgramBudget(
      const std::string& program, int32_t year) override;
  absl::Status ForEachTransferOf(
      const std::string& account_id,
      const std::function<absl::Status(const Transfer&)>& visit) override;
  absl::StatusOr<int64_t> CountRejected(const std::string& program,
                                        int32_t year) override;
  absl::StatusOr<std::optional<FiscalYearClosure>> FindClosure(
      const std::string& program, int32_t year) override;
  absl::StatusOr<Page<Transfer>> ListOpenReservations(
      const std::string& program, int32_t year, absl::Time now,
      const PageRequest& page) override;
  absl::Status ScanForAudit(
      const std::function<absl::Status(const JournalEntry&)>& on_entry,
      const std::function<absl::Status(const Account&)>& on_account) override;

 private:
  SqliteLedgerStore(std::unique_ptr<SqliteDatabase> writer,
                    std::unique_ptr<SqliteDatabase> reader,
                    std::unique_ptr<SqliteDatabase> audit)
      : writer_(std::move(writer)),
        reader_(std::move(reader)),
        audit_(std::move(audit)) {}

  // Batches run one at a time on the writer.
  std::mutex writer_mutex_;
  std::unique_ptr<SqliteDatabase> writer_;
  std::mutex reader_mutex_;
  std::unique_ptr<SqliteDatabase> reader_;
  std::mutex audit_mutex_;
  std::unique_ptr<SqliteDatabase> audit_;
};

}  // namespace kexport::ledger
