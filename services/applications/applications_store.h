// Where programmes, rounds, applications, selections, awards and bans are
// kept. Every change commits as one ApplicationsWrite: the records it touches
// (each at the version it was read at, "" for new ones), the selection it
// records, and the request it applies. An award whose ledger step is due
// (LedgerStepDue) is the outbox: it commits with the change that made the
// step due, and the step runs after. SqliteApplicationsStore is the embedded
// implementation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/idempotency.h"
#include "common/page_token.h"
#include "services/applications/application_states.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

// What a selection decided for one application it drew.
struct SelectionOutcome {
  std::string application;
  // The version of the application the outcome applies to: ABORTED if the
  // application changed since.
  int64_t base_version = 0;
  v1::ApplicationState state = v1::APPLICATION_STATE_UNSPECIFIED;
  std::string reason;
  std::string award;  // "" unless selected
};

// A round's selection outcomes, decided by one RunSelection call.
struct DrawnOutcomes {
  std::string round;
  Change change;
  std::vector<SelectionOutcome> outcomes;
  // The round's RoundWrites, read before its candidates. While it stands no
  // application of the round changed since, and the outcomes' versions are
  // not checked one by one; unset, they are. Set it only for outcomes drawn
  // from candidates read after it: the store then trusts them.
  std::optional<int64_t> round_writes;
};

// An application a selection may draw, as its draw reads it.
struct SelectionCandidate {
  std::string name;
  int64_t version = 0;
  int32_t reviews = 0;
  // Whatever the policy: weight = priority value, scores included.
  v1::SelectionInput input;
};

struct ApplicationsWrite {
  std::vector<v1::Program> programs;
  std::vector<v1::Round> rounds;
  std::vector<v1::Application> applications;
  std::vector<v1::Award> awards;
  std::vector<v1::FirmBan> bans;
  std::vector<v1::Selection> selections;
  DrawnOutcomes drawn;
  // Rounds the change was decided on, at the version read: ABORTED if one
  // changed meanwhile. Not written.
  std::vector<v1::Round> unchanged_rounds;
  std::string request_id;
  AppliedRequest applied;
};

struct AwardQuery {
  std::string round;
  std::string firm;
  std::vector<int> states;
  // Rounds of this fiscal year (0: any) and programme ("": any).
  int32_t fiscal_year = 0;
  std::string program;
  PageRequest page;
};

struct BanQuery {
  std::string firm;
  // Only bans in force on this day (Korea); unset: all.
  std::optional<absl::CivilDay> active_on;
  PageRequest page;
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
  // A count that moves with every write to the round's applications (a
  // submission, a withdrawal, a review) and with every draw of their
  // outcomes; equal counts mean nothing of the round changed between them.
  virtual absl::StatusOr<int64_t> RoundWrites(const std::string& round) = 0;
  // A round's applications UNDER_REVIEW, by submission.
  virtual absl::StatusOr<std::vector<SelectionCandidate>> SelectionCandidates(
      const std::string& round) = 0;
  // A round's selection record. Its inputs and entries are kept apart (see
  // SelectionInputs) and the record carries their counts, unless it was
  // written before they were kept apart: then it holds them itself.
  virtual absl::StatusOr<std::optional<v1::Selection>> GetSelection(
      const std::string& round) = 0;
  // Up to `count` of the kept-apart inputs (entries) of `selection` (its
  // name), from `offset` on, in order.
  virtual absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionInput>> SelectionInputs(
      const std::string& selection, int64_t offset, int64_t count) = 0;
  virtual absl::StatusOr<google::protobuf::RepeatedPtrField<v1::SelectionEntry>>
  SelectionEntries(const std::string& selection, int64_t offset, int64_t count) = 0;

  virtual absl::StatusOr<std::optional<v1::Award>> GetAward(const std::string& name) = 0;
  // By name.
  virtual absl::StatusOr<Page<v1::Award>> ListAwards(const AwardQuery& query) = 0;
  virtual absl::StatusOr<std::vector<v1::Award>> RoundAwards(const std::string& round) = 0;
  // The outbox: awards whose ledger step is due, oldest change first.
  virtual absl::StatusOr<std::vector<v1::Award>> DueAwards() = 0;

  virtual absl::StatusOr<std::optional<v1::FirmBan>> GetBan(const std::string& name) = 0;
  // Newest first.
  virtual absl::StatusOr<Page<v1::FirmBan>> ListBans(const BanQuery& query) = 0;
  virtual absl::StatusOr<std::vector<v1::FirmBan>> FirmBans(const std::string& firm) = 0;
};

}  // namespace kexport::applications
