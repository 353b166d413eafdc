// Budget execution of a programme in a fiscal year, from its programme
// budget account and the transfers that touched it:
//   budget_available = appropriated + carried_in
//   remaining = budget_available - reserved - disbursed - carried_over - lapsed
// which after the year's close leaves budget_available = disbursed +
// carried_over + lapsed. Corrections count under the code of the transfer
// they correct, negatively when they run the other way.
//
//   ASSIGN_OR_RETURN(v1::BudgetReport report,
//                    BuildBudgetReport(store, "programs/voucher", 2026));
#pragma once

#include "absl/status/statusor.h"
#include "services/ledger/ledger_store.h"

namespace kexport::ledger {

// NOT_FOUND when the programme has no budget account for the year. With
// `planned`, changes computed but not stored (a dry-run close), the report
// is the one those changes would leave.
absl::StatusOr<v1::BudgetReport> BuildBudgetReport(LedgerStore& store,
                                                   const std::string& program,
                                                   int32_t year,
                                                   const LedgerChanges& planned = {});

}  // namespace kexport::ledger
