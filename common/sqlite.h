// A small SQLite layer: a connection opened in WAL mode with synchronous=FULL
// (an acknowledged commit survives power loss) and a busy timeout, prepared
// statements cached per SQL text, transactions, and versioned migrations run
// at open. Not thread-safe: a store guards its database with one mutex.
//
//   ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(path, kMigrations));
//   SqliteTransaction tx(*db);
//   ASSIGN_OR_RETURN(SqliteStatement* insert, db->Prepare("INSERT ..."));
//   insert->Bind(1, brn);
//   RETURN_IF_ERROR(insert->Run());
//   RETURN_IF_ERROR(tx.Commit());
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kexport {

// One schema step. Versions start at 1 and never change once released.
struct Migration {
  int version;
  const char* sql;
};

class SqliteStatement final {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are numbered from 1.
  void Bind(int index, int64_t value);
  void Bind(int index, absl::string_view text);
  void BindBlob(int index, absl::string_view bytes);
  void BindNull(int index);

  // Steps once: true when a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, for statements that return no rows.
  absl::Status Run();

  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  // The column's bytes in place, without a copy: valid until the next Step
  // or Reset (a Prepare of the same SQL resets it) and until another type
  // is asked of the column. Parse a stored body straight from them.
  absl::string_view ColumnBytes(int index) const;
  bool ColumnIsNull(int index) const;

  // Rows changed by the last Run.
  int Changes() const;

  // Clears bindings and rewinds, ready for reuse.
  void Reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

class SqliteDatabase final {
 public:
  // Opens (creating when missing) and migrates to the newest version.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(
      const std::string& path, const std::vector<Migration>& migrations);
  ~SqliteDatabase();

  absl::Status Execute(absl::string_view sql);

  // A cached statement, reset and unbound, valid until the database closes.
  absl::StatusOr<SqliteStatement*> Prepare(absl::string_view sql);

  // Opens savepoint `name` inside the open transaction, and ends it keeping
  // or undoing what was done since. On cached statements: Execute would
  // compile the SQL again, a cost per row or per command in batches.
  absl::Status BeginSavepoint(absl::string_view name);
  absl::Status EndSavepoint(absl::string_view name, bool keep);

  // The highest migration applied.
  absl::StatusOr<int> SchemaVersion();

  // Refuses to grow past `bytes` (0: no limit): writes then fail with
  // RESOURCE_EXHAUSTED, as on a full disk.
  absl::Status LimitSize(int64_t bytes);

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  absl::Status Migrate(const std::vector<Migration>& migrations);

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>>
      statements_;
};

// Values for a statement assembled piece by piece, bound in order.
//
//   SqlValues values;
//   if (year != 0) { sql += " AND fiscal_year = ?"; values.Add(year); }
//   values.BindTo(*statement);
class SqlValues final {
 public:
  void Add(int64_t value) { values_.emplace_back(value); }
  void Add(std::string value) { values_.emplace_back(std::move(value)); }
  // Integers (or enum values) as one JSON array, for a filter written
  // `column IN (SELECT value FROM json_each(?))`.
  template <typename Numbers>
  void AddNumberList(const Numbers& numbers) {
    Add(absl::StrCat("[", absl::StrJoin(numbers, ","), "]"));
  }
  void BindTo(SqliteStatement& statement) const;

 private:
  std::vector<std::variant<int64_t, std::string>> values_;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless committed.
class SqliteTransaction final {
 public:
  explicit SqliteTransaction(SqliteDatabase& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  // The status of BEGIN; check before doing work.
  const absl::Status& begun() const { return begun_; }
  absl::Status Commit();

 private:
  SqliteDatabase& db_;
  absl::Status begun_;
  bool done_ = false;
};

}  // namespace kexport
