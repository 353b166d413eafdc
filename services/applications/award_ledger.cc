#include "services/applications/award_ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kexport::applications {
namespace {

namespace ledger = kexport::ledger::v1;

absl::string_view AwardId(const v1::Award& award) {
  return absl::StripPrefix(award.name(), "awards/");
}

absl::string_view Brn(const v1::Award& award) {
  return absl::StripPrefix(award.firm(), "firms/");
}

absl::string_view ProgramId(const v1::Round& round) {
  absl::string_view name = absl::StripPrefix(round.name(), "programs/");
  return name.substr(0, name.find('/'));
}

std::string ApplicationReference(const v1::Award& award) {
  return absl::StrCat("applications/", AwardId(award));
}

// The accounts of one firm in one programme and fiscal year, `{program}-{year}-...`.
struct FirmAccounts {
  std::string commitment;
  std::string cap_control;
  std::string cap_offset;
};

FirmAccounts AccountIds(const v1::Award& award, const v1::Round& round) {
  std::string stem = absl::StrCat(ProgramId(round), "-", round.fiscal_year());
  return {absl::StrCat(stem, "-", Brn(award)), absl::StrCat(stem, "-", Brn(award), "-cap"),
          absl::StrCat(stem, "-cap-offset")};
}

std::string AccountName(absl::string_view id) { return absl::StrCat("accounts/", id); }

ledger::Transfer Pending(std::string id, std::string debit, std::string credit, int64_t amount,
                         const v1::Award& award, bool linked) {
  ledger::Transfer transfer;
  transfer.set_id(std::move(id));
  transfer.set_debit_account(std::move(debit));
  transfer.set_credit_account(std::move(credit));
  transfer.set_amount(amount);
  transfer.set_code(ledger::TRANSFER_CODE_RESERVATION);
  transfer.set_mode(ledger::TRANSFER_MODE_PENDING);
  transfer.set_reference(ApplicationReference(award));
  transfer.set_linked(linked);
  return transfer;
}

ledger::Transfer Resolve(std::string id, const std::string& pending, ledger::TransferMode mode,
                         ledger::TransferCode code, int64_t amount, const v1::Award& award,
                         bool linked) {
  ledger::Transfer transfer;
  transfer.set_id(std::move(id));
  transfer.set_pending_transfer(pending);
  transfer.set_mode(mode);
  transfer.set_code(code);
  transfer.set_amount(amount);
  transfer.set_reference(ApplicationReference(award));
  transfer.set_linked(linked);
  return transfer;
}

// Reserves `amount` on the budget and the firm's cap as one linked pair.
void AddReservation(ledger::CreateTransfersRequest& request, const v1::Award& award,
                    const v1::Round& round, int32_t generation, int64_t amount, bool last) {
  FirmAccounts accounts = AccountIds(award, round);
  *request.add_transfers() =
      Pending(BudgetReservationId(award, generation), round.budget_account(),
              AccountName(accounts.commitment), amount, award, /*linked=*/true);
  *request.add_transfers() =
      Pending(CapReservationId(award, generation), AccountName(accounts.cap_control),
              AccountName(accounts.cap_offset), amount, award, /*linked=*/!last);
}

}  // namespace

LedgerStep NextLedgerStep(const v1::Award& award) {
  if (award.state() == v1::AWARD_STATE_RESERVING) {
    return LedgerStep::kReserve;
  }
  for (const v1::Disbursement& disbursement : award.disbursements()) {
    if (disbursement.state() == v1::DISBURSEMENT_STATE_POSTING) {
      return LedgerStep::kPost;
    }
  }
  bool final = award.state() == v1::AWARD_STATE_COMPLETED ||
               award.state() == v1::AWARD_STATE_RELEASED;
  if (final && !award.reservation_transfers().empty()) {
    return LedgerStep::kVoid;
  }
  return LedgerStep::kNone;
}

