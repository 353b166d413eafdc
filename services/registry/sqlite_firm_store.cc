#include "services/registry/sqlite_firm_store.h"

#include <functional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/brn.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/record_version.h"
#include "common/sqlite_applied_requests.h"
#include "common/sqlite_page.h"
#include "services/registry/firm_validation.h"

namespace kexport::registry {
namespace {

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
CREATE TABLE firms (
  brn TEXT PRIMARY KEY,
  legal_name_ko TEXT NOT NULL,
  size_class INTEGER NOT NULL,
  growth_stage INTEGER NOT NULL,
  state INTEGER NOT NULL,
  ksic_code TEXT NOT NULL,
  create_time_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX firms_by_name ON firms(legal_name_ko, brn);
CREATE INDEX firms_by_create_time ON firms(create_time_us, brn);
CREATE INDEX firms_by_ksic ON firms(ksic_code);
CREATE TABLE firm_sectors (
  sector TEXT NOT NULL,
  brn TEXT NOT NULL,
  PRIMARY KEY (sector, brn)
) WITHOUT ROWID;
CREATE TABLE firm_certifications (
  type INTEGER NOT NULL,
  brn TEXT NOT NULL,
  PRIMARY KEY (type, brn)
) WITHOUT ROWID;
CREATE TABLE export_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brn TEXT NOT NULL,
  year INTEGER NOT NULL,
  total_usd_cents INTEGER NOT NULL,
  superseded INTEGER NOT NULL DEFAULT 0,
  body BLOB NOT NULL
);
CREATE INDEX export_records_by_firm ON export_records(brn, year, id);
CREATE INDEX export_records_current
  ON export_records(year, superseded, total_usd_cents, brn);
CREATE TABLE firm_changes (
  brn TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  method TEXT NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT NOT NULL,
  changed_fields TEXT NOT NULL,
  change_time_us INTEGER NOT NULL,
  PRIMARY KEY (brn, sequence)
) WITHOUT ROWID;
CREATE TRIGGER firm_changes_no_update BEFORE UPDATE ON firm_changes
  BEGIN SELECT RAISE(ABORT, 'firm_changes is append-only'); END;
CREATE TRIGGER firm_changes_no_delete BEFORE DELETE ON firm_changes
  BEGIN SELECT RAISE(ABORT, 'firm_changes is append-only'); END;
CREATE TABLE applied_requests (
  request_id TEXT PRIMARY KEY,
  fingerprint BLOB NOT NULL,
  response BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
      // Rewriting a firm's sectors and certifications finds its rows by brn
      // (without these, every update scanned both tables).
      {2, R"sql(
CREATE INDEX firm_sectors_by_firm ON firm_sectors(brn);
CREATE INDEX firm_certifications_by_firm ON firm_certifications(brn);
)sql"},
  };
  return *migrations;
}

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
}

// The stored body leaves out the etag, which comes from the version column.
std::string FirmBody(const Firm& firm) {
  Firm body = firm;
  body.clear_etag();
  return body.SerializeAsString();
}

absl::StatusOr<Firm> ParseFirm(const std::string& body, int64_t version) {
  Firm firm;
  if (!firm.ParseFromString(body)) {
    return Corrupt("firm");
  }
  firm.set_etag(absl::StrCat(version));
  return firm;
}

// `["a","b"]` for binding to json_each; the strings are validated slugs,
// so nothing needs escaping.
template <typename Strings>
std::string JsonStringArray(const Strings& strings) {
  return absl::StrCat("[\"", absl::StrJoin(strings, "\",\""), "\"]");
}

const char* OrderColumn(FirmOrder order) {
  switch (order) {
    case FirmOrder::kLegalName:
      return "f.legal_name_ko";
    case FirmOrder::kCreateTime:
      return "f.create_time_us";
    case FirmOrder::kBrn:
      break;
  }
  return "f.brn";
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteFirmStore>> SqliteFirmStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                   SqliteDatabase::Open(path, Migrations()));
  return std::unique_ptr<SqliteFirmStore>(new SqliteFirmStore(std::move(db)));
}

absl::StatusOr<std::optional<AppliedRequest>>
SqliteFirmStore::FindAppliedRequest(const std::string& request_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return kexport::FindAppliedRequest(*db_, request_id);
}

