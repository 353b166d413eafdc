#include "services/applications/sqlite_applications_store.h"

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
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
#include "services/applications/award_ledger.h"
#include "services/applications/sqlite_application_rows.h"
#include "services/applications/sqlite_selection_lists.h"

namespace kexport::applications {
namespace {

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
CREATE TABLE programs (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE rounds (
  name TEXT PRIMARY KEY,
  program TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  fiscal_year INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX rounds_by_program ON rounds(program, start_us);
CREATE TABLE applications (
  name TEXT PRIMARY KEY,
  round TEXT NOT NULL,
  firm TEXT NOT NULL,
  state INTEGER NOT NULL,
  create_us INTEGER NOT NULL,
  submit_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX applications_by_round ON applications(round, submit_us);
CREATE INDEX applications_by_firm ON applications(firm);
CREATE INDEX applications_by_create_time ON applications(create_us, name);
-- One application per firm per round, withdrawn ones aside.
CREATE UNIQUE INDEX applications_one_per_round ON applications(round, firm)
  WHERE state != 11;
-- Named `{round}/selection`.
CREATE TABLE selections (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE TABLE awards (
  name TEXT PRIMARY KEY,
  round TEXT NOT NULL,
  firm TEXT NOT NULL,
  state INTEGER NOT NULL,
  program TEXT NOT NULL,
  -- 1 while a ledger step is due: the outbox.
  due INTEGER NOT NULL,
  update_us INTEGER NOT NULL,
  version INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX awards_by_round ON awards(round, name);
CREATE INDEX awards_by_firm ON awards(firm, name);
CREATE INDEX awards_due ON awards(update_us) WHERE due = 1;
CREATE TABLE bans (
  name TEXT PRIMARY KEY,
  firm TEXT NOT NULL,
  create_us INTEGER NOT NULL,
  -- Days as yyyymmdd; a permanent ban ends on 99991231.
  start_day INTEGER NOT NULL,
  end_day INTEGER NOT NULL,
  body BLOB NOT NULL
);
CREATE INDEX bans_by_firm ON bans(firm, create_us);
CREATE INDEX bans_by_create_time ON bans(create_us, name);

CREATE TABLE applied_requests (
  request_id TEXT PRIMARY KEY,
  fingerprint BLOB NOT NULL,
  response BLOB NOT NULL
) WITHOUT ROWID;
)sql"},
      {2, R"sql(
-- What a selection reads of an application, so a draw parses no record
-- (rows from before are filled on open).
ALTER TABLE applications ADD COLUMN selection_input BLOB;
ALTER TABLE applications ADD COLUMN reviews INTEGER NOT NULL DEFAULT 0;
-- A draw reads its candidates from this index alone, never the table's
-- pages with their large records; the drawn ones' versions are checked on
-- the second.
CREATE INDEX applications_selection_inputs
  ON applications(round, state, submit_us, name, version, reviews, selection_input);
CREATE INDEX applications_versions ON applications(name, version);
-- A selection's outcomes, kept apart from the applications they decide:
-- each applies while its application is still at base_version.
CREATE TABLE selection_runs (
  round TEXT PRIMARY KEY,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  time_ns INTEGER NOT NULL
);
CREATE TABLE selection_outcomes (
  application TEXT PRIMARY KEY,
  base_version INTEGER NOT NULL,
  state INTEGER NOT NULL,
  reason TEXT NOT NULL,
  award TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
      {3, R"sql(
-- A selection's inputs (list 1) and entries (list 2), a thousand to a row
-- from offset `first` (sqlite_selection_lists.h).
CREATE TABLE selection_lists (
  selection TEXT NOT NULL,
  list INTEGER NOT NULL,
  first INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (selection, list, first)
) WITHOUT ROWID;
)sql"},
      {4, R"sql(
-- A count per round that moves with every write to its applications and
-- with every draw, kept by the database itself: candidates read at a count
-- that still stands are still the round's (WriteDrawnOutcomes,
-- SelectionDesk's reuse). Outcomes count through their run's row, which
-- every draw writes with them (a trigger per outcome would fire 100,000
-- times a draw). No path deletes an application or moves it to another
-- round; those triggers are there so that none could go uncounted.
CREATE TABLE round_writes (
  round TEXT PRIMARY KEY,
  writes INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER applications_inserted_count AFTER INSERT ON applications BEGIN
  INSERT INTO round_writes(round, writes) VALUES (NEW.round, 1)
    ON CONFLICT(round) DO UPDATE SET writes = writes + 1;
END;
CREATE TRIGGER applications_updated_count AFTER UPDATE ON applications BEGIN
  INSERT INTO round_writes(round, writes) VALUES (NEW.round, 1)
    ON CONFLICT(round) DO UPDATE SET writes = writes + 1;
  INSERT INTO round_writes(round, writes) SELECT OLD.round, 1 WHERE OLD.round <> NEW.round
    ON CONFLICT(round) DO UPDATE SET writes = writes + 1;
END;
CREATE TRIGGER applications_deleted_count AFTER DELETE ON applications BEGIN
  INSERT INTO round_writes(round, writes) VALUES (OLD.round, 1)
    ON CONFLICT(round) DO UPDATE SET writes = writes + 1;
END;
CREATE TRIGGER selection_runs_count AFTER INSERT ON selection_runs BEGIN
  INSERT INTO round_writes(round, writes) VALUES (NEW.round, 1)
    ON CONFLICT(round) DO UPDATE SET writes = writes + 1;
END;
)sql"},
      {5, R"sql(
-- A submission dirtied two pages at random per write: its draft's entry in
-- the selection index (ordered by name within the draft state) and its
-- (name, version) entry. Only applications under review (state 4) are
-- candidates, so the selection index holds those alone and a submission
-- appends to it; versions are checked through the primary key. The state
-- stays a column: SQLite 3.40 reads an index without its table only if
-- every column the query names is in it.
DROP INDEX applications_versions;
DROP INDEX applications_selection_inputs;
CREATE INDEX applications_under_review
  ON applications(round, state, submit_us, name, version, reviews, selection_input)
  WHERE state = 4;
)sql"},
  };
  return *migrations;
}

// Migration 5's partial index names the state under review by its number.
static_assert(v1::APPLICATION_STATE_UNDER_REVIEW == 4);

constexpr int64_t kPermanent = 99991231;

int64_t DayNumber(const google::type::Date& date) {
  return int64_t{date.year()} * 10000 + date.month() * 100 + date.day();
}

// A ban row's body, in column 0.
absl::StatusOr<v1::FirmBan> ParseBan(const SqliteStatement& row) {
  v1::FirmBan ban;
  if (!ParseBytes(row.ColumnBytes(0), ban)) {
    return absl::DataLossError("a stored ban does not parse");
  }
  return ban;
}

absl::StatusOr<std::vector<v1::FirmBan>> ReadBans(SqliteDatabase& db, const std::string& sql,
                                                  const SqlValues& values) {
  return ReadRows<v1::FirmBan>(db, sql, values, ParseBan);
}

// ABORTED unless `name` is still at the version `etag` names.
absl::Status Unchanged(SqliteDatabase& db, const std::string& table, const std::string& name,
                       const std::string& etag) {
  ASSIGN_OR_RETURN(int64_t version, VersionFromEtag(etag, name));
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare(absl::StrCat("SELECT version FROM ", table, " WHERE name = ?")));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, name);
  ASSIGN_OR_RETURN(bool found, query->Step());
  if (!found || query->ColumnInt(0) != version) return RecordChangedError(name);
  return absl::OkStatus();
}

// `programs/{program}` of a round's name.
std::string ProgramOf(const std::string& round) { return round.substr(0, round.find("/rounds/")); }

template <typename Message>
absl::StatusOr<std::optional<Message>> One(SqliteDatabase& db, const std::string& table,
                                           const std::string& name) {
  SqlValues values;
  values.Add(name);
  ASSIGN_OR_RETURN(
      std::vector<Message> found,
      ReadVersionedRecords<Message>(
          db, absl::StrCat("SELECT body, version FROM ", table, " WHERE name = ?"), values));
  if (found.empty()) return std::nullopt;
  return found.front();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteApplicationsStore>> SqliteApplicationsStore::Open(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db, SqliteDatabase::Open(path, Migrations()));
  RETURN_IF_ERROR(FillSelectionInputs(*db));
  // The writer has migrated the file: the reader has nothing to run.
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> reader, SqliteDatabase::Open(path, {}));
  return std::unique_ptr<SqliteApplicationsStore>(
      new SqliteApplicationsStore(std::move(db), std::move(reader)));
}

absl::StatusOr<std::optional<AppliedRequest>> SqliteApplicationsStore::FindAppliedRequest(
    const std::string& request_id) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return kexport::FindAppliedRequest(*reader_, request_id);
}

absl::Status SqliteApplicationsStore::Commit(ApplicationsWrite& write) {
  QueuedWrite mine{&write, absl::OkStatus(), false};
  std::unique_lock<std::mutex> queue_lock(queue_mutex_);
  queue_.push_back(&mine);
  // Either a batch in progress took this write along, or this caller leads
  // the next batch with everything queued meanwhile.
  batch_done_.wait(queue_lock, [&] { return mine.done || !batch_running_; });
  if (mine.done) return mine.status;
  batch_running_ = true;
  std::vector<QueuedWrite*> batch;
  batch.swap(queue_);
  queue_lock.unlock();
  absl::Status committed = CommitBatch(batch);
  queue_lock.lock();
  for (QueuedWrite* queued : batch) {
    if (!committed.ok()) queued->status = committed;
    queued->done = true;
  }
  batch_running_ = false;
  batch_done_.notify_all();
  return mine.status;
}

absl::Status SqliteApplicationsStore::CommitBatch(const std::vector<QueuedWrite*>& batch) {
  std::lock_guard<std::mutex> lock(mutex_);
  SqliteTransaction tx(*db_);
  RETURN_IF_ERROR(tx.begun());
  for (QueuedWrite* queued : batch) {
    RETURN_IF_ERROR(db_->BeginSavepoint("queued_write"));
    queued->status = ApplyWrite(*queued->write);
    RETURN_IF_ERROR(db_->EndSavepoint("queued_write", queued->status.ok()));
  }
  return tx.Commit();
}

absl::Status SqliteApplicationsStore::ApplyWrite(ApplicationsWrite& write) {
  for (const v1::Round& round : write.unchanged_rounds) {
    RETURN_IF_ERROR(Unchanged(*db_, "rounds", round.name(), round.etag()));
  }
  for (v1::Program& program : write.programs) {
    RETURN_IF_ERROR(WriteVersionedRecord(*db_, "programs", {"name", program.name()}, program, {}));
  }
  for (v1::Round& round : write.rounds) {
    RETURN_IF_ERROR(WriteVersionedRecord(*db_, "rounds", {"name", round.name()}, round,
                                         {{"program", ProgramOf(round.name())},
                                          {"start_us", TimestampMicros(round.apply_start_time())},
                                          {"fiscal_year", int64_t{round.fiscal_year()}}}));
  }
  for (v1::Application& application : write.applications) {
    RETURN_IF_ERROR(WriteApplication(*db_, application));
  }
  RETURN_IF_ERROR(WriteDrawnOutcomes(*db_, write.drawn));
  for (v1::Award& award : write.awards) {
    RETURN_IF_ERROR(WriteVersionedRecord(*db_, "awards", {"name", award.name()}, award,
                                         {{"round", award.round()},
                                          {"firm", award.firm()},
                                          {"state", int64_t{award.state()}},
                                          {"program", ProgramOf(award.round())},
                                          {"due", int64_t{LedgerStepDue(award)}},
                                          {"update_us", TimestampMicros(award.update_time())}}));
  }
  for (const v1::FirmBan& ban : write.bans) {
    ASSIGN_OR_RETURN(
        SqliteStatement * insert,
        db_->Prepare("INSERT INTO bans(name, firm, create_us, start_day, end_day, body)"
                     " VALUES (?, ?, ?, ?, ?, ?)"));
    SqlValues values;
    values.Add(ban.name());
    values.Add(ban.firm());
    values.Add(TimestampMicros(ban.create_time()));
    values.Add(DayNumber(ban.start_date()));
    values.Add(ban.has_end_date() ? DayNumber(ban.end_date()) : kPermanent);
    values.Add(ban.SerializeAsString());
    values.BindTo(*insert);
    RETURN_IF_ERROR(insert->Run());
  }
  for (v1::Selection& selection : write.selections) {
    RETURN_IF_ERROR(WriteSelection(*db_, selection));
  }
  return RecordAppliedRequest(*db_, write.request_id, write.applied);
}

absl::StatusOr<std::optional<v1::Program>> SqliteApplicationsStore::GetProgram(
    const std::string& name) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return One<v1::Program>(*reader_, "programs", name);
}

absl::StatusOr<Page<v1::Program>> SqliteApplicationsStore::ListPrograms(const PageRequest& page) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement,
                   reader_->Prepare("SELECT body, version, name FROM programs WHERE name > ?"
                                " ORDER BY name LIMIT ?"));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  statement->Bind(1, page.after.empty() ? std::string() : page.after[0]);
  statement->Bind(2, int64_t{page.size} + 1);
  return ReadPage<v1::Program>(
      *statement, page.size, [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::Program>> {
        ASSIGN_OR_RETURN(v1::Program program,
                         ParseVersioned<v1::Program>(row.ColumnBytes(0), row.ColumnInt(1)));
        return PagedRow<v1::Program>{std::move(program), {row.ColumnText(2)}};
      });
}

absl::StatusOr<std::optional<v1::Round>> SqliteApplicationsStore::GetRound(
    const std::string& name) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return One<v1::Round>(*reader_, "rounds", name);
}

