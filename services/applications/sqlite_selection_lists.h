// How the SQLite applications store keeps a selection's inputs and entries:
// apart from its record, a thousand to a row of `selection_lists`, so that a
// page reads the rows it covers rather than the whole selection (tens of
// megabytes for a large round), and the record keeps only their counts.
// They never change once drawn: later writes of the selection (promotions)
// rewrite the record alone. A record written before this kept them itself;
// its first rewrite moves them here. All of these require the store's mutex
// (writes: its open transaction).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/sqlite.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

// Writes `selection`'s record without its inputs and entries (given back
// after), with their counts, and stores the lists unless stored already.
absl::Status WriteSelection(SqliteDatabase& db, v1::Selection& selection);

// Up to `count` of the stored inputs (entries) of the selection `name`,
// from `offset` on, in order.
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> ReadSelectionInputs(
    SqliteDatabase& db, const std::string& name, int64_t offset, int64_t count);
absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>> ReadSelectionEntries(
    SqliteDatabase& db, const std::string& name, int64_t offset, int64_t count);

}  // namespace kexport::applications