std::string BudgetReservationId(const v1::Award& award, int32_t generation) {
  return absl::StrCat("r.", AwardId(award), ".", generation);
}

std::string CapReservationId(const v1::Award& award, int32_t generation) {
  return absl::StrCat("c.", AwardId(award), ".", generation);
}

ledger::CreateAccountsRequest AwardAccountsRequest(const v1::Award& award,
                                                  const v1::Round& round) {
  FirmAccounts ids = AccountIds(award, round);
  std::string program(absl::StrCat("programs/", ProgramId(round)));
  ledger::CreateAccountsRequest request;
  request.set_request_id(absl::StrCat("accounts.", AwardId(award)));
  auto add = [&](const std::string& id, ledger::AccountKind kind, ledger::BalanceLimit limit,
                 bool of_firm) {
    ledger::Account* account = request.add_accounts();
    account->set_id(id);
    account->set_kind(kind);
    account->set_fiscal_year(round.fiscal_year());
    account->set_program(program);
    account->set_balance_limit(limit);
    if (of_firm) account->set_firm(award.firm());
  };
  add(ids.commitment, ledger::ACCOUNT_KIND_FIRM_COMMITMENT, ledger::BALANCE_LIMIT_NONE, true);
  add(ids.cap_control, ledger::ACCOUNT_KIND_FIRM_CAP_CONTROL,
      ledger::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS, true);
  add(ids.cap_offset, ledger::ACCOUNT_KIND_CONTROL_OFFSET, ledger::BALANCE_LIMIT_NONE, false);
  return request;
}

std::string CapAccount(const v1::Award& award, const v1::Round& round) {
  return AccountName(AccountIds(award, round).cap_control);
}

std::optional<ledger::CreateTransfersRequest> CapAdjustment(
    const v1::Award& award, const v1::Round& round, int64_t per_firm_cap_won,
    const std::vector<ledger::Transfer>& cap_transfers) {
  FirmAccounts accounts = AccountIds(award, round);
  const std::string cap = AccountName(accounts.cap_control);
  int64_t granted = 0;
  const ledger::Transfer* first_grant = nullptr;
  for (const ledger::Transfer& transfer : cap_transfers) {
    granted += transfer.credit_account() == cap ? transfer.amount() : -transfer.amount();
    if (first_grant == nullptr && transfer.code() == ledger::TRANSFER_CODE_CAP_GRANT) {
      first_grant = &transfer;
    }
  }
  if (granted == per_firm_cap_won) return std::nullopt;
  ledger::CreateTransfersRequest request;
  request.set_request_id(absl::StrCat("cap.", AwardId(award)));
  ledger::Transfer* adjustment = request.add_transfers();
  adjustment->set_id(request.request_id());
  adjustment->set_mode(ledger::TRANSFER_MODE_SINGLE_PHASE);
  adjustment->set_reference(award.firm());
  if (granted < per_firm_cap_won || first_grant == nullptr) {
    adjustment->set_debit_account(AccountName(accounts.cap_offset));
    adjustment->set_credit_account(cap);
    adjustment->set_amount(per_firm_cap_won - granted);
    adjustment->set_code(ledger::TRANSFER_CODE_CAP_GRANT);
  } else {
    // Taken back as a correction of the grant, so reports net it out.
    adjustment->set_debit_account(cap);
    adjustment->set_credit_account(AccountName(accounts.cap_offset));
    adjustment->set_amount(granted - per_firm_cap_won);
    adjustment->set_code(ledger::TRANSFER_CODE_CORRECTION);
    adjustment->set_corrected_transfer(absl::StrCat("transfers/", first_grant->id()));
  }
  return request;
}

ledger::CreateTransfersRequest ReserveRequest(const v1::Award& award, const v1::Round& round) {
  ledger::CreateTransfersRequest request;
  request.set_request_id(absl::StrCat("reserve.", AwardId(award)));
  AddReservation(request, award, round, 0, award.amount_won(), /*last=*/true);
  return request;
}

