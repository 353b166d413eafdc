#include "services/ledger/sqlite_ledger_store.h"

#include <set>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/sqlite_applied_requests.h"
#include "common/sqlite_page.h"
#include "services/ledger/ledger_names.h"

namespace kexport::ledger {
namespace {

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  kind INTEGER NOT NULL,
  fiscal_year INTEGER NOT NULL,
  program TEXT NOT NULL,
  firm TEXT NOT NULL,
  state INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX accounts_by_program ON accounts(program, fiscal_year, kind);
CREATE INDEX accounts_by_create_time ON accounts(create_time_us, id);
CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL UNIQUE,
  debit_account TEXT NOT NULL,
  credit_account TEXT NOT NULL,
  reference TEXT NOT NULL,
  code INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  pending_state INTEGER NOT NULL,
  expire_time_us INTEGER,
  body BLOB NOT NULL
);
CREATE INDEX transfers_by_debit ON transfers(debit_account, sequence);
CREATE INDEX transfers_by_credit ON transfers(credit_account, sequence);
CREATE INDEX transfers_by_reference ON transfers(reference, sequence);
CREATE INDEX transfers_pending ON transfers(expire_time_us)
  WHERE pending_state = 1 AND expire_time_us IS NOT NULL;
CREATE TABLE journal (
  sequence INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  payload BLOB NOT NULL,
  hash BLOB NOT NULL
);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TABLE balance_history (
  account_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  change_time_us INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (account_id, sequence)
) WITHOUT ROWID;
CREATE TABLE rejected_transfers (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  debit_account TEXT NOT NULL,
  credit_account TEXT NOT NULL,
  result INTEGER NOT NULL,
  actor TEXT NOT NULL,
  reject_time_us INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE TRIGGER rejected_no_update BEFORE UPDATE ON rejected_transfers
  BEGIN SELECT RAISE(ABORT, 'rejected transfers are append-only'); END;
CREATE TRIGGER rejected_no_delete BEFORE DELETE ON rejected_transfers
  BEGIN SELECT RAISE(ABORT, 'rejected transfers are append-only'); END;
CREATE TABLE applied_requests (
  request_id TEXT PRIMARY KEY,
  fingerprint BLOB NOT NULL,
  response BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE fiscal_years (
  program TEXT NOT NULL,
  fiscal_year INTEGER NOT NULL,
  close_time_us INTEGER NOT NULL,
  closed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (program, fiscal_year)
) WITHOUT ROWID;
)sql"},
  };
  return *migrations;
}

template <typename Message>
absl::StatusOr<Message> Parse(absl::string_view bytes, absl::string_view what) {
  Message message;
  if (!ParseBytes(bytes, message)) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return message;
}

// Reads one record by primary key from `db`.
template <typename Message>
absl::StatusOr<std::optional<Message>> FindBody(SqliteDatabase& db,
                                                absl::string_view sql,
                                                const std::string& id,
                                                absl::string_view what) {
  ASSIGN_OR_RETURN(SqliteStatement * query, db.Prepare(sql));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, id);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return Parse<Message>(query->ColumnBytes(0), what);
}

absl::StatusOr<std::optional<Account>> FindAccountIn(SqliteDatabase& db,
                                                     const std::string& id) {
  ASSIGN_OR_RETURN(std::optional<Account> account,
                   FindBody<Account>(db, "SELECT body FROM accounts WHERE id = ?",
                                     id, "account"));
  if (account) {
    account = WithDerivedFields(*std::move(account));
  }
  return account;
}

absl::StatusOr<std::optional<Transfer>> FindTransferIn(SqliteDatabase& db,
                                                       const std::string& id) {
  return FindBody<Transfer>(db, "SELECT body FROM transfers WHERE id = ?", id,
                            "transfer");
}

