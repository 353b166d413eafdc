// FirmStore on an embedded SQLite database. Each firm is kept as its
// serialized record plus the columns that filters and orders need; the
// change history is append-only (triggers refuse updates and deletes).
//
//   ASSIGN_OR_RETURN(auto store, SqliteFirmStore::Open("/data/registry.db"));
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/sqlite.h"
#include "services/registry/firm_store.h"

namespace kexport::registry {

class SqliteFirmStore final : public FirmStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteFirmStore>> Open(
      const std::string& path);

  absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) override;
  absl::StatusOr<Firm> GetFirm(const std::string& brn) override;
  absl::StatusOr<std::vector<Firm>> GetFirms(
      const std::vector<std::string>& brns) override;
  absl::StatusOr<Page<Firm>> ListFirms(const FirmQuery& query) override;
  absl::StatusOr<std::vector<absl::Status>> CreateFirms(
      std::vector<NewFirm>& firms) override;
  absl::Status UpdateFirm(Firm& firm, const std::string& expected_etag,
                          const ChangeContext& change) override;
  absl::Status AddExportRecord(const std::string& brn, ExportRecord& record,
                               const ChangeContext& change) override;
  absl::StatusOr<Page<ExportRecord>> ListExportRecords(
      const ExportRecordQuery& query) override;
  absl::StatusOr<Page<FirmChange>> ListFirmChanges(
      const FirmChangeQuery& query) override;

 private:
  explicit SqliteFirmStore(std::unique_ptr<SqliteDatabase> db)
      : db_(std::move(db)) {}

  // The helpers below require mutex_.
  absl::StatusOr<std::optional<Firm>> LoadFirm(const std::string& brn);
  // The firm's sector and certification rows; `replace` drops its old ones.
  absl::Status WriteIndexes(const Firm& firm, bool replace);
  absl::Status RecordChange(const std::string& brn,
                            const ChangeContext& change);
  // ABORTED when the request id was applied meanwhile.
  absl::Status RecordAppliedRequest(const ChangeContext& change, const std::string& response);

  std::mutex mutex_;
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace kexport::registry
