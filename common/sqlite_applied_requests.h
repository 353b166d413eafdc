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

// False when the request id was recorded already (a concurrent copy won).
absl::StatusOr<bool> RecordAppliedRequest(SqliteDatabase& db,
                                          const std::string& request_id,
                                          const AppliedRequest& applied);

}  // namespace kexport
