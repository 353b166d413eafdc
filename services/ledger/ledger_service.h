// The ledger's use cases: validates requests, makes each mutation
// idempotent under its request_id, runs the Bookkeeper through the group
// committer, and answers reads from the store. Plain C++ (no gRPC types):
// mutations report through a callback once durable.
//
//   LedgerService ledger(&store, SystemClock());
//   ledger.CreateTransfers(request, "applications", [](auto response) {...});
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clock.h"
#include "services/ledger/group_commit.h"
#include "services/ledger/ledger_store.h"

namespace kexport::ledger {

class LedgerService final {
 public:
  template <typename Response>
  using Reply = std::function<void(absl::StatusOr<Response>)>;

  // Up to `max_batch_commands` requests share one transaction.
  LedgerService(LedgerStore* store, Clock clock, size_t max_batch_commands = 256);

  void CreateAccount(const v1::CreateAccountRequest& request,
                     const std::string& actor, Reply<Account> reply);
  void CreateAccounts(const v1::CreateAccountsRequest& request,
                      const std::string& actor,
                      Reply<v1::CreateAccountsResponse> reply);
  void CloseAccount(const v1::CloseAccountRequest& request,
                    const std::string& actor, Reply<Account> reply);
  void CreateTransfers(const v1::CreateTransfersRequest& request,
                       const std::string& actor,
                       Reply<v1::CreateTransfersResponse> reply);
  void CloseFiscalYear(const v1::CloseFiscalYearRequest& request,
                       const std::string& actor,
                       Reply<v1::CloseFiscalYearResponse> reply);

  absl::StatusOr<Account> GetAccount(const v1::GetAccountRequest& request);
  absl::StatusOr<v1::ListAccountsResponse> ListAccounts(
      const v1::ListAccountsRequest& request);
  absl::StatusOr<v1::ListAccountBalancesResponse> ListAccountBalances(
      const v1::ListAccountBalancesRequest& request);
  absl::StatusOr<Transfer> GetTransfer(const v1::GetTransferRequest& request);
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(
      const v1::ListTransfersRequest& request);
  absl::StatusOr<v1::ListRejectedTransfersResponse> ListRejectedTransfers(
      const v1::ListRejectedTransfersRequest& request);
  absl::StatusOr<v1::ListOpenReservationsResponse> ListOpenReservations(
      const v1::ListOpenReservationsRequest& request);
  absl::StatusOr<v1::BudgetReport> GetBudgetReport(
      const v1::GetBudgetReportRequest& request);
  absl::StatusOr<v1::VerifyJournalResponse> VerifyJournal();

  // Applies what is queued and expires what has timed out by now.
  void Flush() { committer_.Flush(); }

 private:
  // Runs `apply` once per request id inside a batch; a retry answers the
  // recorded response.
  template <typename Response>
  void SubmitOnce(const std::string& request_id, std::string fingerprint,
                  std::function<absl::StatusOr<Response>(LedgerBatch&, absl::Time)> apply,
                  Reply<Response> reply);
  // CloseFiscalYear with validate_only: the same checks and answer, nothing
  // stored.
  void DryRunClose(const v1::CloseFiscalYearRequest& request, const std::string& actor,
                   Reply<v1::CloseFiscalYearResponse> reply);

  LedgerStore* store_;
  Clock clock_;
  GroupCommitter committer_;
};

}  // namespace kexport::ledger
