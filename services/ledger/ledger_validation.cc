#include "services/ledger/ledger_validation.h"

#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "common/brn.h"
#include "common/field_checker.h"
#include "common/idempotency.h"
#include "common/macros.h"
#include "common/text.h"
#include "services/ledger/ledger_names.h"

namespace kexport::ledger {
namespace {

constexpr int64_t kMaxTimeoutSeconds = 366LL * 24 * 60 * 60;

// 1 to 63 characters of [a-z0-9-], not starting with `-`.
bool AccountIdValid(absl::string_view id) {
  return IsLowerSlug(id, 63) && id[0] != '-';
}

// Transfer ids follow request ids: 1 to 64 of [A-Za-z0-9._:-].
bool TransferIdValid(absl::string_view id) {
  return ValidateRequestId(id).ok();
}

bool AccountNameValid(absl::string_view name) {
  return absl::ConsumePrefix(&name, kAccountsPrefix) && AccountIdValid(name);
}

bool TransferNameValid(absl::string_view name) {
  return absl::ConsumePrefix(&name, kTransfersPrefix) && TransferIdValid(name);
}

// `programs/{program}`: at most 100 characters of [a-z0-9-] after the prefix.
bool ProgramNameValid(absl::string_view name) {
  return name.size() <= 100 && absl::ConsumePrefix(&name, "programs/") &&
         AccountIdValid(name);
}

void ValidateTransfer(const v1::Transfer& transfer, const std::string& prefix,
                      FieldViolations& violations) {
  FieldChecker check(prefix, violations);
  if (!TransferIdValid(transfer.id())) {
    check.Fail("id", "required: 1 to 64 characters of [A-Za-z0-9._:-]");
  } else if (absl::StartsWith(transfer.id(), kFiscalYearClosePrefix)) {
    check.Fail("id", "`fyclose-` ids are the ledger's own");
  }
  check.Text("reference", transfer.reference(), 200, /*required=*/false);
  if (!v1::TransferCode_IsValid(transfer.code())) {
    check.Fail("code", "unknown transfer code");
  }
  const v1::TransferMode mode = transfer.mode();
  const bool resolves = mode == v1::TRANSFER_MODE_POST_PENDING ||
                        mode == v1::TRANSFER_MODE_VOID_PENDING;
  if (mode == v1::TRANSFER_MODE_UNSPECIFIED || !v1::TransferMode_IsValid(mode)) {
    check.Fail("mode", "required: SINGLE_PHASE, PENDING, POST_PENDING or VOID_PENDING");
    return;
  }
  // Accounts: required for new money movements, optional for resolutions.
  for (const auto& [field, name] :
       {std::pair<const char*, const std::string&>{"debit_account",
                                                   transfer.debit_account()},
        {"credit_account", transfer.credit_account()}}) {
    if (name.empty() && resolves) {
      continue;
    }
    if (!AccountNameValid(name)) {
      check.Fail(field, "required: `accounts/{id}`, id of 1 to 63 of [a-z0-9-]");
    }
  }
  if (!transfer.debit_account().empty() &&
      transfer.debit_account() == transfer.credit_account()) {
    check.Fail("credit_account", "must differ from debit_account");
  }
  if (resolves) {
    if (!TransferNameValid(transfer.pending_transfer())) {
      check.Fail("pending_transfer", "required: `transfers/{id}`");
    }
    if (transfer.has_timeout()) {
      check.Fail("timeout", "only for PENDING transfers");
    }
    if (!transfer.corrected_transfer().empty()) {
      check.Fail("corrected_transfer", "only for CORRECTION transfers");
    }
    if (mode == v1::TRANSFER_MODE_VOID_PENDING) {
      if (transfer.amount() != 0) {
        check.Fail("amount", "must be 0: a void releases the full pending amount");
      }
      if (transfer.code() != v1::TRANSFER_CODE_UNSPECIFIED &&
          transfer.code() != v1::TRANSFER_CODE_RELEASE) {
        check.Fail("code", "a void is a RELEASE");
      }
    } else {
      if (transfer.amount() < 0 || transfer.amount() > kMaxTransferAmount) {
        check.Fail("amount", "0 (the full pending amount) to 10^15 won");
      }
      if (transfer.code() != v1::TRANSFER_CODE_UNSPECIFIED &&
          transfer.code() != v1::TRANSFER_CODE_DISBURSEMENT) {
        check.Fail("code", "a post is a DISBURSEMENT");
      }
    }
    return;
  }
  if (transfer.amount() < 1 || transfer.amount() > kMaxTransferAmount) {
    check.Fail("amount", "1 to 10^15 won");
  }
  if (transfer.code() == v1::TRANSFER_CODE_UNSPECIFIED) {
    check.Fail("code", "required");
  }
  if (!transfer.pending_transfer().empty()) {
    check.Fail("pending_transfer", "only for POST_PENDING and VOID_PENDING");
  }
  if (transfer.has_timeout()) {
    int64_t seconds = transfer.timeout().seconds();
    if (mode != v1::TRANSFER_MODE_PENDING) {
      check.Fail("timeout", "only for PENDING transfers");
    } else if (transfer.timeout().nanos() != 0 || seconds < 1 ||
               seconds > kMaxTimeoutSeconds) {
      check.Fail("timeout", "whole seconds, 1 s to 366 days");
    }
  }
  bool correction = transfer.code() == v1::TRANSFER_CODE_CORRECTION;
  if (correction && !TransferNameValid(transfer.corrected_transfer())) {
    check.Fail("corrected_transfer", "required for a CORRECTION: `transfers/{id}`");
  } else if (!correction && !transfer.corrected_transfer().empty()) {
    check.Fail("corrected_transfer", "only for CORRECTION transfers");
  }
}

}  // namespace

absl::Status ValidateCreateTransfers(const v1::CreateTransfersRequest& request) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const int n = request.transfers_size();
  if (n < 1 || n > kMaxTransfersPerRequest) {
    return InvalidFieldError("transfers",
                             absl::StrCat("1 to ", kMaxTransfersPerRequest));
  }
  FieldViolations violations;
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < n && violations.all().size() < FieldViolations::kMaxReported;
       ++i) {
    const v1::Transfer& transfer = request.transfers(i);
    std::string prefix = absl::StrCat("transfers[", i, "]");
    ValidateTransfer(transfer, prefix, violations);
    if (!ids.insert(transfer.id()).second) {
      violations.Add(prefix + ".id", "repeats an earlier transfer's id");
    }
  }
  if (request.transfers(n - 1).linked()) {
    violations.Add(absl::StrCat("transfers[", n - 1, "].linked"),
                   "the last transfer must end its chain");
  }
  return violations.ToStatus();
}