ledger::CreateTransfersRequest PostRequest(const v1::Award& award, const v1::Round& round,
                                           const v1::Disbursement& disbursement) {
  int32_t sequence = disbursement.sequence();
  int64_t rest = award.remaining_won() - disbursement.amount_won();
  ledger::CreateTransfersRequest request;
  request.set_request_id(absl::StrCat("post.", AwardId(award), ".", sequence));
  *request.add_transfers() =
      Resolve(absl::StrCat("p.", AwardId(award), ".", sequence), award.reservation_transfers(0),
              ledger::TRANSFER_MODE_POST_PENDING, ledger::TRANSFER_CODE_DISBURSEMENT,
              disbursement.amount_won(), award, /*linked=*/true);
  *request.add_transfers() =
      Resolve(absl::StrCat("q.", AwardId(award), ".", sequence), award.reservation_transfers(1),
              ledger::TRANSFER_MODE_POST_PENDING, ledger::TRANSFER_CODE_DISBURSEMENT,
              disbursement.amount_won(), award, /*linked=*/rest > 0);
  if (rest > 0) {
    AddReservation(request, award, round, sequence, rest, /*last=*/true);
  }
  return request;
}

ledger::CreateTransfersRequest VoidRequest(const v1::Award& award) {
  ledger::CreateTransfersRequest request;
  request.set_request_id(absl::StrCat("void.", AwardId(award)));
  *request.add_transfers() =
      Resolve(absl::StrCat("v.", AwardId(award)), award.reservation_transfers(0),
              ledger::TRANSFER_MODE_VOID_PENDING, ledger::TRANSFER_CODE_RELEASE, 0, award,
              /*linked=*/true);
  *request.add_transfers() =
      Resolve(absl::StrCat("w.", AwardId(award)), award.reservation_transfers(1),
              ledger::TRANSFER_MODE_VOID_PENDING, ledger::TRANSFER_CODE_RELEASE, 0, award,
              /*linked=*/false);
  return request;
}

v1::RoundBudget RoundBudgetOf(const std::vector<v1::Award>& awards) {
  v1::RoundBudget budget;
  for (const v1::Award& award : awards) {
    if (award.state() == v1::AWARD_STATE_RESERVING || award.state() == v1::AWARD_STATE_REFUSED) {
      continue;
    }
    budget.set_award_count(budget.award_count() + 1);
    budget.set_awarded_won(budget.awarded_won() + award.amount_won());
    budget.set_disbursed_won(budget.disbursed_won() + award.disbursed_won());
    if (award.reservation_transfers().empty()) {
      budget.set_released_won(budget.released_won() + award.released_won());
    } else {
      budget.set_reserved_won(budget.reserved_won() + award.amount_won() -
                              award.disbursed_won());
    }
  }
  return budget;
}

std::optional<Refusal> ChainRefusal(const ledger::CreateTransfersResponse& response,
                                    int first) {
  auto applied = [](const ledger::TransferOutcome& outcome) {
    return outcome.result() == ledger::TRANSFER_RESULT_CREATED ||
           outcome.result() == ledger::TRANSFER_RESULT_EXISTS;
  };
  const auto begin = response.results().begin() + first;
  if (std::all_of(begin, response.results().end(), applied)) return std::nullopt;
  for (auto outcome = begin; outcome != response.results().end(); ++outcome) {
    if (outcome->result() != ledger::TRANSFER_RESULT_CREATED &&
        outcome->result() != ledger::TRANSFER_RESULT_LINKED_EVENT_FAILED) {
      return Refusal{std::string(absl::StripPrefix(
                         ledger::TransferResult_Name(outcome->result()), "TRANSFER_RESULT_")),
                     outcome->account()};
    }
  }
  return Refusal{"LINKED_EVENT_FAILED", ""};
}

}  // namespace kexport::applications