absl::StatusOr<std::optional<Account>> FindProgramBudgetIn(
    SqliteDatabase& db, const std::string& program, int32_t year) {
  ASSIGN_OR_RETURN(
      SqliteStatement * query,
      db.Prepare("SELECT body FROM accounts WHERE program = ? AND fiscal_year = ?"
                 " AND kind = ? ORDER BY state LIMIT 1"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, program);
  query->Bind(2, static_cast<int64_t>(year));
  query->Bind(3, static_cast<int64_t>(v1::ACCOUNT_KIND_PROGRAM_BUDGET));
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  ASSIGN_OR_RETURN(Account account, Parse<Account>(query->ColumnBytes(0), "account"));
  return WithDerivedFields(std::move(account));
}

// Open pending transfers on `program`'s accounts of `year` not expired at
// `now_us`, from journal position `after`, at most `limit` (-1: all).
absl::StatusOr<std::vector<Transfer>> OpenReservationsIn(SqliteDatabase& db,
                                                         const std::string& program,
                                                         int32_t year, int64_t now_us,
                                                         int64_t after, int64_t limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement * query,
      db.Prepare("SELECT body FROM transfers t WHERE t.pending_state = 1"
                 " AND (t.expire_time_us IS NULL OR t.expire_time_us > ?)"
                 " AND t.sequence > ? AND EXISTS (SELECT 1 FROM accounts a"
                 " WHERE a.id IN (t.debit_account, t.credit_account)"
                 " AND a.program = ? AND a.fiscal_year = ?)"
                 " ORDER BY t.sequence LIMIT ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, now_us);
  query->Bind(2, after);
  query->Bind(3, program);
  query->Bind(4, static_cast<int64_t>(year));
  query->Bind(5, limit);
  std::vector<Transfer> open;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query->Step());
    if (!row) {
      return open;
    }
    ASSIGN_OR_RETURN(Transfer transfer, Parse<Transfer>(query->ColumnBytes(0), "transfer"));
    open.push_back(std::move(transfer));
  }
}

class SqliteLedgerBatch final : public LedgerBatch {
 public:
  SqliteLedgerBatch(std::unique_lock<std::mutex> lock, SqliteDatabase& db)
      : lock_(std::move(lock)), db_(db), transaction_(db) {}

  absl::Status begun() const { return transaction_.begun(); }

  absl::StatusOr<std::optional<Account>> FindAccount(const std::string& id) override {
    auto kept = accounts_.find(id);
    if (kept != accounts_.end()) {
      return kept->second;
    }
    ASSIGN_OR_RETURN(std::optional<Account> account, FindAccountIn(db_, id));
    accounts_.emplace(id, account);
    return account;
  }
  absl::StatusOr<std::optional<Transfer>> FindTransfer(const std::string& id) override {
    return FindTransferIn(db_, id);
  }

  absl::StatusOr<std::vector<Transfer>> DuePendingTransfers(absl::Time now) override {
    ASSIGN_OR_RETURN(
        SqliteStatement * query,
        db_.Prepare("SELECT body FROM transfers WHERE pending_state = 1 AND"
                    " expire_time_us IS NOT NULL AND expire_time_us <= ?"
                    " ORDER BY sequence"));
    absl::Cleanup reset = [query] { query->Reset(); };
    query->Bind(1, absl::ToUnixMicros(now));
    std::vector<Transfer> due;
    while (true) {
      ASSIGN_OR_RETURN(bool row, query->Step());
      if (!row) {
        return due;
      }
      ASSIGN_OR_RETURN(Transfer transfer, Parse<Transfer>(query->ColumnBytes(0), "transfer"));
      due.push_back(std::move(transfer));
    }
  }

  absl::StatusOr<bool> FiscalYearClosed(const std::string& program,
                                        int32_t year) override {
    ASSIGN_OR_RETURN(SqliteStatement * query,
                     db_.Prepare("SELECT 1 FROM fiscal_years WHERE program = ?"
                                 " AND fiscal_year = ?"));
    absl::Cleanup reset = [query] { query->Reset(); };
    query->Bind(1, program);
    query->Bind(2, static_cast<int64_t>(year));
    return query->Step();
  }

  absl::StatusOr<std::optional<Account>> ProgramBudget(const std::string& program,
                                                       int32_t year) override {
    RETURN_IF_ERROR(WriteKeptAccounts());
    return FindProgramBudgetIn(db_, program, year);
  }

  absl::StatusOr<std::vector<Transfer>> OpenReservations(const std::string& program,
                                                         int32_t year) override {
    RETURN_IF_ERROR(WriteKeptAccounts());
    // The batch swept expired transfers before its commands ran.
    return OpenReservationsIn(db_, program, year, INT64_MIN, 0, -1);
  }