absl::StatusOr<std::vector<v1::Round>> SqliteApplicationsStore::ProgramRounds(
    const std::string& program) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(program);
  return ReadVersionedRecords<v1::Round>(
      *reader_, "SELECT body, version FROM rounds WHERE program = ? ORDER BY start_us, name", values);
}

absl::StatusOr<std::optional<v1::Application>> SqliteApplicationsStore::GetApplication(
    const std::string& name) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(name);
  ASSIGN_OR_RETURN(std::vector<v1::Application> found,
                   ReadRows<v1::Application>(
                       *reader_,
                       absl::StrCat("SELECT ", kApplicationNow, " FROM ", kApplicationsNowFrom,
                                    " WHERE a.name = ?"),
                       values, ReadApplicationNow));
  if (found.empty()) return std::nullopt;
  return found.front();
}

absl::StatusOr<Page<v1::Application>> SqliteApplicationsStore::ListApplications(
    const ApplicationQuery& query) {
  std::string sql = absl::StrCat("SELECT ", kApplicationNow, ", a.name, a.create_us FROM ",
                                 kApplicationsNowFrom, " WHERE 1 = 1");
  SqlValues values;
  if (!query.round.empty()) {
    sql += " AND a.round = ?";
    values.Add(query.round);
  }
  if (!query.firm.empty()) {
    sql += " AND a.firm = ?";
    values.Add(query.firm);
  }
  if (!query.states.empty()) {
    absl::StrAppend(&sql, " AND ", kStateNow, " IN (SELECT value FROM json_each(?))");
    values.AddNumberList(query.states);
  }
  const char* after = query.descending ? "<" : ">";
  if (query.page.after.size() == 2) {
    ASSIGN_OR_RETURN(int64_t micros, CursorNumber(query.page, 0));
    absl::StrAppend(&sql, " AND (a.create_us ", after, " ? OR (a.create_us = ? AND a.name ",
                    after, " ?))");
    values.Add(micros);
    values.Add(micros);
    values.Add(query.page.after[1]);
  }
  const char* direction = query.descending ? "DESC" : "ASC";
  absl::StrAppend(&sql, " ORDER BY a.create_us ", direction, ", a.name ", direction,
                  " LIMIT ?");
  values.Add(int64_t{query.page.size} + 1);
  std::lock_guard<std::mutex> lock(read_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<v1::Application>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::Application>> {
        ASSIGN_OR_RETURN(v1::Application application, ReadApplicationNow(row));
        return PagedRow<v1::Application>{std::move(application),
                                         {absl::StrCat(row.ColumnInt(kApplicationNowColumns + 1)),
                                          row.ColumnText(kApplicationNowColumns)}};
      });
}

