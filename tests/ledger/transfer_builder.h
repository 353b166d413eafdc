// A transfer between two accounts named by id, for ledger tests.
#pragma once

#include <string>

#include "kexport/ledger/v1/ledger.pb.h"

namespace kexport::ledger::testing {

inline v1::Transfer Move(const std::string& id, const std::string& debit,
                         const std::string& credit, int64_t amount,
                         v1::TransferCode code, v1::TransferMode mode) {
  v1::Transfer transfer;
  transfer.set_id(id);
  transfer.set_debit_account("accounts/" + debit);
  transfer.set_credit_account("accounts/" + credit);
  transfer.set_amount(amount);
  transfer.set_code(code);
  transfer.set_mode(mode);
  return transfer;
}

}  // namespace kexport::ledger::testing
