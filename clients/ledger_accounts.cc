#include "clients/ledger_accounts.h"

#include "clients/grpc_errors.h"
#include "common/client.h"
#include "common/macros.h"

namespace kexport::clients {

GrpcLedgerAccounts::GrpcLedgerAccounts(const std::string& address, absl::Duration timeout,
                                       std::string actor)
    : stub_(ledger::v1::Ledger::NewStub(
          MakeChannel(address, {"kexport.ledger.v1.Ledger/GetAccount",
                                "kexport.ledger.v1.Ledger/ListTransfers",
                                "kexport.ledger.v1.Ledger/CreateAccounts",
                                "kexport.ledger.v1.Ledger/CreateTransfers"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

namespace {

// One unary ledger call with the client's deadline and actor.
template <typename Request, typename Response>
absl::StatusOr<Response> Call(
    ledger::v1::Ledger::Stub& stub,
    grpc::Status (ledger::v1::Ledger::Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
    const Request& request, absl::Duration timeout, const std::string& actor) {
  Response response;
  auto context = MakeCallContext(nullptr, timeout, actor);
  grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) {
    return FromGrpc("ledger", status);
  }
  return response;
}

}  // namespace

absl::StatusOr<int64_t> GrpcLedgerAccounts::Available(const std::string& account) {
  ledger::v1::GetAccountRequest request;
  request.set_name(account);
  ASSIGN_OR_RETURN(ledger::v1::Account found,
                   Call(*stub_, &ledger::v1::Ledger::Stub::GetAccount, request, timeout_, actor_));
  return found.available();
}

absl::StatusOr<ledger::v1::CreateAccountsResponse> GrpcLedgerAccounts::CreateAccounts(
    const ledger::v1::CreateAccountsRequest& request) {
  return Call(*stub_, &ledger::v1::Ledger::Stub::CreateAccounts, request, timeout_, actor_);
}

absl::StatusOr<ledger::v1::CreateTransfersResponse> GrpcLedgerAccounts::CreateTransfers(
    const ledger::v1::CreateTransfersRequest& request) {
  return Call(*stub_, &ledger::v1::Ledger::Stub::CreateTransfers, request, timeout_, actor_);
}

absl::StatusOr<std::vector<ledger::v1::Transfer>> GrpcLedgerAccounts::Transfers(
    const ledger::v1::TransferFilter& filter) {
  ledger::v1::ListTransfersRequest request;
  *request.mutable_filter() = filter;
  request.set_page_size(1000);
  std::vector<ledger::v1::Transfer> transfers;
  do {
    ASSIGN_OR_RETURN(ledger::v1::ListTransfersResponse page,
                     Call(*stub_, &ledger::v1::Ledger::Stub::ListTransfers, request, timeout_,
                          actor_));
    for (ledger::v1::Transfer& transfer : *page.mutable_transfers()) {
      transfers.push_back(std::move(transfer));
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return transfers;
}

}  // namespace kexport::clients
