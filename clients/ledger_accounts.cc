#include "clients/ledger_accounts.h"

#include "clients/grpc_errors.h"
#include "common/client.h"

namespace kexport::clients {

GrpcLedgerAccounts::GrpcLedgerAccounts(const std::string& address, absl::Duration timeout,
                                       std::string actor)
    : stub_(ledger::v1::Ledger::NewStub(
          MakeChannel(address, {"kexport.ledger.v1.Ledger/GetAccount"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

absl::StatusOr<int64_t> GrpcLedgerAccounts::Available(const std::string& account) {
  ledger::v1::GetAccountRequest request;
  request.set_name(account);
  ledger::v1::Account response;
  auto context = MakeCallContext(nullptr, timeout_, actor_);
  grpc::Status status = stub_->GetAccount(context.get(), request, &response);
  if (!status.ok()) {
    return FromGrpc("ledger", status);
  }
  return response.available();
}

}  // namespace kexport::clients