absl::StatusOr<std::vector<v1::Application>> SqliteApplicationsStore::RoundApplications(
    const std::string& round) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(round);
  return ReadRows<v1::Application>(
      *reader_,
      absl::StrCat("SELECT ", kApplicationNow, " FROM ", kApplicationsNowFrom,
                   " WHERE a.round = ? ORDER BY a.submit_us, a.name"),
      values, ReadApplicationNow);
}

absl::StatusOr<int64_t> SqliteApplicationsStore::RoundWrites(const std::string& round) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return ReadRoundWrites(*reader_, round);
}

absl::StatusOr<std::vector<SelectionCandidate>> SqliteApplicationsStore::SelectionCandidates(
    const std::string& round) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return ReadSelectionCandidates(*reader_, round);
}

absl::StatusOr<std::optional<v1::Selection>> SqliteApplicationsStore::GetSelection(
    const std::string& round) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return One<v1::Selection>(*reader_, "selections", absl::StrCat(round, "/selection"));
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>>
SqliteApplicationsStore::SelectionInputs(const std::string& selection, int64_t offset,
                                         int64_t count) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return ReadSelectionInputs(*reader_, selection, offset, count);
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>>
SqliteApplicationsStore::SelectionEntries(const std::string& selection, int64_t offset,
                                          int64_t count) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return ReadSelectionEntries(*reader_, selection, offset, count);
}

}  // namespace kexport::applications