  absl::StatusOr<JournalHead> Head() override {
    ASSIGN_OR_RETURN(SqliteStatement * query,
                     db_.Prepare("SELECT sequence, hash, time_us FROM journal"
                                 " ORDER BY sequence DESC LIMIT 1"));
    absl::Cleanup reset = [query] { query->Reset(); };
    JournalHead head;
    ASSIGN_OR_RETURN(bool found, query->Step());
    if (found) {
      head.sequence = query->ColumnInt(0);
      head.hash = query->ColumnText(1);
      head.time = absl::FromUnixMicros(query->ColumnInt(2));
    }
    return head;
  }

  absl::Status Write(const LedgerChanges& changes) override {
    ++write_calls_;
    for (const Account& account : changes.accounts) {
      accounts_[account.id()] = WithDerivedFields(account);
      unwritten_accounts_.insert(account.id());
    }
    for (const Transfer& transfer : changes.transfers) {
      RETURN_IF_ERROR(WriteTransfer(transfer));
    }
    for (const JournalEntry& entry : changes.journal) {
      RETURN_IF_ERROR(Run(
          "INSERT INTO journal(sequence, kind, time_us, payload, hash)"
          " VALUES (?, ?, ?, ?, ?)",
          [&](SqliteStatement& s) {
            s.Bind(1, entry.sequence);
            s.Bind(2, std::string(1, static_cast<char>(entry.kind)));
            s.Bind(3, absl::ToUnixMicros(entry.time));
            s.BindBlob(4, entry.payload);
            s.BindBlob(5, entry.hash);
          }));
    }
    for (const BalanceChange& change : changes.balances) {
      RETURN_IF_ERROR(Run(
          "INSERT INTO balance_history(account_id, sequence, change_time_us,"
          " body) VALUES (?, ?, ?, ?)",
          [&](SqliteStatement& s) {
            s.Bind(1, change.account_id);
            s.Bind(2, change.balance.journal_sequence());
            s.Bind(3, TimestampMicros(change.balance.change_time()));
            s.BindBlob(4, change.balance.SerializeAsString());
          }));
    }
    for (const RejectedTransfer& rejected : changes.rejected) {
      RETURN_IF_ERROR(Run(
          "INSERT INTO rejected_transfers(debit_account, credit_account, result,"
          " actor, reject_time_us, body) VALUES (?, ?, ?, ?, ?, ?)",
          [&](SqliteStatement& s) {
            s.Bind(1, AccountIdFromName(rejected.transfer().debit_account()));
            s.Bind(2, AccountIdFromName(rejected.transfer().credit_account()));
            s.Bind(3, static_cast<int64_t>(rejected.result()));
            s.Bind(4, rejected.actor());
            s.Bind(5, TimestampMicros(rejected.reject_time()));
            s.BindBlob(6, rejected.SerializeAsString());
          }));
    }
    for (const FiscalYearClosure& closure : changes.closed_fiscal_years) {
      RETURN_IF_ERROR(Run(
          "INSERT INTO fiscal_years(program, fiscal_year, close_time_us,"
          " closed_by, reason) VALUES (?, ?, ?, ?, ?)",
          [&](SqliteStatement& s) {
            s.Bind(1, closure.program);
            s.Bind(2, static_cast<int64_t>(closure.fiscal_year));
            s.Bind(3, absl::ToUnixMicros(closure.close_time));
            s.Bind(4, closure.closed_by);
            s.Bind(5, closure.reason);
          }));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) override {
    return kexport::FindAppliedRequest(db_, request_id);
  }

  absl::Status RecordAppliedRequest(const std::string& request_id,
                                    const AppliedRequest& applied) override {
    ++write_calls_;
    return kexport::RecordAppliedRequest(db_, request_id, applied);
  }

  // No savepoint per command: one copies every page the command touches
  // into a sub-journal, a sixth of the writer's time with single-transfer
  // commands. Commands write only once they have passed their checks, so
  // one that fails after writing is rare; its batch is redone without it.
  absl::Status BeginCommand() override {
    write_calls_before_command_ = write_calls_;
    return absl::OkStatus();
  }

  absl::Status EndCommand(bool keep) override {
    if (keep || write_calls_ == write_calls_before_command_) {
      return absl::OkStatus();
    }
    return absl::AbortedError("a command failed after it wrote; its batch is abandoned");
  }

  absl::Status Commit() override {
    RETURN_IF_ERROR(WriteKeptAccounts());
    return transaction_.Commit();
  }

 private:
  absl::Status Run(absl::string_view sql,
                   const std::function<void(SqliteStatement&)>& bind) {
    ASSIGN_OR_RETURN(SqliteStatement * statement, db_.Prepare(sql));
    bind(*statement);
    return statement->Run();
  }

  // Rows of the accounts changed since the last call; before any query
  // that reads accounts by more than their id, and before the commit.
  absl::Status WriteKeptAccounts() {
    for (const std::string& id : unwritten_accounts_) {
      absl::Status written = WriteAccount(*accounts_.at(id));
      // Commands wrote these long ago; whichever asked gets a store failure
      // that ends the batch, never a business answer such as ALREADY_EXISTS.
      if (absl::IsAlreadyExists(written)) {
        return absl::InternalError(absl::StrCat("account ", id, ": ", written.message()));
      }
      RETURN_IF_ERROR(written);
    }
    unwritten_accounts_.clear();
    return absl::OkStatus();
  }

  absl::Status WriteAccount(const Account& account) {
    Account stored = account;
    stored.clear_available();
    return Run(
        "INSERT INTO accounts(id, kind, fiscal_year, program, firm, state,"
        " create_time_us, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET state = excluded.state,"
        " body = excluded.body",
        [&](SqliteStatement& s) {
          s.Bind(1, stored.id());
          s.Bind(2, static_cast<int64_t>(stored.kind()));
          s.Bind(3, static_cast<int64_t>(stored.fiscal_year()));
          s.Bind(4, stored.program());
          s.Bind(5, stored.firm());
          s.Bind(6, static_cast<int64_t>(stored.state()));
          s.Bind(7, TimestampMicros(stored.create_time()));
          s.BindBlob(8, stored.SerializeAsString());
        });
  }

  absl::Status WriteTransfer(const Transfer& transfer) {
    return Run(
        "INSERT INTO transfers(id, sequence, debit_account, credit_account,"
        " reference, code, create_time_us, pending_state, expire_time_us, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET pending_state = excluded.pending_state,"
        " body = excluded.body",
        [&](SqliteStatement& s) {
          s.Bind(1, transfer.id());
          s.Bind(2, transfer.journal_sequence());
          s.Bind(3, AccountIdFromName(transfer.debit_account()));
          s.Bind(4, AccountIdFromName(transfer.credit_account()));
          s.Bind(5, transfer.reference());
          s.Bind(6, static_cast<int64_t>(transfer.code()));
          s.Bind(7, TimestampMicros(transfer.create_time()));
          s.Bind(8, static_cast<int64_t>(transfer.pending_state()));
          if (transfer.has_expire_time()) {
            s.Bind(9, TimestampMicros(transfer.expire_time()));
          } else {
            s.BindNull(9);
          }
          s.BindBlob(10, transfer.SerializeAsString());
        });
  }

  std::unique_lock<std::mutex> lock_;
  SqliteDatabase& db_;
  SqliteTransaction transaction_;
  // Every account this batch read or changed, as it now stands (nullopt:
  // none by that id). A transfer changes its two accounts: their rows are
  // written once per batch, not once per transfer, and read once.
  absl::flat_hash_map<std::string, std::optional<Account>> accounts_;
  // Ordered, so rows are written in the same order whatever the hashing.
  std::set<std::string> unwritten_accounts_;
  // Calls that wrote (or tried to), in all and before the running command.
  int64_t write_calls_ = 0;
  int64_t write_calls_before_command_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteLedgerStore>> SqliteLedgerStore::Open(
    const std::string& path, int64_t max_bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> writer,
                   SqliteDatabase::Open(path, Migrations()));
  RETURN_IF_ERROR(writer->LimitSize(max_bytes));
  // The writer has migrated the file: the other connections have nothing to run.
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> reader, SqliteDatabase::Open(path, {}));
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> audit, SqliteDatabase::Open(path, {}));
  return std::unique_ptr<SqliteLedgerStore>(new SqliteLedgerStore(
      std::move(writer), std::move(reader), std::move(audit)));
}

