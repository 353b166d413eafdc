// The gRPC face of the ledger: resolves the caller, hands the request to the
// LedgerService and turns its results into responses and gRPC errors with
// details. Mutations finish when their batch is durable. No rules here.
#pragma once

#include "common/actor.h"
#include "common/workers.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"
#include "services/ledger/ledger_service.h"

namespace kexport::ledger {

class LedgerHandler final : public v1::Ledger::CallbackService {
 public:
  LedgerHandler(LedgerService* ledger, const ActorResolver* actors)
      : ledger_(ledger), actors_(actors) {}

  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* context,
                                          const v1::CreateAccountRequest* request,
                                          Account* response) override;
  grpc::ServerUnaryReactor* CreateAccounts(
      grpc::CallbackServerContext* context,
      const v1::CreateAccountsRequest* request,
      v1::CreateAccountsResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       Account* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context,
                                         const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* CloseAccount(grpc::CallbackServerContext* context,
                                         const v1::CloseAccountRequest* request,
                                         Account* response) override;
  grpc::ServerUnaryReactor* ListAccountBalances(
      grpc::CallbackServerContext* context,
      const v1::ListAccountBalancesRequest* request,
      v1::ListAccountBalancesResponse* response) override;
  grpc::ServerUnaryReactor* CreateTransfers(
      grpc::CallbackServerContext* context,
      const v1::CreateTransfersRequest* request,
      v1::CreateTransfersResponse* response) override;
  grpc::ServerUnaryReactor* GetTransfer(grpc::CallbackServerContext* context,
                                        const v1::GetTransferRequest* request,
                                        Transfer* response) override;
  grpc::ServerUnaryReactor* ListTransfers(
      grpc::CallbackServerContext* context,
      const v1::ListTransfersRequest* request,
      v1::ListTransfersResponse* response) override;
  grpc::ServerUnaryReactor* ListRejectedTransfers(
      grpc::CallbackServerContext* context,
      const v1::ListRejectedTransfersRequest* request,
      v1::ListRejectedTransfersResponse* response) override;
  grpc::ServerUnaryReactor* ListOpenReservations(
      grpc::CallbackServerContext* context,
      const v1::ListOpenReservationsRequest* request,
      v1::ListOpenReservationsResponse* response) override;
  grpc::ServerUnaryReactor* CloseFiscalYear(
      grpc::CallbackServerContext* context,
      const v1::CloseFiscalYearRequest* request,
      v1::CloseFiscalYearResponse* response) override;
  grpc::ServerUnaryReactor* GetBudgetReport(
      grpc::CallbackServerContext* context,
      const v1::GetBudgetReportRequest* request,
      v1::BudgetReport* response) override;
  grpc::ServerUnaryReactor* VerifyJournal(
      grpc::CallbackServerContext* context,
      const v1::VerifyJournalRequest* request,
      v1::VerifyJournalResponse* response) override;

 private:
  // Submits a mutation; the call finishes when it is durable or failed.
  template <typename Request, typename Response, typename Method>
  grpc::ServerUnaryReactor* Mutate(grpc::CallbackServerContext* context,
                                   const Request* request, Response* response,
                                   Method method);

  LedgerService* ledger_;
  const ActorResolver* actors_;
  // Send the answers, so the group commit's writer thread goes on to the
  // next batch instead of running gRPC's send path (a tenth of its time).
  Workers answerers_{2};
};

}  // namespace kexport::ledger
