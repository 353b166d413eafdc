// The applied_requests table every SQLite store keeps for idempotent
// mutations (see common/idempotency.h): written in the transaction of the
// change it answers.
//
//   CREATE TABLE applied_requests (request_id TEXT PRIMARY KEY,
//     fingerprint BLOB NOT NULL, response BLOB NOT NULL) WITHOUT ROWID;
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/idempotency.h"
#include "common/sqlite.h"

namespace kexport {

absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
    SqliteDatabase& db, const std::string& request_id);

// Records `applied` under `request_id` (nothing for an empty id). ABORTED
// (REQUEST_ID_CONCURRENT) when a concurrent copy of the request recorded it
// first: the caller rolls back, and a retry reads the recorded response.
absl::Status RecordAppliedRequest(SqliteDatabase& db, const std::string& request_id,
                                  const AppliedRequest& applied);

}  // namespace kexport