void ValidateNewAccount(const v1::Account& account, absl::string_view prefix,
                        FieldViolations& violations) {
  FieldChecker check(prefix, violations);
  if (!account.id().empty() && !AccountIdValid(account.id())) {
    check.Fail("id", "1 to 63 characters of [a-z0-9-], not starting with `-`");
  }
  const v1::AccountKind kind = account.kind();
  if (kind == v1::ACCOUNT_KIND_UNSPECIFIED || !v1::AccountKind_IsValid(kind)) {
    check.Fail("kind", "required: a known account kind");
  }
  check.Text("title", account.title(), 200, /*required=*/false);
  if (account.fiscal_year() < 2000 || account.fiscal_year() > 2100) {
    check.Fail("fiscal_year", "required: 2000 to 2100");
  }
  if (account.program().empty()) {
    if (kind != v1::ACCOUNT_KIND_APPROPRIATION_SOURCE) {
      check.Fail("program", "required: `programs/{program}`");
    }
  } else if (!ProgramNameValid(account.program())) {
    check.Fail("program", "`programs/{program}`, at most 100 characters of [a-z0-9-]");
  }
  const bool needs_firm = kind == v1::ACCOUNT_KIND_FIRM_COMMITMENT ||
                          kind == v1::ACCOUNT_KIND_FIRM_CAP_CONTROL;
  const bool may_have_firm = needs_firm || kind == v1::ACCOUNT_KIND_EXPENDITURE;
  if (account.firm().empty()) {
    if (needs_firm) {
      check.Fail("firm", "required for this kind: `firms/{brn}`");
    }
  } else if (!may_have_firm) {
    check.Fail("firm", "only for firm commitment, firm-cap control and expenditure");
  } else {
    absl::string_view brn = account.firm();
    if (!absl::ConsumePrefix(&brn, "firms/") || !BrnValid(brn)) {
      check.Fail("firm", "`firms/{brn}` with a valid registration number");
    }
  }
  const v1::BalanceLimit limit = account.balance_limit();
  if (limit == v1::BALANCE_LIMIT_UNSPECIFIED || !v1::BalanceLimit_IsValid(limit)) {
    check.Fail("balance_limit", "required: NONE or a side that must not exceed");
  } else if ((kind == v1::ACCOUNT_KIND_PROGRAM_BUDGET ||
              kind == v1::ACCOUNT_KIND_FIRM_CAP_CONTROL) &&
             limit != v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS) {
    check.Fail("balance_limit", "budgets and caps are DEBITS_MUST_NOT_EXCEED_CREDITS");
  }
}

