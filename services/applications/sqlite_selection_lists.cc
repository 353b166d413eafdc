#include "services/applications/sqlite_selection_lists.h"

#include <algorithm>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/macros.h"
#include "common/proto_bytes.h"
#include "common/sqlite_versioned.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace kexport::applications {
namespace {

enum List : int64_t { kInputs = 1, kEntries = 2 };
constexpr int kItemsPerRow = 1000;
// A row's body is a ListSelectionInputsResponse (ListSelectionEntriesResponse)
// holding only its items: field 1, length-delimited. Stored rows depend on
// that field number: it must never change.
constexpr uint32_t kItemsTag = (1 << 3) | 2;

template <typename Item>
absl::Status WriteList(SqliteDatabase& db, const std::string& name, List list,
                       const google::protobuf::RepeatedPtrField<Item>& items) {
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare("INSERT INTO selection_lists(selection, list, first, body)"
                              " VALUES (?, ?, ?, ?)"));
  for (int first = 0; first < items.size(); first += kItemsPerRow) {
    // Encoded in place rather than copied into a response message.
    std::string body;
    {
      google::protobuf::io::StringOutputStream stream(&body);
      google::protobuf::io::CodedOutputStream out(&stream);
      for (int i = first; i < std::min(items.size(), first + kItemsPerRow); ++i) {
        out.WriteTag(kItemsTag);
        out.WriteVarint32(static_cast<uint32_t>(items.Get(i).ByteSizeLong()));
        items.Get(i).SerializeWithCachedSizes(&out);
      }
    }
    insert->Reset();
    insert->Bind(1, name);
    insert->Bind(2, int64_t{list});
    insert->Bind(3, int64_t{first});
    insert->BindBlob(4, body);
    RETURN_IF_ERROR(insert->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ListsStored(SqliteDatabase& db, const std::string& name) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare("SELECT 1 FROM selection_lists WHERE selection = ? LIMIT 1"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, name);
  return query->Step();
}

template <typename Rows, typename Item>
absl::StatusOr<google::protobuf::RepeatedPtrField<Item>> ReadList(
    SqliteDatabase& db, const std::string& name, List list, int64_t offset, int64_t count,
    google::protobuf::RepeatedPtrField<Item>* (Rows::*items_of)()) {
  ASSIGN_OR_RETURN(SqliteStatement * query,
                   db.Prepare("SELECT first, body FROM selection_lists"
                              " WHERE selection = ? AND list = ? AND first > ? AND first < ?"
                              " ORDER BY first"));
  absl::Cleanup reset = [query] { query->Reset(); };
  query->Bind(1, name);
  query->Bind(2, int64_t{list});
  query->Bind(3, offset - kItemsPerRow);
  query->Bind(4, offset + count);
  google::protobuf::RepeatedPtrField<Item> page;
  while (true) {
    ASSIGN_OR_RETURN(bool more, query->Step());
    if (!more) return page;
    const int64_t first = query->ColumnInt(0);
    Rows row;
    if (!ParseBytes(query->ColumnBytes(1), row)) {
      return absl::DataLossError(absl::StrCat("the stored list of ", name, " from ", first,
                                              " does not parse"));
    }
    google::protobuf::RepeatedPtrField<Item>& items = *(row.*items_of)();
    for (int i = 0; i < items.size(); ++i) {
      if (first + i >= offset && first + i < offset + count) {
        *page.Add() = std::move(*items.Mutable(i));
      }
    }
  }
}

}  // namespace

absl::Status WriteSelection(SqliteDatabase& db, v1::Selection& selection) {
  google::protobuf::RepeatedPtrField<v1::SelectionInput> inputs;
  google::protobuf::RepeatedPtrField<v1::SelectionEntry> entries;
  inputs.Swap(selection.mutable_commitment()->mutable_inputs());
  entries.Swap(selection.mutable_entries());
  const bool carries_lists = !inputs.empty() || !entries.empty();
  if (carries_lists) {
    selection.mutable_commitment()->set_input_count(inputs.size());
    selection.set_entry_count(entries.size());
  }
  absl::Status written = WriteVersionedRecord(db, "selections", {"name", selection.name()},
                                              selection, {});
  absl::Cleanup give_back = [&] {
    inputs.Swap(selection.mutable_commitment()->mutable_inputs());
    entries.Swap(selection.mutable_entries());
  };
  RETURN_IF_ERROR(written);
  if (!carries_lists) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool stored, ListsStored(db, selection.name()));
  if (stored) return absl::OkStatus();
  RETURN_IF_ERROR(WriteList(db, selection.name(), kInputs, inputs));
  return WriteList(db, selection.name(), kEntries, entries);
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> ReadSelectionInputs(
    SqliteDatabase& db, const std::string& name, int64_t offset, int64_t count) {
  return ReadList(db, name, kInputs, offset, count,
                  &v1::ListSelectionInputsResponse::mutable_inputs);
}

absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>> ReadSelectionEntries(
    SqliteDatabase& db, const std::string& name, int64_t offset, int64_t count) {
  return ReadList(db, name, kEntries, offset, count,
                  &v1::ListSelectionEntriesResponse::mutable_entries);
}

}  // namespace kexport::applications