namespace kexport::applications {

absl::StatusOr<std::optional<v1::Award>> SqliteApplicationsStore::GetAward(
    const std::string& name) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return One<v1::Award>(*reader_, "awards", name);
}

absl::StatusOr<Page<v1::Award>> SqliteApplicationsStore::ListAwards(const AwardQuery& query) {
  std::string sql = "SELECT a.body, a.version, a.name FROM awards a";
  SqlValues values;
  if (query.fiscal_year != 0) {
    sql += " JOIN rounds r ON r.name = a.round AND r.fiscal_year = ?";
    values.Add(int64_t{query.fiscal_year});
  }
  sql += " WHERE a.name > ?";
  values.Add(query.page.after.empty() ? std::string() : query.page.after[0]);
  for (const auto& [column, value] : {std::pair{"a.round", &query.round},
                                      {"a.firm", &query.firm},
                                      {"a.program", &query.program}}) {
    if (!value->empty()) {
      absl::StrAppend(&sql, " AND ", column, " = ?");
      values.Add(*value);
    }
  }
  if (!query.states.empty()) {
    sql += " AND a.state IN (SELECT value FROM json_each(?))";
    values.AddNumberList(query.states);
  }
  sql += " ORDER BY a.name LIMIT ?";
  values.Add(int64_t{query.page.size} + 1);
  std::lock_guard<std::mutex> lock(read_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<v1::Award>(
      *statement, query.page.size, [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::Award>> {
        ASSIGN_OR_RETURN(v1::Award award,
                         ParseVersioned<v1::Award>(row.ColumnBytes(0), row.ColumnInt(1)));
        return PagedRow<v1::Award>{std::move(award), {row.ColumnText(2)}};
      });
}

absl::StatusOr<std::vector<v1::Award>> SqliteApplicationsStore::RoundAwards(
    const std::string& round) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(round);
  return ReadVersionedRecords<v1::Award>(
      *reader_, "SELECT body, version FROM awards WHERE round = ? ORDER BY name", values);
}

absl::StatusOr<std::vector<v1::Award>> SqliteApplicationsStore::DueAwards() {
  std::lock_guard<std::mutex> lock(read_mutex_);
  return ReadVersionedRecords<v1::Award>(
      *reader_, "SELECT body, version FROM awards WHERE due = 1 ORDER BY update_us", SqlValues());
}

absl::StatusOr<std::optional<v1::FirmBan>> SqliteApplicationsStore::GetBan(
    const std::string& name) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(name);
  ASSIGN_OR_RETURN(std::vector<v1::FirmBan> found,
                   ReadBans(*reader_, "SELECT body FROM bans WHERE name = ?", values));
  if (found.empty()) return std::nullopt;
  return found.front();
}

