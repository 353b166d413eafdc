// Proves the ledger to an auditor: recomputes the journal's hash chain and
// replays every entry into balances, then compares them with the stored
// accounts. Any rewritten entry, missing entry or balance touched outside
// the journal shows up as a mismatch.
//
//   ASSIGN_OR_RETURN(v1::VerifyJournalResponse report, VerifyJournal(store));
#pragma once

#include "absl/status/statusor.h"
#include "services/ledger/ledger_store.h"

namespace kexport::ledger {

absl::StatusOr<v1::VerifyJournalResponse> VerifyJournal(LedgerStore& store);

}  // namespace kexport::ledger