absl::Status ValidateCreateAccounts(const v1::CreateAccountsRequest& request) {
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const int n = request.accounts_size();
  if (n < 1 || n > kMaxAccountsPerRequest) {
    return InvalidFieldError("accounts",
                             absl::StrCat("1 to ", kMaxAccountsPerRequest));
  }
  FieldViolations violations;
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < n && violations.all().size() < FieldViolations::kMaxReported;
       ++i) {
    std::string prefix = absl::StrCat("accounts[", i, "]");
    ValidateNewAccount(request.accounts(i), prefix, violations);
    const std::string& id = request.accounts(i).id();
    if (!id.empty() && !ids.insert(id).second) {
      violations.Add(prefix + ".id", "repeats an earlier account's id");
    }
  }
  return violations.ToStatus();
}

absl::Status ValidateProgramYear(absl::string_view program, int32_t year) {
  FieldViolations violations;
  if (!ProgramNameValid(program)) {
    violations.Add("program", "required: `programs/{program}`");
  }
  if (year < 2000 || year > 2100) {
    violations.Add("fiscal_year", "required: 2000 to 2100");
  }
  return violations.ToStatus();
}

absl::Status ValidateCloseFiscalYear(const v1::CloseFiscalYearRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  violations.AddFrom(ValidateProgramYear(request.program(), request.fiscal_year()));
  if (request.reason().empty() || CharacterCount(request.reason()) > 500) {
    violations.Add("reason", "required, at most 500 characters");
  }
  absl::flat_hash_set<std::string> reservations;
  for (int i = 0; i < request.reservation_dispositions_size() &&
                  violations.all().size() < FieldViolations::kMaxReported;
       ++i) {
    const v1::ReservationDisposition& disposition = request.reservation_dispositions(i);
    std::string prefix = absl::StrCat("reservation_dispositions[", i, "].");
    if (!TransferNameValid(disposition.reservation())) {
      violations.Add(prefix + "reservation", "required: `transfers/{id}`");
    } else if (!reservations.insert(disposition.reservation()).second) {
      violations.Add(prefix + "reservation", "named twice");
    }
    bool carry = disposition.action() == v1::RESERVATION_ACTION_CARRY_OVER;
    if (disposition.action() == v1::RESERVATION_ACTION_UNSPECIFIED ||
        !v1::ReservationAction_IsValid(disposition.action())) {
      violations.Add(prefix + "action", "required: RELEASE or CARRY_OVER");
    }
    if (carry) {
      if (!TransferIdValid(disposition.new_transfer_id())) {
        violations.Add(prefix + "new_transfer_id", "required to carry over: a transfer id");
      }
      if (!AccountNameValid(disposition.new_debit_account())) {
        violations.Add(prefix + "new_debit_account", "required to carry over: `accounts/{id}`");
      }
      if (!AccountNameValid(disposition.new_credit_account())) {
        violations.Add(prefix + "new_credit_account", "required to carry over: `accounts/{id}`");
      } else if (disposition.new_credit_account() == disposition.new_debit_account()) {
        violations.Add(prefix + "new_credit_account", "must differ from new_debit_account");
      }
    } else if (!disposition.new_transfer_id().empty() ||
               !disposition.new_debit_account().empty() ||
               !disposition.new_credit_account().empty()) {
      violations.Add(prefix + "new_transfer_id", "only to carry over");
    }
  }
  for (const auto& [field, amount, account_field, account] :
       {std::tuple<const char*, int64_t, const char*, const std::string&>{
            "carryover_amount", request.carryover_amount(), "carryover_account",
            request.carryover_account()},
        {"lapse_amount", request.lapse_amount(), "lapse_account",
         request.lapse_account()}}) {
    if (amount < 0 || amount > kMaxTransferAmount) {
      violations.Add(field, "0 to 10^15 won");
    } else if (amount > 0 && !AccountNameValid(account)) {
      violations.Add(account_field, "required when the amount is above 0: `accounts/{id}`");
    }
  }
  return violations.ToStatus();
}

absl::StatusOr<std::string> AccountIdFromRequest(absl::string_view name,
                                                 absl::string_view field) {
  if (!AccountNameValid(name)) {
    return InvalidFieldError(field, "must be `accounts/{id}`");
  }
  return AccountIdFromName(name);
}

absl::StatusOr<std::string> TransferIdFromRequest(absl::string_view name,
                                                  absl::string_view field) {
  if (!TransferNameValid(name)) {
    return InvalidFieldError(field, "must be `transfers/{id}`");
  }
  return TransferIdFromName(name);
}

}  // namespace kexport::ledger
