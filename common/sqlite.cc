#include "common/sqlite.h"

#include <sqlite3.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/macros.h"

namespace kexport {
namespace {

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  int code = sqlite3_extended_errcode(db);
  std::string message = absl::StrCat(what, ": ", sqlite3_errmsg(db));
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    return absl::UnavailableError(message);
  }
  if ((code & 0xff) == SQLITE_CONSTRAINT) {
    return absl::AlreadyExistsError(message);
  }
  // The disk (or the database's size limit) is full: nothing was written,
  // and writing can resume once there is room again.
  if ((code & 0xff) == SQLITE_FULL) {
    return absl::ResourceExhaustedError(message);
  }
  if ((code & 0xff) == SQLITE_IOERR) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

// Process-wide settings, before SQLite's first use. Every connection is
// used by one thread at a time (each store guards its own), so SQLite's
// allocation statistics, which take a global mutex on every malloc and free,
// buy nothing; and a statement's small allocations come from a larger
// per-connection lookaside pool instead of malloc.
// Both calls fail only once SQLite is in use (nothing here opens it first):
// then its defaults stay, which are correct, only slower.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 1200, 500);
    return true;
  }();
  (void)configured;
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* statement)
    : db_(db), statement_(statement) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

void SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void SqliteStatement::Bind(int index, absl::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(),
                    static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob(statement_, index, bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::BindNull(int index) { sqlite3_bind_null(statement_, index); }

absl::StatusOr<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return SqliteError(db_, "step");
}

absl::Status SqliteStatement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) {
      return absl::OkStatus();
    }
  }
}

int64_t SqliteStatement::ColumnInt(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string SqliteStatement::ColumnText(int index) const {
  return std::string(ColumnBytes(index));
}

absl::string_view SqliteStatement::ColumnBytes(int index) const {
  const void* data = sqlite3_column_blob(statement_, index);
  int size = sqlite3_column_bytes(statement_, index);
  // Never a null pointer, even for NULL or an empty blob: parsers may
  // copy from it.
  return data == nullptr ? absl::string_view("", 0)
                         : absl::string_view(static_cast<const char*>(data), size);
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

int SqliteStatement::Changes() const { return sqlite3_changes(db_); }

void SqliteStatement::Reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const std::string& path, const std::vector<Migration>& migrations) {
  ConfigureSqliteOnce();
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &handle,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(handle));
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(handle, 5000);
  RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->Execute("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(db->Execute("PRAGMA foreign_keys=ON"));
  // A savepoint keeps the pages its statements change in a sub-journal: in
  // memory, not a temporary file written page by page (a quarter of the
  // registry's import CPU went to those writes).
  RETURN_IF_ERROR(db->Execute("PRAGMA temp_store=MEMORY"));
  // Up to 16 MiB of pages, taken only as used: with the default 2 MiB a
  // batch transaction (500 imported firms, a draw's outcomes) spills.
  RETURN_IF_ERROR(db->Execute("PRAGMA cache_size=-16384"));
  RETURN_IF_ERROR(db->Migrate(migrations));
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  statements_.clear();
  sqlite3_close(db_);
}

absl::Status SqliteDatabase::Execute(absl::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    absl::Status status = SqliteError(db_, error != nullptr ? error : "exec");
    sqlite3_free(error);
    return status;
  }
  return absl::OkStatus();
}

absl::Status SqliteDatabase::BeginSavepoint(absl::string_view name) {
  ASSIGN_OR_RETURN(SqliteStatement * begin, Prepare(absl::StrCat("SAVEPOINT ", name)));
  return begin->Run();
}

absl::Status SqliteDatabase::EndSavepoint(absl::string_view name, bool keep) {
  if (!keep) {
    ASSIGN_OR_RETURN(SqliteStatement * undo, Prepare(absl::StrCat("ROLLBACK TO ", name)));
    RETURN_IF_ERROR(undo->Run());
  }
  ASSIGN_OR_RETURN(SqliteStatement * release, Prepare(absl::StrCat("RELEASE ", name)));
  return release->Run();
}

absl::StatusOr<SqliteStatement*> SqliteDatabase::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &statement,
                         nullptr) != SQLITE_OK) {
    return SqliteError(db_, absl::StrCat("prepare ", sql));
  }
  auto owned = std::make_unique<SqliteStatement>(db_, statement);
  SqliteStatement* result = owned.get();
  statements_.emplace(std::string(sql), std::move(owned));
  return result;
}

absl::Status SqliteDatabase::LimitSize(int64_t bytes) {
  if (bytes <= 0) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(SqliteStatement * page_size, Prepare("PRAGMA page_size"));
  ASSIGN_OR_RETURN(bool row, page_size->Step());
  int64_t size = row ? page_size->ColumnInt(0) : 4096;
  page_size->Reset();
  return Execute(absl::StrCat("PRAGMA max_page_count = ", std::max<int64_t>(1, bytes / size)));
}

absl::StatusOr<int> SqliteDatabase::SchemaVersion() {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  ASSIGN_OR_RETURN(bool row, query->Step());
  int version = row ? static_cast<int>(query->ColumnInt(0)) : 0;
  query->Reset();
  return version;
}

absl::Status SqliteDatabase::Migrate(const std::vector<Migration>& migrations) {
  RETURN_IF_ERROR(Execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"));
  ASSIGN_OR_RETURN(int current, SchemaVersion());
  for (const Migration& migration : migrations) {
    if (migration.version <= current) {
      continue;
    }
    SqliteTransaction tx(*this);
    RETURN_IF_ERROR(tx.begun());
    RETURN_IF_ERROR(Execute(migration.sql));
    ASSIGN_OR_RETURN(SqliteStatement * record,
                     Prepare("INSERT INTO schema_migrations(version) VALUES (?)"));
    record->Bind(1, static_cast<int64_t>(migration.version));
    RETURN_IF_ERROR(record->Run());
    RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

void SqlValues::BindTo(SqliteStatement& statement) const {
  int index = 1;
  for (const auto& value : values_) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      statement.Bind(index++, *number);
    } else {
      statement.Bind(index++, std::get<std::string>(value));
    }
  }
}

SqliteTransaction::SqliteTransaction(SqliteDatabase& db)
    : db_(db), begun_(db.Execute("BEGIN IMMEDIATE")) {
  done_ = !begun_.ok();
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) {
    db_.Execute("ROLLBACK").IgnoreError();
  }
}

absl::Status SqliteTransaction::Commit() {
  absl::Status status = db_.Execute("COMMIT");
  if (status.ok()) {
    done_ = true;
  }
  return status;
}

}  // namespace kexport
