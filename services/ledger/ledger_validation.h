// What makes a ledger request well-formed. Malformed input fails the whole
// call with INVALID_ARGUMENT naming each bad field (`transfers[3].amount`)
// and nothing is stored; whatever depends on the ledger's state is decided
// later, per transfer, by the Bookkeeper.
//
//   RETURN_IF_ERROR(ValidateCreateTransfers(request));
#pragma once

#include "common/money.h"

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::ledger {

// Transfers per CreateTransfers call, as TigerBeetle's batch limit.
inline constexpr int kMaxTransfersPerRequest = 8190;
inline constexpr int kMaxAccountsPerRequest = 1000;

absl::Status ValidateCreateTransfers(const v1::CreateTransfersRequest& request);

// Every client-settable field of an account to open; `prefix` is its path.
void ValidateNewAccount(const v1::Account& account, absl::string_view prefix,
                        FieldViolations& violations);

absl::Status ValidateCreateAccounts(const v1::CreateAccountsRequest& request);

absl::Status ValidateCloseFiscalYear(const v1::CloseFiscalYearRequest& request);

// A programme and fiscal year named in a request.
absl::Status ValidateProgramYear(absl::string_view program, int32_t year);

// The id in `accounts/{id}`; INVALID_ARGUMENT on `field` when malformed.
absl::StatusOr<std::string> AccountIdFromRequest(absl::string_view name,
                                                 absl::string_view field);
absl::StatusOr<std::string> TransferIdFromRequest(absl::string_view name,
                                                  absl::string_view field);

}  // namespace kexport::ledger