absl::StatusOr<std::optional<Firm>> SqliteFirmStore::LoadFirm(
    const std::string& brn) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db_->Prepare("SELECT version, body FROM firms WHERE brn = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, brn);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found) {
    return std::nullopt;
  }
  return ParseFirm(query->ColumnText(1), query->ColumnInt(0));
}

absl::StatusOr<Firm> SqliteFirmStore::GetFirm(const std::string& brn) {
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(std::optional<Firm> firm, LoadFirm(brn));
  if (!firm) {
    return NotFoundError("FIRM_NOT_FOUND",
                         absl::StrCat(FirmName(brn), " not found"));
  }
  return *std::move(firm);
}

absl::StatusOr<std::vector<Firm>> SqliteFirmStore::GetFirms(
    const std::vector<std::string>& brns) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Firm> firms;
  firms.reserve(brns.size());
  for (const std::string& brn : brns) {
    ASSIGN_OR_RETURN(std::optional<Firm> firm, LoadFirm(brn));
    if (!firm) {
      return NotFoundError("FIRM_NOT_FOUND",
                           absl::StrCat(FirmName(brn), " not found"));
    }
    firms.push_back(*std::move(firm));
  }
  return firms;
}

absl::StatusOr<Page<Firm>> SqliteFirmStore::ListFirms(const FirmQuery& query) {
  // The statement text depends only on which filters are set, so the cache
  // of prepared statements stays small.
  std::string sql = "SELECT f.version, f.body, f.brn, ";
  absl::StrAppend(&sql, OrderColumn(query.order), " FROM firms f WHERE 1 = 1");
  SqlValues values;
  const FirmFilter& filter = query.filter;
  if (filter.state() != v1::FIRM_STATE_UNSPECIFIED) {
    sql += " AND f.state = ?";
    values.Add(static_cast<int64_t>(filter.state()));
  }
  if (!filter.size_classes().empty()) {
    sql += " AND f.size_class IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.size_classes());
  }
  if (!filter.growth_stages().empty()) {
    sql += " AND f.growth_stage IN (SELECT value FROM json_each(?))";
    values.AddNumberList(filter.growth_stages());
  }
  if (!filter.ksic_prefix().empty()) {
    // The prefix is validated as a letter and digits: no LIKE wildcards.
    sql += " AND f.ksic_code LIKE ?";
    values.Add(absl::StrCat(filter.ksic_prefix(), "%"));
  }
  if (!filter.sectors().empty()) {
    sql += " AND EXISTS (SELECT 1 FROM firm_sectors s WHERE s.brn = f.brn"
           " AND s.sector IN (SELECT value FROM json_each(?)))";
    values.Add(JsonStringArray(filter.sectors()));
  }
  if (filter.certification_type() != v1::CERTIFICATION_TYPE_UNSPECIFIED) {
    sql += " AND EXISTS (SELECT 1 FROM firm_certifications c"
           " WHERE c.brn = f.brn AND c.type = ?)";
    values.Add(static_cast<int64_t>(filter.certification_type()));
  }
  if (filter.has_export_band()) {
    const auto& band = filter.export_band();
    sql += " AND EXISTS (SELECT 1 FROM export_records e WHERE e.brn = f.brn"
           " AND e.year = ? AND e.superseded = 0 AND e.total_usd_cents >= ?";
    values.Add(static_cast<int64_t>(band.year()));
    values.Add(static_cast<int64_t>(band.min_usd_cents()));
    if (band.max_usd_cents() > 0) {
      sql += " AND e.total_usd_cents <= ?";
      values.Add(static_cast<int64_t>(band.max_usd_cents()));
    }
    sql += ")";
  }
  const char* column = OrderColumn(query.order);
  const char* after = query.descending ? "<" : ">";
  const char* direction = query.descending ? "DESC" : "ASC";
  if (query.order == FirmOrder::kBrn) {
    if (!query.page.after.empty()) {
      absl::StrAppend(&sql, " AND f.brn ", after, " ?");
      values.Add(query.page.after[0]);
    }
    absl::StrAppend(&sql, " ORDER BY f.brn ", direction);
  } else {
    if (query.page.after.size() == 2) {
      absl::StrAppend(&sql, " AND (", column, " ", after, " ? OR (", column,
                      " = ? AND f.brn ", after, " ?))");
      if (query.order == FirmOrder::kCreateTime) {
        ASSIGN_OR_RETURN(int64_t micros, CursorNumber(query.page, 0));
        values.Add(micros);
        values.Add(micros);
      } else {
        values.Add(query.page.after[0]);
        values.Add(query.page.after[0]);
      }
      values.Add(query.page.after[1]);
    }
    absl::StrAppend(&sql, " ORDER BY ", column, " ", direction, ", f.brn ",
                    direction);
  }
  sql += " LIMIT ?";
  values.Add(static_cast<int64_t>(query.page.size + 1));

  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, db_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  const bool by_brn = query.order == FirmOrder::kBrn;
  return ReadPage<Firm>(
      *statement, query.page.size,
      [by_brn](SqliteStatement& row) -> absl::StatusOr<PagedRow<Firm>> {
        ASSIGN_OR_RETURN(Firm firm,
                         ParseFirm(row.ColumnText(1), row.ColumnInt(0)));
        std::string brn = row.ColumnText(2);
        std::vector<std::string> position =
            by_brn ? std::vector<std::string>{brn}
                   : std::vector<std::string>{row.ColumnText(3), brn};
        return PagedRow<Firm>{std::move(firm), std::move(position)};
      });
}

