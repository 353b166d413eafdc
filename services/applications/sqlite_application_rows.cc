#include "services/applications/sqlite_application_rows.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/record_version.h"
#include "common/sqlite_page.h"
#include "common/sqlite_versioned.h"
#include "services/applications/selection_inputs.h"

namespace kexport::applications {

const char kApplicationNow[] =
    "a.body, a.version, o.state, o.reason, o.award, r.actor, r.method, r.request_id, r.time_ns";
const char kApplicationsNowFrom[] =
    "applications a"
    " LEFT JOIN selection_outcomes o ON o.application = a.name AND o.base_version = a.version"
    " LEFT JOIN selection_runs r ON o.application IS NOT NULL AND r.round = a.round";
const char kStateNow[] = "COALESCE(o.state, a.state)";

absl::StatusOr<v1::Application> ReadApplicationNow(const SqliteStatement& row) {
  const int64_t version = row.ColumnInt(1);
  ASSIGN_OR_RETURN(v1::Application application,
                   ParseVersioned<v1::Application>(row.ColumnBytes(0), version));
  if (row.ColumnIsNull(2)) return application;
  const Change change{row.ColumnText(5), row.ColumnText(6), row.ColumnText(7),
                      absl::FromUnixNanos(row.ColumnInt(8))};
  Decide(application, static_cast<v1::ApplicationState>(row.ColumnInt(2)), row.ColumnText(3),
         row.ColumnText(4), change);
  application.set_etag(absl::StrCat(version + 1));
  return application;
}

namespace {

// Whether `name` reads with an outcome its row does not hold yet.
absl::StatusOr<bool> OutcomePending(SqliteDatabase& db, const std::string& name) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare("SELECT 1 FROM selection_outcomes o JOIN applications a"
                              " ON a.name = o.application AND a.version = o.base_version"
                              " WHERE o.application = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, name);
  return query->Step();
}

// Eight bytes of an application's name after its last '/', as a number: the
// first thing WriteDrawnOutcomes sorts by.
uint64_t NameHead(const std::string& name) {
  const size_t from = name.rfind('/') + 1;  // 0 without a '/'
  uint64_t head = 0;
  for (size_t i = from; i < from + 8; ++i) {
    head = (head << 8) | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
  }
  return head;
}

absl::StatusOr<v1::SelectionInput> ParseInput(const SqliteStatement& row, int column) {
  v1::SelectionInput input;
  if (row.ColumnIsNull(column) || !ParseBytes(row.ColumnBytes(column), input)) {
    return absl::DataLossError("a stored selection input does not parse");
  }
  return input;
}

}  // namespace

absl::Status WriteApplication(SqliteDatabase& db, v1::Application& application) {
  int64_t unwritten_versions = 0;
  if (!application.etag().empty()) {
    ASSIGN_OR_RETURN(bool pending, OutcomePending(db, application.name()));
    unwritten_versions = pending ? 1 : 0;
  }
  absl::Status put = WriteVersionedRecord(
      db, "applications", {"name", application.name()}, application,
      {{"round", application.round()},
       {"firm", application.firm()},
       {"state", int64_t{application.state()}},
       {"create_us", TimestampMicros(application.create_time())},
       {"submit_us",
        application.has_submit_time() ? TimestampMicros(application.submit_time()) : INT64_MAX},
       {"reviews", int64_t{application.reviews_size()}},
       {"selection_input", InputOf(application).SerializeAsString()}},
      unwritten_versions);
  if (absl::IsAlreadyExists(put)) {
    return AlreadyExistsError(
        "APPLICATION_EXISTS",
        absl::StrCat(application.firm(), " has applied to ", application.round()));
  }
  return put;
}

absl::Status WriteDrawnOutcomes(SqliteDatabase& db, const DrawnOutcomes& drawn) {
  if (drawn.outcomes.empty()) return absl::OkStatus();
  // Read before this draw's own run row counts as a write of the round (the
  // run row is also what counts the outcomes: see round_writes).
  std::optional<int64_t> writes_before;
  if (drawn.round_writes) {
    ASSIGN_OR_RETURN(writes_before, ReadRoundWrites(db, drawn.round));
  }
  ASSIGN_OR_RETURN(SqliteStatement * run,
                   db.Prepare("INSERT INTO selection_runs(round, actor, method, request_id,"
                              " time_ns) VALUES (?, ?, ?, ?, ?)"));
  run->Bind(1, drawn.round);
  run->Bind(2, drawn.change.actor);
  run->Bind(3, drawn.change.method);
  run->Bind(4, drawn.change.request_id);
  run->Bind(5, absl::ToUnixNanos(drawn.change.time));
  RETURN_IF_ERROR(run->Run());
  // In name order, the outcomes' table is written page after page rather
  // than at random. The sort compares each name's random part as a number
  // first and reads the strings only on a tie: 100,000 strings compared in
  // place cost a tenth of the commit.
  struct Keyed {
    uint64_t head;
    const SelectionOutcome* outcome;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(drawn.outcomes.size());
  for (const SelectionOutcome& outcome : drawn.outcomes) {
    keyed.push_back({NameHead(outcome.application), &outcome});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.head != b.head) return a.head < b.head;
    return a.outcome->application < b.outcome->application;
  });
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db.Prepare("INSERT INTO selection_outcomes(application, base_version, state, reason, award)"
                 " VALUES (?, ?, ?, ?, ?)"));
  for (const Keyed& key : keyed) {
    const SelectionOutcome* outcome = key.outcome;
    insert->Reset();
    insert->Bind(1, outcome->application);
    insert->Bind(2, outcome->base_version);
    insert->Bind(3, int64_t{outcome->state});
    insert->Bind(4, outcome->reason);
    insert->Bind(5, outcome->award);
    RETURN_IF_ERROR(insert->Run());
  }
  // Every outcome must find its application in the round, still at the
  // version the commitment read. The round's write count vouches for all of
  // them at once when it still stands (the candidates were read after it);
  // else one pass over the round's covering index, not a look-up per row.
  if (drawn.round_writes && drawn.round_writes == writes_before) return absl::OkStatus();
  // Outcomes are drawn from applications under review, and every change of
  // state moves an application's version: one still at its outcome's base
  // version is still under review. The clause lets the partial index serve.
  static const std::string kAtBase = absl::StrCat(
      "SELECT count(*) FROM applications a"
      " JOIN selection_outcomes o ON o.application = a.name"
      " WHERE a.round = ? AND a.state = ", int{v1::APPLICATION_STATE_UNDER_REVIEW},
      " AND a.version = o.base_version");
  ASSIGN_OR_RETURN(SqliteStatement * current, db.Prepare(kAtBase));
  absl::Cleanup reset = [current] { current->Reset(); };
  current->Bind(1, drawn.round);
  ASSIGN_OR_RETURN(bool counted, current->Step());
  if (counted && current->ColumnInt(0) == static_cast<int64_t>(keyed.size())) {
    return absl::OkStatus();
  }
  // Name the first that is not (the draw fails either way).
  ASSIGN_OR_RETURN(SqliteStatement * at_base,
                   db.Prepare("SELECT 1 FROM applications WHERE name = ? AND round = ?"
                              " AND version = ?"));
  absl::Cleanup reset_at_base = [at_base] { at_base->Reset(); };
  for (const Keyed& key : keyed) {
    const SelectionOutcome* outcome = key.outcome;
    at_base->Reset();
    at_base->Bind(1, outcome->application);
    at_base->Bind(2, drawn.round);
    at_base->Bind(3, outcome->base_version);
    ASSIGN_OR_RETURN(bool found, at_base->Step());
    if (!found) return RecordChangedError(outcome->application);
  }
  return RecordChangedError(drawn.round);
}

