// Running a round's selection: the commitment built from the round's
// eligible applications (one per firm), the available budget asked of the
// ledger, the draw, and every application's outcome with the awards to
// reserve, recorded together; then verified by anyone from the record.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "clients/ledger_accounts.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "services/applications/applications_store.h"
#include "services/applications/ledger_outbox.h"

namespace kexport::applications {

class SelectionDesk final {
 public:
  // `max_answer_bytes`: the largest message the server sends; a FULL view
  // beyond it is refused (SELECTION_TOO_LARGE) rather than failing in gRPC.
  SelectionDesk(ApplicationsStore* store, clients::LedgerAccounts* ledger, LedgerOutbox* outbox,
                Clock clock, int64_t max_answer_bytes);

  absl::StatusOr<v1::SelectionCommitment> Preview(
      const v1::PreviewSelectionCommitmentRequest& request);
  absl::StatusOr<v1::Selection> Run(const v1::RunSelectionRequest& request,
                                    const std::string& actor);
  absl::StatusOr<v1::Selection> Get(const v1::GetSelectionRequest& request);
  absl::StatusOr<v1::VerifySelectionResponse> Verify(const v1::VerifySelectionRequest& request);
  absl::StatusOr<v1::ListSelectionEntriesResponse> ListEntries(
      const v1::ListSelectionEntriesRequest& request);
  absl::StatusOr<v1::ListSelectionInputsResponse> ListInputs(
      const v1::ListSelectionInputsRequest& request);

 private:
  // The commitment a CLOSED round's selection would make now, without the
  // seed value; its round as read, and the version of each input's
  // application.
  struct Prepared {
    v1::Round round;
    int64_t round_writes = 0;  // RoundWrites before the candidates were read
    absl::flat_hash_map<std::string, int64_t> versions;
    v1::SelectionCommitment commitment;
  };
  absl::StatusOr<Prepared> Prepare(const std::string& round_name, absl::Time now);

  // A round's candidates, one per firm in BRN order, as read at the round's
  // write count.
  struct Candidates {
    std::string round;
    int64_t round_writes = 0;
    std::vector<SelectionCandidate> by_brn;
  };
  // Read again only when the round's write count moved since they were last
  // read: the preview an operator publishes and the draw that follows read
  // the same 100,000 applications once.
  absl::StatusOr<std::shared_ptr<const Candidates>> ReadCandidates(const std::string& round);
  // Frees a drawn round's candidates: the draw counts as a write, so they
  // would never be reused.
  void ForgetCandidates(const std::string& round);

  // RunSelection records a stub naming its selection, not a second copy of
  // a record of megabytes: the record changes only by its promotions, so a
  // retry's answer is the record without them, at its first etag.
  absl::StatusOr<std::optional<AppliedRequest>> FindApplied(const std::string& request_id);

  // `selection` as `view` shows it, or SELECTION_TOO_LARGE.
  absl::StatusOr<v1::Selection> Show(v1::Selection selection, v1::SelectionView view) const;
  // SELECTION_TOO_LARGE when `answer` in a FULL `view` would not fit.
  absl::Status CheckFits(const google::protobuf::MessageLite& answer,
                         v1::SelectionView view) const;

  ApplicationsStore* store_;
  clients::LedgerAccounts* ledger_;
  LedgerOutbox* outbox_;
  Clock clock_;
  const int64_t max_answer_bytes_;
  AppliedRequestLookup applied_requests_;
  std::mutex candidates_mutex_;
  std::shared_ptr<const Candidates> last_candidates_;  // guarded by candidates_mutex_
};

}  // namespace kexport::applications
