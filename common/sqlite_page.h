// Reads one keyset page from a SQLite query that asked for `limit + 1` rows:
// the extra row only tells that more follow, and the position of the last
// item kept becomes the next page's cursor. A page also ends early once its
// items reach kMaxPageBytes, so it always fits in the 4 MiB gRPC clients
// accept by default (AIP-158 allows short pages).
//
//   ASSIGN_OR_RETURN(Page<Firm> page,
//                    ReadPage<Firm>(*statement, limit, [](SqliteStatement& row)
//                        -> absl::StatusOr<PagedRow<Firm>> {
//                      ASSIGN_OR_RETURN(Firm firm, ParseFirm(row.ColumnText(1)));
//                      return PagedRow<Firm>{firm, {row.ColumnText(0)}};
//                    }));
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/statusor.h"
#include "common/macros.h"
#include "common/page_token.h"
#include "common/record_version.h"
#include "common/sqlite.h"

namespace kexport {

inline constexpr size_t kMaxPageBytes = 3 * 1024 * 1024;

// Every row `sql` selects, bound to `values`, as `read_row(statement)`
// (absl::StatusOr<Item>) makes it.
template <typename Item, typename ReadRow>
absl::StatusOr<std::vector<Item>> ReadRows(SqliteDatabase& db, const std::string& sql,
                                           const SqlValues& values, ReadRow read_row) {
  ASSIGN_OR_RETURN(SqliteStatement * statement, db.Prepare(sql));
  absl::Cleanup reset = [statement] { statement->Reset(); };
  values.BindTo(*statement);
  std::vector<Item> items;
  while (true) {
    ASSIGN_OR_RETURN(bool row, statement->Step());
    if (!row) {
      return items;
    }
    ASSIGN_OR_RETURN(Item item, read_row(*statement));
    items.push_back(std::move(item));
  }
}

// Every record `sql` selects as (body, version) rows, bound to `values`.
template <typename Message>
absl::StatusOr<std::vector<Message>> ReadVersionedRecords(SqliteDatabase& db,
                                                          const std::string& sql,
                                                          const SqlValues& values) {
  return ReadRows<Message>(db, sql, values, [](SqliteStatement& row) {
    return ParseVersioned<Message>(row.ColumnBytes(0), row.ColumnInt(1));
  });
}

template <typename Item>
struct PagedRow {
  Item item;
  // The keyset position of this row, e.g. {brn} or {year, id}.
  std::vector<std::string> position;
};

// `read_row(statement)` returns absl::StatusOr<PagedRow<Item>> for the
// current row.
template <typename Item, typename ReadRow>
absl::StatusOr<Page<Item>> ReadPage(SqliteStatement& statement, int limit,
                                    ReadRow read_row) {
  Page<Item> page;
  std::vector<std::string> last;
  size_t bytes = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) {
      return page;
    }
    if (static_cast<int>(page.items.size()) == limit || bytes >= kMaxPageBytes) {
      page.next = std::move(last);
      return page;
    }
    ASSIGN_OR_RETURN(PagedRow<Item> row, read_row(statement));
    bytes += row.item.ByteSizeLong();
    page.items.push_back(std::move(row.item));
    last = std::move(row.position);
  }
}

}  // namespace kexport
