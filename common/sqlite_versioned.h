// Writing a versioned record: its serialized body beside a version (its
// etag) and the columns queries need, inserted when its etag is "" and
// otherwise updated only at the version the etag names, so a record
// changed since it was read fails with ABORTED (ETAG_MISMATCH).
// ReadVersionedRecords (common/sqlite_page.h) reads them back.
//
//   RETURN_IF_ERROR(WriteVersionedRecord(db, "rounds", {"name", round.name()}, round,
//                                        {{"start_us", start}}));
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "common/sqlite.h"

namespace kexport {

// Columns kept beside the body, as (name, value).
using SqlColumns = std::vector<std::pair<std::string, std::variant<int64_t, std::string>>>;

// The column that identifies a row, and its value.
struct RowKey {
  std::string column;
  std::string value;
};

// Writes `body` into `table` and returns the row's new version. An insert
// that meets a unique constraint fails with ALREADY_EXISTS
// (`{TABLE singular}_EXISTS`, naming `record_name`). `unwritten_versions`:
// versions the record moved on by without its row being rewritten (a change
// kept apart and shown on read), so the row is at the etag's version less
// these; it moves to the etag's version plus one.
absl::StatusOr<int64_t> WriteVersionedRow(SqliteDatabase& db, const std::string& table,
                                          const RowKey& key, const std::string& record_name,
                                          const std::string& etag, const std::string& body,
                                          const SqlColumns& columns,
                                          int64_t unwritten_versions = 0);

// `record` (a message with `name` and `etag`) written by WriteVersionedRow,
// its etag set to the new version.
template <typename Message>
absl::Status WriteVersionedRecord(SqliteDatabase& db, const std::string& table,
                                  const RowKey& key, Message& record,
                                  const SqlColumns& columns, int64_t unwritten_versions = 0) {
  // The body is stored without the etag; serialized in place, not copied
  // (a selection's record runs to megabytes).
  const std::string etag = record.etag();
  record.clear_etag();
  const std::string body = record.SerializeAsString();
  record.set_etag(etag);
  ASSIGN_OR_RETURN(int64_t version, WriteVersionedRow(db, table, key, record.name(), etag, body,
                                                      columns, unwritten_versions));
  record.set_etag(absl::StrCat(version));
  return absl::OkStatus();
}

}  // namespace kexport
