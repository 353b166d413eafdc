#include "services/designation/sqlite_designation_store.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/record_version.h"
#include "common/sqlite_applied_requests.h"
#include "common/sqlite_page.h"
#include "common/sqlite_versioned.h"
#include "services/designation/designation_names.h"

namespace kexport::designation {
namespace {

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  firm TEXT NOT NULL,
  state INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  final INTEGER NOT NULL,
  submit_time_us INTEGER NOT NULL,
  update_time_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX applications_by_firm ON applications(firm, final);
-- One application in progress per firm, even under concurrent submissions.
CREATE UNIQUE INDEX applications_open_per_firm ON applications(firm) WHERE final = 0;
CREATE INDEX applications_by_submit_time ON applications(submit_time_us, id);
CREATE INDEX applications_by_update_time ON applications(update_time_us, id);
CREATE TABLE designations (
  id TEXT PRIMARY KEY,
  firm TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX designations_by_firm ON designations(firm, create_time_us);
CREATE TABLE annual_reviews (
  year INTEGER PRIMARY KEY,
  body BLOB NOT NULL
);
CREATE TABLE applied_requests (
  request_id TEXT PRIMARY KEY,
  fingerprint BLOB NOT NULL,
  response BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
  };
  return *migrations;
}

absl::Status WriteApplication(SqliteDatabase& db, v1::DesignationApplication& application) {
  absl::Status written = WriteVersionedRecord(
      db, "applications", {"id", ApplicationId(application.name())}, application,
      {{"state", int64_t{application.state()}},
       {"kind", int64_t{application.kind()}},
       {"final", int64_t{IsFinal(application.state())}},
       {"update_time_us", TimestampMicros(application.update_time())},
       {"firm", application.firm()},
       {"submit_time_us", TimestampMicros(application.submit_time())}});
  if (absl::IsAlreadyExists(written)) {
    return AlreadyExistsError(
        "APPLICATION_IN_PROGRESS",
        absl::StrCat(application.firm(), " already has an application in progress"));
  }
  return written;
}

absl::Status WriteDesignation(SqliteDatabase& db, v1::Designation& designation) {
  return WriteVersionedRecord(db, "designations", {"id", DesignationId(designation.name())},
                              designation,
                              {{"firm", designation.firm()},
                               {"create_time_us", TimestampMicros(designation.create_time())}});
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteDesignationStore>> SqliteDesignationStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                   SqliteDatabase::Open(path, Migrations()));
  return std::unique_ptr<SqliteDesignationStore>(new SqliteDesignationStore(std::move(db)));
}

absl::StatusOr<std::optional<AppliedRequest>> SqliteDesignationStore::FindAppliedRequest(
    const std::string& request_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return kexport::FindAppliedRequest(*db_, request_id);
}

absl::Status SqliteDesignationStore::Commit(DesignationWrite& write) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction tx(*db_);
  RETURN_IF_ERROR(tx.begun());
  for (v1::DesignationApplication& application : write.applications) {
    RETURN_IF_ERROR(WriteApplication(*db_, application));
  }
  for (v1::Designation& designation : write.designations) {
    RETURN_IF_ERROR(WriteDesignation(*db_, designation));
  }
  if (write.annual_review) {
    ASSIGN_OR_RETURN(SqliteStatement * insert,
                     db_->Prepare("INSERT INTO annual_reviews(year, body) VALUES (?, ?)"));
    insert->Bind(1, static_cast<int64_t>(write.annual_review->year()));
    insert->BindBlob(2, write.annual_review->SerializeAsString());
    RETURN_IF_ERROR(insert->Run());
  }
  RETURN_IF_ERROR(RecordAppliedRequest(*db_, write.request_id, write.applied));
  return tx.Commit();
}