absl::Status SqliteFirmStore::WriteIndexes(const Firm& firm, bool replace) {
  for (const char* sql : {"DELETE FROM firm_sectors WHERE brn = ?",
                          "DELETE FROM firm_certifications WHERE brn = ?"}) {
    if (!replace) break;
    ASSIGN_OR_RETURN(SqliteStatement * clear, db_->Prepare(sql));
    clear->Bind(1, firm.brn());
    RETURN_IF_ERROR(clear->Run());
  }
  for (const std::string& sector : firm.sectors()) {
    ASSIGN_OR_RETURN(SqliteStatement * insert,
                     db_->Prepare("INSERT OR IGNORE INTO firm_sectors(sector, "
                                  "brn) VALUES (?, ?)"));
    insert->Bind(1, sector);
    insert->Bind(2, firm.brn());
    RETURN_IF_ERROR(insert->Run());
  }
  for (const auto& certification : firm.certifications()) {
    ASSIGN_OR_RETURN(SqliteStatement * insert,
                     db_->Prepare("INSERT OR IGNORE INTO firm_certifications("
                                  "type, brn) VALUES (?, ?)"));
    insert->Bind(1, static_cast<int64_t>(certification.type()));
    insert->Bind(2, firm.brn());
    RETURN_IF_ERROR(insert->Run());
  }
  return absl::OkStatus();
}

absl::Status SqliteFirmStore::RecordChange(const std::string& brn,
                                           const ChangeContext& change) {
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db_->Prepare(
          "INSERT INTO firm_changes(brn, sequence, method, actor, request_id,"
          " changed_fields, change_time_us) VALUES (?1, (SELECT"
          " COALESCE(MAX(sequence), 0) + 1 FROM firm_changes WHERE brn = ?1),"
          " ?2, ?3, ?4, ?5, ?6)"));
  insert->Bind(1, brn);
  insert->Bind(2, change.method);
  insert->Bind(3, change.actor);
  insert->Bind(4, change.request_id);
  insert->Bind(5, absl::StrJoin(change.changed_fields, ","));
  insert->Bind(6, absl::ToUnixMicros(change.time));
  return insert->Run();
}

absl::Status SqliteFirmStore::RecordAppliedRequest(const ChangeContext& change,
                                                   const std::string& response) {
  return kexport::RecordAppliedRequest(*db_, change.request_id,
                                       AppliedRequest{change.fingerprint, response});
}

