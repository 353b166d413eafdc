// ApplicationsStore on an embedded SQLite database: records as serialized
// protobufs beside the columns queries need, a version per record for its
// etag, one application per firm and round enforced by a unique index, and
// the applied requests in the transaction of each change.
//
//   ASSIGN_OR_RETURN(auto store, SqliteApplicationsStore::Open(path));
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/sqlite.h"
#include "services/applications/applications_store.h"

namespace kexport::applications {

class SqliteApplicationsStore final : public ApplicationsStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqliteApplicationsStore>> Open(
      const std::string& path);

  absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) override;
  absl::Status Commit(ApplicationsWrite& write) override;
  absl::StatusOr<std::optional<v1::Program>> GetProgram(const std::string& name) override;
  absl::StatusOr<Page<v1::Program>> ListPrograms(const PageRequest& page) override;
  absl::StatusOr<std::optional<v1::Round>> GetRound(const std::string& name) override;
  absl::StatusOr<std::vector<v1::Round>> ProgramRounds(const std::string& program) override;
  absl::StatusOr<std::optional<v1::Application>> GetApplication(
      const std::string& name) override;
  absl::StatusOr<Page<v1::Application>> ListApplications(
      const ApplicationQuery& query) override;
  absl::StatusOr<std::vector<v1::Application>> RoundApplications(
      const std::string& round) override;
  absl::StatusOr<std::optional<v1::Selection>> GetSelection(const std::string& round) override;
  absl::StatusOr<std::optional<v1::Award>> GetAward(const std::string& name) override;
  absl::StatusOr<Page<v1::Award>> ListAwards(const AwardQuery& query) override;
  absl::StatusOr<std::vector<v1::Award>> RoundAwards(const std::string& round) override;
  absl::StatusOr<std::vector<v1::Award>> DueAwards() override;
  absl::StatusOr<std::optional<v1::FirmBan>> GetBan(const std::string& name) override;
  absl::StatusOr<Page<v1::FirmBan>> ListBans(const BanQuery& query) override;
  absl::StatusOr<std::vector<v1::FirmBan>> FirmBans(const std::string& firm) override;

 private:
  explicit SqliteApplicationsStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  std::mutex mutex_;
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace kexport::applications