absl::StatusOr<std::unique_ptr<LedgerBatch>> SqliteLedgerStore::BeginBatch() {
  auto batch = std::make_unique<SqliteLedgerBatch>(
      std::unique_lock<std::mutex>(writer_mutex_), *writer_);
  RETURN_IF_ERROR(batch->begun());
  return batch;
}

absl::StatusOr<std::optional<Account>> SqliteLedgerStore::GetAccount(
    const std::string& id) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return FindAccountIn(*reader_, id);
}

absl::StatusOr<std::optional<Transfer>> SqliteLedgerStore::GetTransfer(
    const std::string& id) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return FindTransferIn(*reader_, id);
}

absl::StatusOr<Page<Account>> SqliteLedgerStore::ListAccounts(
    const AccountQuery& query) {
  std::string sql = "SELECT body, id, create_time_us FROM accounts WHERE 1 = 1";
  SqlValues values;
  const v1::AccountFilter& filter = query.filter;
  if (filter.fiscal_year() != 0) {
    sql += " AND fiscal_year = ?";
    values.Add(int64_t{filter.fiscal_year()});
  }
  if (!filter.program().empty()) {
    sql += " AND program = ?";
    values.Add(filter.program());
  }
  if (!filter.firm().empty()) {
    sql += " AND firm = ?";
    values.Add(filter.firm());
  }
  if (!filter.kinds().empty()) {
    sql += " AND kind IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.kinds());
  }
  if (filter.state() != v1::ACCOUNT_STATE_UNSPECIFIED) {
    sql += " AND state = ?";
    values.Add(int64_t{filter.state()});
  }
  const char* after = query.descending ? "<" : ">";
  const char* direction = query.descending ? "DESC" : "ASC";
  if (query.by_create_time) {
    if (query.page.after.size() == 2) {
      ASSIGN_OR_RETURN(int64_t micros, CursorNumber(query.page, 0));
      absl::StrAppend(&sql, " AND (create_time_us ", after,
                      " ? OR (create_time_us = ? AND id ", after, " ?))");
      values.Add(micros);
      values.Add(micros);
      values.Add(query.page.after[1]);
    }
    absl::StrAppend(&sql, " ORDER BY create_time_us ", direction, ", id ",
                    direction);
  } else {
    if (!query.page.after.empty()) {
      absl::StrAppend(&sql, " AND id ", after, " ?");
      values.Add(query.page.after[0]);
    }
    absl::StrAppend(&sql, " ORDER BY id ", direction);
  }
  sql += " LIMIT ?";
  values.Add(int64_t{query.page.size} + 1);

  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  const bool by_time = query.by_create_time;
  return ReadPage<Account>(
      *statement, query.page.size,
      [by_time](SqliteStatement& row) -> absl::StatusOr<PagedRow<Account>> {
        ASSIGN_OR_RETURN(Account account, Parse<Account>(row.ColumnBytes(0), "account"));
        std::vector<std::string> position =
            by_time ? std::vector<std::string>{absl::StrCat(row.ColumnInt(2)),
                                               row.ColumnText(1)}
                    : std::vector<std::string>{row.ColumnText(1)};
        return PagedRow<Account>{WithDerivedFields(std::move(account)),
                                 std::move(position)};
      });
}

