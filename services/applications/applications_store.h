// Where programmes, rounds, applications and selections are kept. Every
// change commits as one ApplicationsWrite: the records it touches (each at
// the version it was read at, "" for new ones), the selection it records,
// and the request it applies. SqliteApplicationsStore is the embedded
// implementation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/idempotency.h"
#include "common/page_token.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

struct ApplicationsWrite {
  std::vector<v1::Program> programs;
  std::vector<v1::Round> rounds;
  std::vector<v1::Application> applications;
  std::optional<v1::Selection> selection;
  std::string request_id;
  AppliedRequest applied;
};

struct ApplicationQuery {
  std::string round;
  std::string firm;
  std::vector<int> states;
  bool descending = false;
  PageRequest page;
};

class ApplicationsStore {
 public:
  virtual ~ApplicationsStore() = default;

  virtual absl::StatusOr<std::optional<AppliedRequest>> FindAppliedRequest(
      const std::string& request_id) = 0;
  // All or nothing: ABORTED when a record changed since it was read or the
  // request id was applied meanwhile, ALREADY_EXISTS when a new record's
  // name is taken (or the firm already applied to the round).
  virtual absl::Status Commit(ApplicationsWrite& write) = 0;

  virtual absl::StatusOr<std::optional<v1::Program>> GetProgram(const std::string& name) = 0;
  virtual absl::StatusOr<Page<v1::Program>> ListPrograms(const PageRequest& page) = 0;
  virtual absl::StatusOr<std::optional<v1::Round>> GetRound(const std::string& name) = 0;
  // A programme's rounds, earliest window first.
  virtual absl::StatusOr<std::vector<v1::Round>> ProgramRounds(const std::string& program) = 0;
  virtual absl::StatusOr<std::optional<v1::Application>> GetApplication(
      const std::string& name) = 0;
  virtual absl::StatusOr<Page<v1::Application>> ListApplications(
      const ApplicationQuery& query) = 0;
  // Every application of a round, by submission (drafts last).
  virtual absl::StatusOr<std::vector<v1::Application>> RoundApplications(
      const std::string& round) = 0;
  virtual absl::StatusOr<std::optional<v1::Selection>> GetSelection(
      const std::string& round) = 0;
};

}  // namespace kexport::applications