absl::StatusOr<std::vector<absl::Status>> SqliteFirmStore::CreateFirms(
    std::vector<NewFirm>& firms) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction tx(*db_);
  RETURN_IF_ERROR(tx.begun());
  std::vector<absl::Status> results;
  results.reserve(firms.size());
  for (NewFirm& row : firms) {
    Firm& firm = row.firm;
    firm.set_etag("1");
    // Savepoints let one row fail without undoing the others.
    RETURN_IF_ERROR(db_->BeginSavepoint("import_row"));
    ASSIGN_OR_RETURN(
        SqliteStatement * insert,
        db_->Prepare("INSERT OR IGNORE INTO firms(brn, legal_name_ko,"
                     " size_class, growth_stage, state, ksic_code,"
                     " create_time_us, version, body)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)"));
    insert->Bind(1, firm.brn());
    insert->Bind(2, firm.legal_name_ko());
    insert->Bind(3, static_cast<int64_t>(firm.size_class()));
    insert->Bind(4, static_cast<int64_t>(firm.growth_stage()));
    insert->Bind(5, static_cast<int64_t>(firm.state()));
    insert->Bind(6, firm.ksic().code());
    insert->Bind(7, absl::ToUnixMicros(row.change.time));
    insert->BindBlob(8, FirmBody(firm));
    RETURN_IF_ERROR(insert->Run());
    if (insert->Changes() == 0) {
      RETURN_IF_ERROR(db_->EndSavepoint("import_row", /*keep=*/false));
      results.push_back(AlreadyExistsError(
          "FIRM_ALREADY_EXISTS",
          absl::StrCat(FirmName(firm.brn()), " is already registered")));
      continue;
    }
    RETURN_IF_ERROR(WriteIndexes(firm, /*replace=*/false));
    RETURN_IF_ERROR(RecordChange(firm.brn(), row.change));
    absl::Status recorded = RecordAppliedRequest(row.change, firm.SerializeAsString());
    if (absl::IsAborted(recorded)) {  // a concurrent copy of this row's request won
      RETURN_IF_ERROR(db_->EndSavepoint("import_row", /*keep=*/false));
      results.push_back(std::move(recorded));
      continue;
    }
    RETURN_IF_ERROR(recorded);
    RETURN_IF_ERROR(db_->EndSavepoint("import_row", /*keep=*/true));
    results.push_back(absl::OkStatus());
  }
  RETURN_IF_ERROR(tx.Commit());
  return results;
}

absl::Status SqliteFirmStore::UpdateFirm(Firm& firm,
                                         const std::string& expected_etag,
                                         const ChangeContext& change) {
  ASSIGN_OR_RETURN(int64_t expected_version, VersionFromEtag(expected_etag, firm.name()));
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction tx(*db_);
  RETURN_IF_ERROR(tx.begun());
  firm.set_etag(absl::StrCat(expected_version + 1));
  ASSIGN_OR_RETURN(
      SqliteStatement * update,
      db_->Prepare("UPDATE firms SET legal_name_ko = ?, size_class = ?,"
                   " growth_stage = ?, state = ?, ksic_code = ?, version = ?,"
                   " body = ? WHERE brn = ? AND version = ?"));
  update->Bind(1, firm.legal_name_ko());
  update->Bind(2, static_cast<int64_t>(firm.size_class()));
  update->Bind(3, static_cast<int64_t>(firm.growth_stage()));
  update->Bind(4, static_cast<int64_t>(firm.state()));
  update->Bind(5, firm.ksic().code());
  update->Bind(6, expected_version + 1);
  update->BindBlob(7, FirmBody(firm));
  update->Bind(8, firm.brn());
  update->Bind(9, expected_version);
  RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) {
    return RecordChangedError(firm.name());
  }
  RETURN_IF_ERROR(WriteIndexes(firm, /*replace=*/true));
  RETURN_IF_ERROR(RecordChange(firm.brn(), change));
  RETURN_IF_ERROR(RecordAppliedRequest(change, firm.SerializeAsString()));
  return tx.Commit();
}