absl::StatusOr<Page<Transfer>> SqliteLedgerStore::ListTransfers(
    const TransferQuery& query) {
  std::string sql = "SELECT body, sequence FROM transfers WHERE 1 = 1";
  SqlValues values;
  const v1::TransferFilter& filter = query.filter;
  if (!filter.account().empty()) {
    sql += " AND (debit_account = ? OR credit_account = ?)";
    values.Add(AccountIdFromName(filter.account()));
    values.Add(AccountIdFromName(filter.account()));
  }
  if (!filter.reference().empty()) {
    sql += " AND reference = ?";
    values.Add(filter.reference());
  }
  if (!filter.codes().empty()) {
    sql += " AND code IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.codes());
  }
  if (filter.has_start_time()) {
    sql += " AND create_time_us >= ?";
    values.Add(TimestampMicros(filter.start_time()));
  }
  if (filter.has_end_time()) {
    sql += " AND create_time_us < ?";
    values.Add(TimestampMicros(filter.end_time()));
  }
  if (!query.page.after.empty()) {
    ASSIGN_OR_RETURN(int64_t sequence, CursorNumber(query.page, 0));
    absl::StrAppend(&sql, " AND sequence ", query.descending ? "<" : ">", " ?");
    values.Add(sequence);
  }
  absl::StrAppend(&sql, " ORDER BY sequence ", query.descending ? "DESC" : "ASC",
                  " LIMIT ?");
  values.Add(int64_t{query.page.size} + 1);

  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<Transfer>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<Transfer>> {
        ASSIGN_OR_RETURN(Transfer transfer, Parse<Transfer>(row.ColumnBytes(0), "transfer"));
        return PagedRow<Transfer>{std::move(transfer),
                                  {absl::StrCat(row.ColumnInt(1))}};
      });
}

