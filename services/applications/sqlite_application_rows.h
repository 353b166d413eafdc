// How the SQLite applications store keeps applications: each record beside
// the columns its queries need and its SelectionInput (so a draw reads no
// record), and a selection's outcomes in tables of their own
// (selection_outcomes, selection_runs) that every read applies to the
// application they decide while it is still at the outcome's base version.
// Such an application reads one version on; writing it stores the outcome in
// its record and moves it one version further. All of these require the
// store's mutex (writes: its open transaction).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

// `SELECT <kApplicationNow>, ... FROM <kApplicationsNowFrom> WHERE ...`
// reads the columns ReadApplicationNow takes (e.g. through ReadRows), then
// the query's own (from kApplicationNowColumns on). Queries name the application's columns
// `a.round`, `a.create_us` and so on, and its state now kStateNow.
extern const char kApplicationNow[];
extern const char kApplicationsNowFrom[];
extern const char kStateNow[];
inline constexpr int kApplicationNowColumns = 9;

absl::StatusOr<v1::Application> ReadApplicationNow(const SqliteStatement& row);

// Inserts (etag "") or updates `application` at its etag's version;
// ALREADY_EXISTS (APPLICATION_EXISTS) when its firm applied to its round.
absl::Status WriteApplication(SqliteDatabase& db, v1::Application& application);

// ABORTED when an application decided changed since its base version
// (checked unless the round's write count still stands).
absl::Status WriteDrawnOutcomes(SqliteDatabase& db, const DrawnOutcomes& drawn);

// 0 for a round no write reached yet.
absl::StatusOr<int64_t> ReadRoundWrites(SqliteDatabase& db, const std::string& round);

absl::StatusOr<std::vector<SelectionCandidate>> ReadSelectionCandidates(
    SqliteDatabase& db, const std::string& round);

// Stores the SelectionInput of rows written before the store kept it.
absl::Status FillSelectionInputs(SqliteDatabase& db);

}  // namespace kexport::applications
