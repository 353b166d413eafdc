#include "services/applications/applications_records.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "services/applications/application_states.h"
#include "services/applications/award_ledger.h"

namespace kexport::applications {
namespace {

template <typename Record>
absl::StatusOr<Record> Found(absl::StatusOr<std::optional<Record>> read, absl::string_view kind,
                             const std::string& name, const std::string& etag) {
  if (!read.ok()) return read.status();
  if (!read->has_value()) {
    return NotFoundError(absl::StrCat(kind, "_NOT_FOUND"), absl::StrCat(name, " not found"));
  }
  if (!etag.empty() && etag != (*read)->etag()) {
    return RecordChangedError(name);
  }
  return **std::move(read);
}

}  // namespace

absl::StatusOr<v1::Program> FindProgram(ApplicationsStore& store, const std::string& name) {
  return Found(store.GetProgram(name), "PROGRAM", name, "");
}

absl::StatusOr<v1::Round> FindRound(ApplicationsStore& store, const std::string& name,
                                    absl::Time now, const std::string& etag) {
  ASSIGN_OR_RETURN(v1::Round round, Found(store.GetRound(name), "ROUND", name, etag));
  round.set_state(RoundStateAt(round, now));
  return round;
}

absl::Status Describe(ApplicationsStore& store, v1::Round& round, absl::Time now) {
  round.set_state(RoundStateAt(round, now));
  ASSIGN_OR_RETURN(std::vector<v1::Award> awards, store.RoundAwards(round.name()));
  *round.mutable_budget_summary() = RoundBudgetOf(awards);
  return absl::OkStatus();
}

absl::StatusOr<v1::Application> FindApplication(ApplicationsStore& store,
                                                const std::string& name,
                                                const std::string& etag) {
  return Found(store.GetApplication(name), "APPLICATION", name, etag);
}

absl::StatusOr<v1::Award> FindAward(ApplicationsStore& store, const std::string& name,
                                    const std::string& etag) {
  return Found(store.GetAward(name), "AWARD", name, etag);
}

namespace {

// True for a record that holds its inputs and entries itself.
bool HoldsLists(const v1::Selection& record) {
  return record.commitment().inputs_size() > 0 || record.entries_size() > 0;
}

// Items [offset, offset + count) of `all`, copied.
template <typename Item>
google::protobuf::RepeatedPtrField<Item> Slice(const google::protobuf::RepeatedPtrField<Item>& all,
                                               int64_t offset, int64_t count) {
  google::protobuf::RepeatedPtrField<Item> slice;
  for (int64_t i = std::max<int64_t>(offset, 0); i < std::min<int64_t>(all.size(), offset + count);
       ++i) {
    *slice.Add() = all.Get(static_cast<int>(i));
  }
  return slice;
}

}  // namespace

void CountHeldLists(v1::Selection& selection) {
  if (!HoldsLists(selection)) return;
  selection.mutable_commitment()->set_input_count(selection.commitment().inputs_size());
  selection.set_entry_count(selection.entries_size());
}

absl::StatusOr<v1::Selection> FindSelectionRecord(ApplicationsStore& store,
                                                  const std::string& round) {
  ASSIGN_OR_RETURN(std::optional<v1::Selection> selection, store.GetSelection(round));
  if (!selection) {
    return NotFoundError("SELECTION_NOT_FOUND",
                         absl::StrCat(round, " has no selection yet"));
  }
  CountHeldLists(*selection);
  return *std::move(selection);
}

absl::StatusOr<v1::Selection> FindSelection(ApplicationsStore& store, const std::string& round) {
  ASSIGN_OR_RETURN(v1::Selection selection, FindSelectionRecord(store, round));
  if (HoldsLists(selection)) return selection;
  ASSIGN_OR_RETURN(*selection.mutable_commitment()->mutable_inputs(),
                   store.SelectionInputs(selection.name(), 0,
                                          selection.commitment().input_count()));
  ASSIGN_OR_RETURN(*selection.mutable_entries(),
                   store.SelectionEntries(selection.name(), 0, selection.entry_count()));
  return selection;
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> SelectionInputs(
    ApplicationsStore& store, const v1::Selection& record, int64_t offset, int64_t count) {
  if (HoldsLists(record)) return Slice(record.commitment().inputs(), offset, count);
  return store.SelectionInputs(record.name(), offset, count);
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>> SelectionEntries(
    ApplicationsStore& store, const v1::Selection& record, int64_t offset, int64_t count) {
  if (HoldsLists(record)) return Slice(record.entries(), offset, count);
  return store.SelectionEntries(record.name(), offset, count);
}

}  // namespace kexport::applications