absl::StatusOr<Page<v1::AccountBalance>> SqliteLedgerStore::ListAccountBalances(
    const BalanceQuery& query) {
  ASSIGN_OR_RETURN(int64_t after, CursorNumber(query.page, 0));
  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * statement,
      reader_->Prepare("SELECT body, sequence FROM balance_history"
                       " WHERE account_id = ? AND sequence > ?"
                       " AND change_time_us >= ? AND change_time_us < ?"
                       " ORDER BY sequence LIMIT ?"));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  statement->Bind(1, query.account_id);
  statement->Bind(2, after);
  statement->Bind(3, query.start == absl::InfinitePast()
                         ? INT64_MIN
                         : absl::ToUnixMicros(query.start));
  statement->Bind(4, query.end == absl::InfiniteFuture()
                         ? INT64_MAX
                         : absl::ToUnixMicros(query.end));
  statement->Bind(5, static_cast<int64_t>(query.page.size + 1));
  return ReadPage<v1::AccountBalance>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::AccountBalance>> {
        ASSIGN_OR_RETURN(v1::AccountBalance balance,
                         Parse<v1::AccountBalance>(row.ColumnBytes(0), "balance"));
        return PagedRow<v1::AccountBalance>{std::move(balance),
                                            {absl::StrCat(row.ColumnInt(1))}};
      });
}

absl::StatusOr<Page<RejectedTransfer>> SqliteLedgerStore::ListRejectedTransfers(
    const RejectedQuery& query) {
  std::string sql = "SELECT body, sequence FROM rejected_transfers r WHERE 1 = 1";
  SqlValues values;
  const v1::RejectedTransferFilter& filter = query.filter;
  if (!filter.account().empty()) {
    sql += " AND (r.debit_account = ? OR r.credit_account = ?)";
    values.Add(AccountIdFromName(filter.account()));
    values.Add(AccountIdFromName(filter.account()));
  }
  if (!filter.program().empty() || filter.fiscal_year() != 0) {
    sql += " AND EXISTS (SELECT 1 FROM accounts a WHERE a.id IN"
           " (r.debit_account, r.credit_account)";
    if (!filter.program().empty()) {
      sql += " AND a.program = ?";
      values.Add(filter.program());
    }
    if (filter.fiscal_year() != 0) {
      sql += " AND a.fiscal_year = ?";
      values.Add(int64_t{filter.fiscal_year()});
    }
    sql += ")";
  }
  if (!filter.results().empty()) {
    sql += " AND r.result IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.results());
  }
  if (!filter.actor().empty()) {
    sql += " AND r.actor = ?";
    values.Add(filter.actor());
  }
  if (filter.has_start_time()) {
    sql += " AND r.reject_time_us >= ?";
    values.Add(TimestampMicros(filter.start_time()));
  }
  if (filter.has_end_time()) {
    sql += " AND r.reject_time_us < ?";
    values.Add(TimestampMicros(filter.end_time()));
  }
  if (!query.page.after.empty()) {
    ASSIGN_OR_RETURN(int64_t sequence, CursorNumber(query.page, 0));
    absl::StrAppend(&sql, " AND r.sequence ", query.descending ? "<" : ">", " ?");
    values.Add(sequence);
  }
  absl::StrAppend(&sql, " ORDER BY r.sequence ",
                  query.descending ? "DESC" : "ASC", " LIMIT ?");
  values.Add(int64_t{query.page.size} + 1);

  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<RejectedTransfer>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<RejectedTransfer>> {
        ASSIGN_OR_RETURN(RejectedTransfer rejected,
                         Parse<RejectedTransfer>(row.ColumnBytes(0), "rejected transfer"));
        int64_t sequence = row.ColumnInt(1);
        rejected.set_sequence(sequence);
        rejected.set_name(absl::StrCat("rejectedTransfers/", sequence));
        return PagedRow<RejectedTransfer>{std::move(rejected),
                                          {absl::StrCat(sequence)}};
      });
}

absl::StatusOr<std::optional<Account>> SqliteLedgerStore::FindProgramBudget(
    const std::string& program, int32_t year) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  return FindProgramBudgetIn(*reader_, program, year);
}

