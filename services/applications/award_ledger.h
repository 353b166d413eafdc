// How an award moves programme money in the ledger. Every account and
// transfer id derives from the award (and the disbursement's sequence), so a
// step resent after a crash or a lost answer is recognised by the ledger
// (EXISTS) instead of applied twice. An award is its own outbox entry: the
// step it still needs follows from its state.
//
//   if (NextLedgerStep(award) == LedgerStep::kReserve) {
//     request = ReserveRequest(award, round, per_firm_cap_won);
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kexport/applications/v1/applications.pb.h"
#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::applications {

enum class LedgerStep {
  kNone,
  // RESERVING: open the firm's accounts, grant its cap, reserve the amount.
  kReserve,
  // A POSTING disbursement: post it from the reservation, reserve the rest.
  kPost,
  // A final award still holding a reservation: void it.
  kVoid,
};

LedgerStep NextLedgerStep(const v1::Award& award);

inline bool LedgerStepDue(const v1::Award& award) {
  return NextLedgerStep(award) != LedgerStep::kNone;
}

// The firm's commitment, cap-control and the programme's cap-offset
// accounts of the round's fiscal year, created if missing.
ledger::v1::CreateAccountsRequest AwardAccountsRequest(const v1::Award& award,
                                                      const v1::Round& round);

// The firm's cap-control account, `accounts/{program}-{year}-{brn}-cap`.
std::string CapAccount(const v1::Award& award, const v1::Round& round);

// What brings the cap granted on the firm's cap-control account to
// `per_firm_cap_won` (a CAP_GRANT up, or a CORRECTION of a grant down),
// given that account's CAP_GRANT and CORRECTION transfers; nullopt when it
// already stands there. One per award (`cap.{award}`): resent after a crash,
// the transfers read again show it applied.
std::optional<ledger::v1::CreateTransfersRequest> CapAdjustment(
    const v1::Award& award, const v1::Round& round, int64_t per_firm_cap_won,
    const std::vector<ledger::v1::Transfer>& cap_transfers);

// The linked reservation of the award's amount on the budget and the cap.
ledger::v1::CreateTransfersRequest ReserveRequest(const v1::Award& award, const v1::Round& round);

// Posts `disbursement` from the open reservation and, in the same chain,
// reserves what is left again, so nobody can take it in between.
ledger::v1::CreateTransfersRequest PostRequest(const v1::Award& award, const v1::Round& round,
                                               const v1::Disbursement& disbursement);

// Voids the open reservation (budget and cap).
ledger::v1::CreateTransfersRequest VoidRequest(const v1::Award& award);

// Why the ledger refused a chain: the result's name, e.g. `EXCEEDS_CREDITS`,
// and the account it is about when the result names one.
struct Refusal {
  std::string result;
  std::string account;
};

// The ledger's answer to the chain that starts at `first`: nullopt when
// applied (now or before), else the refusing member's result.
std::optional<Refusal> ChainRefusal(const ledger::v1::CreateTransfersResponse& response,
                                    int first);

// The money of a round's awards as the ledger holds it now: a reservation
// counts as reserved until its void is confirmed, so each figure equals the
// ledger's at any moment.
v1::RoundBudget RoundBudgetOf(const std::vector<v1::Award>& awards);

// The reservation ids a reservation or posting leaves open.
std::string BudgetReservationId(const v1::Award& award, int32_t generation);
std::string CapReservationId(const v1::Award& award, int32_t generation);

}  // namespace kexport::applications