absl::Status SqliteFirmStore::AddExportRecord(const std::string& brn,
                                              ExportRecord& record,
                                              const ChangeContext& change) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction tx(*db_);
  RETURN_IF_ERROR(tx.begun());
  // Checked inside the transaction, so a close that commits first wins.
  ASSIGN_OR_RETURN(std::optional<Firm> firm, LoadFirm(brn));
  if (!firm) {
    return NotFoundError("FIRM_NOT_FOUND",
                         absl::StrCat(FirmName(brn), " not found"));
  }
  if (firm->state() == v1::FIRM_STATE_CLOSED) {
    return FailedPreconditionError(
        "FIRM_CLOSED", absl::StrCat(FirmName(brn), " is closed; reopen it first"));
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * current,
      db_->Prepare("SELECT id FROM export_records WHERE brn = ? AND year = ?"
                   " AND superseded = 0"));
  current->Bind(1, brn);
  current->Bind(2, static_cast<int64_t>(record.year()));
  ASSIGN_OR_RETURN(bool has_current, current->Step());
  int64_t superseded_id = has_current ? current->ColumnInt(0) : 0;
  current->Reset();
  if (has_current) {
    record.set_supersedes(
        absl::StrCat(FirmName(brn), "/exportRecords/", superseded_id));
    ASSIGN_OR_RETURN(
        SqliteStatement * supersede,
        db_->Prepare("UPDATE export_records SET superseded = 1 WHERE id = ?"));
    supersede->Bind(1, superseded_id);
    RETURN_IF_ERROR(supersede->Run());
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db_->Prepare("INSERT INTO export_records(brn, year, total_usd_cents,"
                   " body) VALUES (?, ?, ?, x'')"));
  insert->Bind(1, brn);
  insert->Bind(2, static_cast<int64_t>(record.year()));
  insert->Bind(3, record.total_usd_cents());
  RETURN_IF_ERROR(insert->Run());
  int64_t id = 0;
  {
    ASSIGN_OR_RETURN(SqliteStatement * last,
                     db_->Prepare("SELECT last_insert_rowid()"));
    ASSIGN_OR_RETURN(bool row, last->Step());
    id = row ? last->ColumnInt(0) : 0;
    last->Reset();
  }
  record.set_name(absl::StrCat(FirmName(brn), "/exportRecords/", id));
  ASSIGN_OR_RETURN(SqliteStatement * body,
                   db_->Prepare("UPDATE export_records SET body = ? WHERE id = ?"));
  body->BindBlob(1, record.SerializeAsString());
  body->Bind(2, id);
  RETURN_IF_ERROR(body->Run());
  RETURN_IF_ERROR(RecordChange(brn, change));
  RETURN_IF_ERROR(RecordAppliedRequest(change, record.SerializeAsString()));
  return tx.Commit();
}

absl::StatusOr<Page<ExportRecord>> SqliteFirmStore::ListExportRecords(
    const ExportRecordQuery& query) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Newest year first, and within a year the latest record first.
  std::string sql =
      "SELECT id, year, superseded, body FROM export_records WHERE brn = ?";
  if (!query.show_superseded) {
    sql += " AND superseded = 0";
  }
  ASSIGN_OR_RETURN(int64_t after_year, CursorNumber(query.page, 0));
  ASSIGN_OR_RETURN(int64_t after_id, CursorNumber(query.page, 1));
  bool has_after = query.page.after.size() == 2;
  if (has_after) {
    sql += " AND (year < ? OR (year = ? AND id < ?))";
  }
  sql += " ORDER BY year DESC, id DESC LIMIT ?";
  ASSIGN_OR_RETURN(SqliteStatement * statement, db_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  int index = 1;
  statement->Bind(index++, query.brn);
  if (has_after) {
    statement->Bind(index++, after_year);
    statement->Bind(index++, after_year);
    statement->Bind(index++, after_id);
  }
  statement->Bind(index++, static_cast<int64_t>(query.page.size + 1));
  return ReadPage<ExportRecord>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<ExportRecord>> {
        ExportRecord record;
        if (!ParseBytes(row.ColumnBytes(3), record)) {
          return Corrupt("export record");
        }
        record.set_superseded(row.ColumnInt(2) != 0);
        return PagedRow<ExportRecord>{
            std::move(record),
            {absl::StrCat(row.ColumnInt(1)), absl::StrCat(row.ColumnInt(0))}};
      });
}

absl::StatusOr<Page<FirmChange>> SqliteFirmStore::ListFirmChanges(
    const FirmChangeQuery& query) {
  ASSIGN_OR_RETURN(int64_t after, CursorNumber(query.page, 0));
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * statement,
      db_->Prepare("SELECT sequence, method, actor, request_id, changed_fields,"
                   " change_time_us FROM firm_changes WHERE brn = ? AND"
                   " sequence > ? ORDER BY sequence LIMIT ?"));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  statement->Bind(1, query.brn);
  statement->Bind(2, after);
  statement->Bind(3, static_cast<int64_t>(query.page.size + 1));
  return ReadPage<FirmChange>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<FirmChange>> {
        FirmChange change;
        change.set_sequence(row.ColumnInt(0));
        change.set_method(row.ColumnText(1));
        change.set_actor(row.ColumnText(2));
        change.set_request_id(row.ColumnText(3));
        for (absl::string_view field :
             absl::StrSplit(row.ColumnText(4), ',', absl::SkipEmpty())) {
          change.add_changed_fields(std::string(field));
        }
        *change.mutable_change_time() =
            ToTimestamp(absl::FromUnixMicros(row.ColumnInt(5)));
        std::string position = absl::StrCat(change.sequence());
        return PagedRow<FirmChange>{std::move(change), {std::move(position)}};
      });
}

}  // namespace kexport::registry
