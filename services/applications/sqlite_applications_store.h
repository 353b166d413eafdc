// ApplicationsStore on an embedded SQLite database: records as serialized
// protobufs beside the columns queries need, a version per record for its
// etag, one application per firm and round enforced by a unique index, and
// the applied requests in the transaction of each change.
//
// Writes are group-committed: concurrent Commit calls share one transaction,
// each write in its own savepoint (one refused by its own checks is undone
// alone, exactly as if it had run by itself after the writes before it), so
// one fsync makes a whole batch durable. Commit returns only once the
// transaction holding the write has committed, or with the error that
// failed it. Reads use a second connection, so they see committed writes
// only and run while a batch commits.
//
//   ASSIGN_OR_RETURN(auto store, SqliteApplicationsStore::Open(path));
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  absl::StatusOr<int64_t> RoundWrites(const std::string& round) override;
  absl::StatusOr<std::vector<SelectionCandidate>> SelectionCandidates(
      const std::string& round) override;
  absl::StatusOr<std::optional<v1::Selection>> GetSelection(const std::string& round) override;
  absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> SelectionInputs(
      const std::string& selection, int64_t offset, int64_t count) override;
  absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>> SelectionEntries(
      const std::string& selection, int64_t offset, int64_t count) override;
  absl::StatusOr<std::optional<v1::Award>> GetAward(const std::string& name) override;
  absl::StatusOr<Page<v1::Award>> ListAwards(const AwardQuery& query) override;
  absl::StatusOr<std::vector<v1::Award>> RoundAwards(const std::string& round) override;
  absl::StatusOr<std::vector<v1::Award>> DueAwards() override;
  absl::StatusOr<std::optional<v1::FirmBan>> GetBan(const std::string& name) override;
  absl::StatusOr<Page<v1::FirmBan>> ListBans(const BanQuery& query) override;
  absl::StatusOr<std::vector<v1::FirmBan>> FirmBans(const std::string& firm) override;

 private:
  SqliteApplicationsStore(std::unique_ptr<SqliteDatabase> db,
                          std::unique_ptr<SqliteDatabase> reader)
      : db_(std::move(db)), reader_(std::move(reader)) {}

  struct QueuedWrite {
    ApplicationsWrite* write;
    absl::Status status;
    bool done = false;
  };
  // One transaction for the batch; a write's own refusal is in its status.
  absl::Status CommitBatch(const std::vector<QueuedWrite*>& batch);
  // Requires mutex_ and an open transaction.
  absl::Status ApplyWrite(ApplicationsWrite& write);

  // The connection that writes, held by one batch at a time.
  std::mutex mutex_;
  std::unique_ptr<SqliteDatabase> db_;
  // Reads have their own connection: in WAL mode a read sees the last
  // committed state and never waits for a batch's fsync.
  std::mutex read_mutex_;
  std::unique_ptr<SqliteDatabase> reader_;

  std::mutex queue_mutex_;
  std::condition_variable batch_done_;
  std::vector<QueuedWrite*> queue_;
  bool batch_running_ = false;
};

}  // namespace kexport::applications
