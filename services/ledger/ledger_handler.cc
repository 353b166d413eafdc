#include "services/ledger/ledger_handler.h"

#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/unary.h"

namespace kexport::ledger {
template <typename Request, typename Response, typename Method>
grpc::ServerUnaryReactor* LedgerHandler::Mutate(
    grpc::CallbackServerContext* context, const Request* request,
    Response* response, Method method) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> actor = actors_->Resolve(*context);
  if (!actor.ok()) {
    reactor->Finish(ToGrpcStatus(actor.status()));
    return reactor;
  }
  (ledger_->*method)(*request, *actor,
                     [this, reactor, response](absl::StatusOr<Response> result) {
                       answerers_.Run([reactor, response, result = std::move(result)]() mutable {
                         Answer(reactor, std::move(result), response);
                       });
                     });
  return reactor;
}

grpc::ServerUnaryReactor* LedgerHandler::CreateAccount(
    grpc::CallbackServerContext* context, const v1::CreateAccountRequest* request,
    Account* response) {
  return Mutate(context, request, response, &LedgerService::CreateAccount);
}

grpc::ServerUnaryReactor* LedgerHandler::CreateAccounts(
    grpc::CallbackServerContext* context,
    const v1::CreateAccountsRequest* request,
    v1::CreateAccountsResponse* response) {
  return Mutate(context, request, response, &LedgerService::CreateAccounts);
}

grpc::ServerUnaryReactor* LedgerHandler::CloseAccount(
    grpc::CallbackServerContext* context, const v1::CloseAccountRequest* request,
    Account* response) {
  return Mutate(context, request, response, &LedgerService::CloseAccount);
}

grpc::ServerUnaryReactor* LedgerHandler::CreateTransfers(
    grpc::CallbackServerContext* context,
    const v1::CreateTransfersRequest* request,
    v1::CreateTransfersResponse* response) {
  return Mutate(context, request, response, &LedgerService::CreateTransfers);
}

grpc::ServerUnaryReactor* LedgerHandler::GetAccount(
    grpc::CallbackServerContext* context, const v1::GetAccountRequest* request,
    Account* response) {
  return FinishUnary(context, ledger_->GetAccount(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::ListAccounts(
    grpc::CallbackServerContext* context, const v1::ListAccountsRequest* request,
    v1::ListAccountsResponse* response) {
  return FinishUnary(context, ledger_->ListAccounts(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::ListAccountBalances(
    grpc::CallbackServerContext* context,
    const v1::ListAccountBalancesRequest* request,
    v1::ListAccountBalancesResponse* response) {
  return FinishUnary(context, ledger_->ListAccountBalances(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::GetTransfer(
    grpc::CallbackServerContext* context, const v1::GetTransferRequest* request,
    Transfer* response) {
  return FinishUnary(context, ledger_->GetTransfer(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::ListTransfers(
    grpc::CallbackServerContext* context, const v1::ListTransfersRequest* request,
    v1::ListTransfersResponse* response) {
  return FinishUnary(context, ledger_->ListTransfers(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::ListRejectedTransfers(
    grpc::CallbackServerContext* context,
    const v1::ListRejectedTransfersRequest* request,
    v1::ListRejectedTransfersResponse* response) {
  return FinishUnary(context, ledger_->ListRejectedTransfers(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::VerifyJournal(
    grpc::CallbackServerContext* context, const v1::VerifyJournalRequest*,
    v1::VerifyJournalResponse* response) {
  return FinishUnary(context, ledger_->VerifyJournal(), response);
}

grpc::ServerUnaryReactor* LedgerHandler::ListOpenReservations(
    grpc::CallbackServerContext* context,
    const v1::ListOpenReservationsRequest* request,
    v1::ListOpenReservationsResponse* response) {
  return FinishUnary(context, ledger_->ListOpenReservations(*request), response);
}

grpc::ServerUnaryReactor* LedgerHandler::CloseFiscalYear(
    grpc::CallbackServerContext* context, const v1::CloseFiscalYearRequest* request,
    v1::CloseFiscalYearResponse* response) {
  return Mutate(context, request, response, &LedgerService::CloseFiscalYear);
}

grpc::ServerUnaryReactor* LedgerHandler::GetBudgetReport(
    grpc::CallbackServerContext* context, const v1::GetBudgetReportRequest* request,
    v1::BudgetReport* response) {
  return FinishUnary(context, ledger_->GetBudgetReport(*request), response);
}

}  // namespace kexport::ledger
