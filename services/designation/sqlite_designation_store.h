// DesignationStore on an embedded SQLite database: records as serialized
// protobufs beside the columns queries need, a version per record for its
// etag, and the applied requests in the same transaction as each change.
//
//   ASSIGN_OR_RETURN(auto store, SqliteDesignationStore::Open(path));
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/sqlite.h"
#include "services/designation/designation_store.h"

namespace kexport::designation {

class SqliteDesignationStore final : public DesignationStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteDesignationStore>> Open(
      const std::string& path);

  absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) override;
  absl::Status Commit(DesignationWrite& write) override;
  absl::StatusOr<std::optional<v1::DesignationApplication>> GetApplication(
      const std::string& id) override;
  absl::StatusOr<Page<v1::DesignationApplication>> ListApplications(
      const ApplicationQuery& query) override;
  absl::StatusOr<std::optional<v1::DesignationApplication>> OpenApplication(
      const std::string& firm) override;
  absl::StatusOr<std::optional<v1::Designation>> GetDesignation(
      const std::string& id) override;
  absl::StatusOr<std::vector<v1::Designation>> FirmDesignations(
      const std::string& firm) override;
  absl::StatusOr<std::vector<v1::Designation>> AllDesignations() override;
  absl::StatusOr<std::optional<v1::AnnualReview>> GetAnnualReview(int32_t year) override;

 private:
  explicit SqliteDesignationStore(std::unique_ptr<SqliteDatabase> db)
      : db_(std::move(db)) {}

  std::mutex mutex_;
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace kexport::designation
