// The ledger's accounts and transfers, from the ledger service, behind an
// interface for the services that plan and move programme money. Both
// writes are idempotent by their request id, so a caller may resend them.
//
//   ASSIGN_OR_RETURN(int64_t available, accounts.Available("accounts/voucher-2026-budget"));
//   ASSIGN_OR_RETURN(CreateTransfersResponse answer, accounts.CreateTransfers(request));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"

namespace kexport::clients {

class LedgerAccounts {
 public:
  virtual ~LedgerAccounts() = default;
  // Account.available, won; NOT_FOUND for an unknown account.
  virtual absl::StatusOr<int64_t> Available(const std::string& account) = 0;
  // One typed outcome per account or transfer; an error only when the
  // request itself was not answered (UNAVAILABLE, DEADLINE_EXCEEDED, ...).
  virtual absl::StatusOr<ledger::v1::CreateAccountsResponse> CreateAccounts(
      const ledger::v1::CreateAccountsRequest& request) = 0;
  virtual absl::StatusOr<ledger::v1::CreateTransfersResponse> CreateTransfers(
      const ledger::v1::CreateTransfersRequest& request) = 0;
  // Every transfer `filter` matches, in journal order (all pages).
  virtual absl::StatusOr<std::vector<ledger::v1::Transfer>> Transfers(
      const ledger::v1::TransferFilter& filter) = 0;
};

class GrpcLedgerAccounts final : public LedgerAccounts {
 public:
  // `actor` names the calling service in the ledger's records.
  GrpcLedgerAccounts(const std::string& address, absl::Duration timeout, std::string actor);
  absl::StatusOr<int64_t> Available(const std::string& account) override;
  absl::StatusOr<ledger::v1::CreateAccountsResponse> CreateAccounts(
      const ledger::v1::CreateAccountsRequest& request) override;
  absl::StatusOr<ledger::v1::CreateTransfersResponse> CreateTransfers(
      const ledger::v1::CreateTransfersRequest& request) override;
  absl::StatusOr<std::vector<ledger::v1::Transfer>> Transfers(
      const ledger::v1::TransferFilter& filter) override;

 private:
  std::unique_ptr<ledger::v1::Ledger::Stub> stub_;
  absl::Duration timeout_;
  std::string actor_;
};

}  // namespace kexport::clients