absl::StatusOr<int64_t> ReadRoundWrites(SqliteDatabase& db, const std::string& round) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare("SELECT writes FROM round_writes WHERE round = ?"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, round);
  ASSIGN_OR_RETURN(bool found, query->Step());
  return found ? query->ColumnInt(0) : 0;
}

absl::StatusOr<std::vector<SelectionCandidate>> ReadSelectionCandidates(
    SqliteDatabase& db, const std::string& round) {
  // The state is in the text, not bound: only then may SQLite read the
  // partial index of applications under review.
  static const std::string kCandidates = absl::StrCat(
      "SELECT a.name, a.version, a.reviews, a.selection_input FROM applications a"
      " WHERE a.round = ? AND a.state = ", int{v1::APPLICATION_STATE_UNDER_REVIEW},
      " AND NOT EXISTS (SELECT 1 FROM selection_outcomes o"
      "  WHERE o.application = a.name AND o.base_version = a.version)"
      " ORDER BY a.submit_us, a.name");
  SqlValues values;
  values.Add(round);
  return ReadRows<SelectionCandidate>(
      db, kCandidates, values, [](SqliteStatement& row) -> absl::StatusOr<SelectionCandidate> {
        SelectionCandidate candidate;
        candidate.name = row.ColumnText(0);
        candidate.version = row.ColumnInt(1);
        candidate.reviews = static_cast<int32_t>(row.ColumnInt(2));
        ASSIGN_OR_RETURN(candidate.input, ParseInput(row, 3));
        return candidate;
      });
}

absl::Status FillSelectionInputs(SqliteDatabase& db) {
  // Only what the update needs is kept, not the records.
  struct Filled {
    std::string name;
    std::string input;
    int64_t reviews;
  };
  ASSIGN_OR_RETURN(
      std::vector<Filled> filled,
      ReadRows<Filled>(db, "SELECT body FROM applications WHERE selection_input IS NULL",
                       SqlValues(), [](const SqliteStatement& row) -> absl::StatusOr<Filled> {
                         ASSIGN_OR_RETURN(v1::Application application,
                                          ParseVersioned<v1::Application>(row.ColumnBytes(0), 0));
                         return Filled{application.name(),
                                       InputOf(application).SerializeAsString(),
                                       application.reviews_size()};
                       }));
  if (filled.empty()) return absl::OkStatus();
  SqliteTransaction tx(db);
  RETURN_IF_ERROR(tx.begun());
  ASSIGN_OR_RETURN(SqliteStatement * update,
                   db.Prepare("UPDATE applications SET selection_input = ?, reviews = ?"
                              " WHERE name = ?"));
  for (const Filled& row : filled) {
    update->Reset();
    update->Bind(1, row.input);
    update->Bind(2, row.reviews);
    update->Bind(3, row.name);
    RETURN_IF_ERROR(update->Run());
  }
  return tx.Commit();
}

}  // namespace kexport::applications
