#include "services/ledger/ledger_names.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"

namespace kexport::ledger {

std::string AccountName(absl::string_view id) {
  return absl::StrCat(kAccountsPrefix, id);
}

std::string TransferName(absl::string_view id) {
  return absl::StrCat(kTransfersPrefix, id);
}

std::string AccountIdFromName(absl::string_view name) {
  absl::ConsumePrefix(&name, kAccountsPrefix);
  return std::string(name);
}

std::string TransferIdFromName(absl::string_view name) {
  absl::ConsumePrefix(&name, kTransfersPrefix);
  return std::string(name);
}

int64_t AvailableToLimit(const v1::Account& account) {
  switch (account.balance_limit()) {
    case v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS:
      return account.credits_posted() - account.debits_posted() -
             account.debits_pending();
    case v1::BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS:
      return account.debits_posted() - account.credits_posted() -
             account.credits_pending();
    default:
      return 0;
  }
}

v1::Account WithDerivedFields(v1::Account account) {
  account.set_available(AvailableToLimit(account));
  return account;
}

}  // namespace kexport::ledger