absl::StatusOr<std::optional<v1::DesignationApplication>>
SqliteDesignationStore::GetApplication(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db_->Prepare("SELECT body, version FROM applications WHERE id = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, id);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return ParseVersioned<v1::DesignationApplication>(query->ColumnBytes(0), query->ColumnInt(1));
}

absl::StatusOr<std::optional<v1::DesignationApplication>>
SqliteDesignationStore::OpenApplication(const std::string& firm) {
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db_->Prepare("SELECT body, version FROM applications"
                                " WHERE firm = ? AND final = 0 LIMIT 1"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, firm);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return ParseVersioned<v1::DesignationApplication>(query->ColumnBytes(0), query->ColumnInt(1));
}

absl::StatusOr<Page<v1::DesignationApplication>> SqliteDesignationStore::ListApplications(
    const ApplicationQuery& query) {
  const char* time_column = query.by_update_time ? "update_time_us" : "submit_time_us";
  std::string sql = absl::StrCat("SELECT body, version, id, ", time_column,
                                 " FROM applications WHERE 1 = 1");
  SqlValues values;
  const auto& filter = query.filter;
  if (!filter.firm().empty()) {
    sql += " AND firm = ?";
    values.Add(filter.firm());
  }
  if (!filter.states().empty()) {
    sql += " AND state IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.states());
  }
  if (filter.kind() != v1::DESIGNATION_KIND_UNSPECIFIED) {
    sql += " AND kind = ?";
    values.Add(int64_t{filter.kind()});
  }
  if (filter.submit_year() != 0) {
    absl::TimeZone korea = KoreaTimeZone();
    sql += " AND submit_time_us >= ? AND submit_time_us < ?";
    for (int32_t year : {filter.submit_year(), filter.submit_year() + 1}) {
      values.Add(absl::ToUnixMicros(absl::FromCivil(absl::CivilYear(year), korea)));
    }
  }
  const char* after = query.descending ? "<" : ">";
  if (query.page.after.size() == 2) {
    ASSIGN_OR_RETURN(int64_t micros, CursorNumber(query.page, 0));
    absl::StrAppend(&sql, " AND (", time_column, " ", after, " ? OR (", time_column,
                    " = ? AND id ", after, " ?))");
    values.Add(micros);
    values.Add(micros);
    values.Add(query.page.after[1]);
  }
  const char* direction = query.descending ? "DESC" : "ASC";
  absl::StrAppend(&sql, " ORDER BY ", time_column, " ", direction, ", id ", direction,
                  " LIMIT ?");
  values.Add(int64_t{query.page.size} + 1);

  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, db_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<v1::DesignationApplication>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::DesignationApplication>> {
        ASSIGN_OR_RETURN(v1::DesignationApplication application,
                         ParseVersioned<v1::DesignationApplication>(row.ColumnBytes(0),
                                                           row.ColumnInt(1)));
        return PagedRow<v1::DesignationApplication>{
            std::move(application), {absl::StrCat(row.ColumnInt(3)), row.ColumnText(2)}};
      });
}

absl::StatusOr<std::optional<v1::Designation>> SqliteDesignationStore::GetDesignation(
    const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqlValues values;
  values.Add(id);
  ASSIGN_OR_RETURN(std::vector<v1::Designation> found,
                   ReadVersionedRecords<v1::Designation>(
                       *db_, "SELECT body, version FROM designations WHERE id = ?", values));
  if (found.empty()) {
    return std::nullopt;
  }
  return found.front();
}

absl::StatusOr<std::vector<v1::Designation>> SqliteDesignationStore::FirmDesignations(
    const std::string& firm) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqlValues values;
  values.Add(firm);
  return ReadVersionedRecords<v1::Designation>(
      *db_, "SELECT body, version FROM designations WHERE firm = ? ORDER BY create_time_us, id",
      values);
}

absl::StatusOr<std::vector<v1::Designation>> SqliteDesignationStore::AllDesignations() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ReadVersionedRecords<v1::Designation>(
      *db_, "SELECT body, version FROM designations ORDER BY create_time_us, id", SqlValues());
}

absl::StatusOr<std::optional<v1::AnnualReview>> SqliteDesignationStore::GetAnnualReview(
    int32_t year) {
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db_->Prepare("SELECT body FROM annual_reviews WHERE year = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, static_cast<int64_t>(year));
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  v1::AnnualReview review;
  if (!ParseBytes(query->ColumnBytes(0), review)) {
    return absl::DataLossError("a stored annual review does not parse");
  }
  return review;
}

}  // namespace kexport::designation