absl::Status SqliteLedgerStore::ForEachTransferOf(
    const std::string& account_id,
    const std::function<absl::Status(const Transfer&)>& visit) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   reader_->Prepare("SELECT body FROM transfers WHERE"
                                    " debit_account = ?1 OR credit_account = ?1"
                                    " ORDER BY sequence"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, account_id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, query->Step());
    if (!row) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Transfer transfer, Parse<Transfer>(query->ColumnBytes(0), "transfer"));
    RETURN_IF_ERROR(visit(transfer));
  }
}

absl::StatusOr<int64_t> SqliteLedgerStore::CountRejected(const std::string& program,
                                                         int32_t year) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * query,
      reader_->Prepare("SELECT COUNT(*) FROM rejected_transfers r WHERE EXISTS"
                       " (SELECT 1 FROM accounts a WHERE a.id IN"
                       " (r.debit_account, r.credit_account) AND a.program = ?"
                       " AND a.fiscal_year = ?)"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, program);
  query->Bind(2, static_cast<int64_t>(year));
  ASSIGN_OR_RETURN(bool row, query->Step());
  return row ? query->ColumnInt(0) : 0;
}

absl::StatusOr<std::optional<FiscalYearClosure>> SqliteLedgerStore::FindClosure(
    const std::string& program, int32_t year) {
  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   reader_->Prepare("SELECT close_time_us, closed_by, reason FROM"
                                    " fiscal_years WHERE program = ? AND"
                                    " fiscal_year = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, program);
  query->Bind(2, static_cast<int64_t>(year));
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return FiscalYearClosure{program, year, absl::FromUnixMicros(query->ColumnInt(0)),
                           query->ColumnText(1), query->ColumnText(2)};
}

absl::StatusOr<Page<Transfer>> SqliteLedgerStore::ListOpenReservations(
    const std::string& program, int32_t year, absl::Time now,
    const PageRequest& page) {
  ASSIGN_OR_RETURN(int64_t after, CursorNumber(page, 0));
  std::lock_guard<std::mutex> lock(reader_mutex_);
  ASSIGN_OR_RETURN(std::vector<Transfer> open,
                   OpenReservationsIn(*reader_, program, year,
                                      absl::ToUnixMicros(now), after, page.size + 1));
  Page<Transfer> result;
  for (Transfer& transfer : open) {
    if (static_cast<int>(result.items.size()) == page.size) {
      result.next = {absl::StrCat(result.items.back().journal_sequence())};
      break;
    }
    result.items.push_back(std::move(transfer));
  }
  return result;
}

absl::Status SqliteLedgerStore::ScanForAudit(
    const std::function<absl::Status(const JournalEntry&)>& on_entry,
    const std::function<absl::Status(const Account&)>& on_account) {
  // Its own connection: a long audit does not hold up other reads.
  std::lock_guard<std::mutex> lock(audit_mutex_);
  // One read transaction: the journal and the accounts of one moment.
  RETURN_IF_ERROR(audit_->Execute("BEGIN"));
  absl::Cleanup end = [this] { audit_->Execute("COMMIT").IgnoreError(); };
  {
    ASSIGN_OR_RETURN(SqliteStatement * entries,
                     audit_->Prepare("SELECT sequence, kind, time_us, payload,"
                                     " hash FROM journal ORDER BY sequence"));
    absl::Cleanup reset = [entries] { entries->Reset(); };
    while (true) {
      ASSIGN_OR_RETURN(bool row, entries->Step());
      if (!row) {
        break;
      }
      JournalEntry entry;
      entry.sequence = entries->ColumnInt(0);
      std::string kind = entries->ColumnText(1);
      entry.kind = static_cast<JournalEntry::Kind>(kind.empty() ? '?' : kind[0]);
      entry.time = absl::FromUnixMicros(entries->ColumnInt(2));
      entry.payload = entries->ColumnText(3);
      entry.hash = entries->ColumnText(4);
      RETURN_IF_ERROR(on_entry(entry));
    }
  }
  ASSIGN_OR_RETURN(SqliteStatement * accounts,
                   audit_->Prepare("SELECT body FROM accounts ORDER BY id"));
  absl::Cleanup reset = [accounts] { accounts->Reset(); };
  while (true) {
    ASSIGN_OR_RETURN(bool row, accounts->Step());
    if (!row) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(Account account, Parse<Account>(accounts->ColumnText(0), "account"));
    RETURN_IF_ERROR(on_account(account));
  }
}

}  // namespace kexport::ledger
