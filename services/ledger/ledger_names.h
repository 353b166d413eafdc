// Resource names and derived fields of the ledger's records.
//
//   AccountName("voucher-2026-budget") == "accounts/voucher-2026-budget"
//   AccountIdFromName("accounts/voucher-2026-budget") == "voucher-2026-budget"
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::ledger {

inline constexpr absl::string_view kAccountsPrefix = "accounts/";
inline constexpr absl::string_view kTransfersPrefix = "transfers/";
// Transfer ids made by CloseFiscalYear start with this; clients' may not.
inline constexpr absl::string_view kFiscalYearClosePrefix = "fyclose-";

std::string AccountName(absl::string_view id);
std::string TransferName(absl::string_view id);
// The id in a name already validated as `accounts/{id}` / `transfers/{id}`.
std::string AccountIdFromName(absl::string_view name);
std::string TransferIdFromName(absl::string_view name);

// What the limited side of `account` can still take, counting pending
// amounts; 0 for an account without a limit.
int64_t AvailableToLimit(const v1::Account& account);

// `account` with its output-only derived fields (`available`) filled in.
v1::Account WithDerivedFields(v1::Account account);

}  // namespace kexport::ledger
