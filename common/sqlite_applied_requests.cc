#include "common/sqlite_applied_requests.h"

#include "absl/cleanup/cleanup.h"
#include "common/errors.h"
#include "common/macros.h"

namespace kexport {

absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
    SqliteDatabase& db, const std::string& request_id) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare("SELECT fingerprint, response FROM applied_requests"
                              " WHERE request_id = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, request_id);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return AppliedRequest{query->ColumnText(0), query->ColumnText(1)};
}

absl::Status RecordAppliedRequest(SqliteDatabase& db, const std::string& request_id,
                                  const AppliedRequest& applied) {
  if (request_id.empty()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare("INSERT OR IGNORE INTO applied_requests(request_id,"
                              " fingerprint, response) VALUES (?, ?, ?)"));
  insert->Bind(1, request_id);
  insert->BindBlob(2, applied.fingerprint);
  insert->BindBlob(3, applied.response);
  RETURN_IF_ERROR(insert->Run());
  if (insert->Changes() != 1) {
    return AbortedError("REQUEST_ID_CONCURRENT",
                        "the same request_id was applied concurrently; retry to read it");
  }
  return absl::OkStatus();
}

}  // namespace kexport