absl::StatusOr<Page<v1::FirmBan>> SqliteApplicationsStore::ListBans(const BanQuery& query) {
  std::string sql = "SELECT body, create_us, name FROM bans WHERE 1 = 1";
  SqlValues values;
  if (!query.firm.empty()) {
    sql += " AND firm = ?";
    values.Add(query.firm);
  }
  if (query.active_on) {
    const int64_t day = DayNumber(ToDate(*query.active_on));
    sql += " AND start_day <= ? AND end_day >= ?";
    values.Add(day);
    values.Add(day);
  }
  if (query.page.after.size() == 2) {
    ASSIGN_OR_RETURN(int64_t micros, CursorNumber(query.page, 0));
    sql += " AND (create_us < ? OR (create_us = ? AND name < ?))";
    values.Add(micros);
    values.Add(micros);
    values.Add(query.page.after[1]);
  }
  sql += " ORDER BY create_us DESC, name DESC LIMIT ?";
  values.Add(int64_t{query.page.size} + 1);
  std::lock_guard<std::mutex> lock(read_mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * statement, reader_->Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  return ReadPage<v1::FirmBan>(
      *statement, query.page.size,
      [](SqliteStatement& row) -> absl::StatusOr<PagedRow<v1::FirmBan>> {
        ASSIGN_OR_RETURN(v1::FirmBan ban, ParseBan(row));
        return PagedRow<v1::FirmBan>{std::move(ban),
                                     {absl::StrCat(row.ColumnInt(1)), row.ColumnText(2)}};
      });
}

absl::StatusOr<std::vector<v1::FirmBan>> SqliteApplicationsStore::FirmBans(
    const std::string& firm) {
  std::lock_guard<std::mutex> lock(read_mutex_);
  SqlValues values;
  values.Add(firm);
  return ReadBans(*reader_, "SELECT body FROM bans WHERE firm = ? ORDER BY create_us", values);
}

}  // namespace kexport::applications
