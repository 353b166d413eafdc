#include "services/ledger/budget_report.h"

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "services/ledger/ledger_names.h"

namespace kexport::ledger {
namespace {

// Sums the budget account's posted movements into the report's categories.
class BudgetTally final {
 public:
  BudgetTally(const Account& budget, v1::BudgetReport& report)
      : budget_(budget.name()), report_(report) {}

  // Transfers in journal order: a corrected transfer comes before its
  // correction.
  void Add(const Transfer& transfer) {
    const bool debits_budget = transfer.debit_account() == budget_;
    seen_[transfer.id()] = {transfer.code(), debits_budget};
    switch (transfer.mode()) {
      case v1::TRANSFER_MODE_PENDING:
        pending_[transfer.id()] = transfer.amount();
        if (debits_budget && transfer.pending_state() == v1::PENDING_STATE_EXPIRED) {
          Add(&released_, transfer.amount());
        }
        if (debits_budget && transfer.pending_state() == v1::PENDING_STATE_PENDING) {
          Add(&reserved_, transfer.amount());
        }
        return;
      case v1::TRANSFER_MODE_VOID_PENDING:
        if (debits_budget) {
          Add(&released_,
              pending_[TransferIdFromName(transfer.pending_transfer())]);
        }
        return;
      case v1::TRANSFER_MODE_POST_PENDING:
        if (debits_budget) {
          Add(&released_,
              pending_[TransferIdFromName(transfer.pending_transfer())] -
                  transfer.amount());
        }
        break;
      default:
        break;
    }
    // Posted money: a single-phase transfer or the posted part of a pending.
    if (transfer.code() != v1::TRANSFER_CODE_CORRECTION) {
      Add(Category(transfer.code(), debits_budget), transfer.amount());
      return;
    }
    auto corrected = seen_.find(TransferIdFromName(transfer.corrected_transfer()));
    if (corrected == seen_.end()) {  // it did not touch the budget account
      Add(Category(transfer.code(), debits_budget), transfer.amount());
      return;
    }
    const auto [corrected_code, corrected_debited] = corrected->second;
    int64_t amount = corrected_debited == debits_budget ? transfer.amount()
                                                        : -transfer.amount();
    Add(Category(corrected_code, corrected_debited), amount);
  }

  // Writes the sums into the report.
  void Fill() {
    report_.set_appropriated(appropriated_);
    report_.set_carried_in(carried_in_);
    report_.set_budget_available(appropriated_ + carried_in_);
    report_.set_disbursed(disbursed_);
    report_.set_carried_over(carried_over_);
    report_.set_lapsed(lapsed_);
    report_.set_released(released_);
    report_.set_reserved(reserved_);
  }

 private:
  // Where posted money moving in this direction with this code is counted.
  int64_t* Category(v1::TransferCode code, bool debits_budget) {
    if (code == v1::TRANSFER_CODE_CARRYOVER) {
      return debits_budget ? &carried_over_ : &carried_in_;
    }
    if (!debits_budget) {
      return &appropriated_;
    }
    return code == v1::TRANSFER_CODE_LAPSE ? &lapsed_ : &disbursed_;
  }

  static void Add(int64_t* field, int64_t amount) { *field += amount; }

  const std::string budget_;
  v1::BudgetReport& report_;
  int64_t appropriated_ = 0;
  int64_t carried_in_ = 0;
  int64_t disbursed_ = 0;
  int64_t carried_over_ = 0;
  int64_t lapsed_ = 0;
  int64_t released_ = 0;
  int64_t reserved_ = 0;
  // Pending transfers seen so far: id -> amount held.
  absl::flat_hash_map<std::string, int64_t> pending_;
  // Every transfer seen so far: id -> its code and whether it debited.
  absl::flat_hash_map<std::string, std::pair<v1::TransferCode, bool>> seen_;
};

}  // namespace

absl::StatusOr<v1::BudgetReport> BuildBudgetReport(LedgerStore& store,
                                                   const std::string& program,
                                                   int32_t year,
                                                   const LedgerChanges& planned) {
  ASSIGN_OR_RETURN(std::optional<Account> budget, store.FindProgramBudget(program, year));
  if (!budget) {
    return NotFoundError("PROGRAM_BUDGET_NOT_FOUND",
                         absl::StrCat(program, " has no budget account for ", year));
  }
  v1::BudgetReport report;
  report.set_program(program);
  report.set_fiscal_year(year);
  report.set_budget_account(budget->name());
  // One query reads every transfer as of one moment, so the figures agree.
  absl::flat_hash_map<std::string, const Transfer*> planned_by_id;
  for (const Transfer& transfer : planned.transfers) {
    planned_by_id[transfer.id()] = &transfer;
  }
  BudgetTally tally(*budget, report);
  RETURN_IF_ERROR(store.ForEachTransferOf(budget->id(), [&](const Transfer& transfer) {
    auto changed = planned_by_id.find(transfer.id());
    if (changed == planned_by_id.end()) {
      tally.Add(transfer);
    } else {
      tally.Add(*changed->second);
      planned_by_id.erase(changed);
    }
    return absl::OkStatus();
  }));
  // What is left of `planned` is new, and comes after everything stored.
  for (const Transfer& transfer : planned.transfers) {
    if (planned_by_id.contains(transfer.id()) &&
        (transfer.debit_account() == budget->name() ||
         transfer.credit_account() == budget->name())) {
      tally.Add(transfer);
    }
  }
  tally.Fill();
  report.set_remaining(report.budget_available() - report.reserved() -
                       report.disbursed() - report.carried_over() - report.lapsed());
  // In 128 bits: 10^15 won times 10,000 does not fit in 64.
  report.set_execution_rate_bp(
      report.budget_available() > 0
          ? static_cast<int64_t>(absl::int128(report.disbursed()) * 10000 /
                                 report.budget_available())
          : 0);
  ASSIGN_OR_RETURN(int64_t rejected, store.CountRejected(program, year));
  report.set_rejected_attempts(rejected);
  ASSIGN_OR_RETURN(std::optional<FiscalYearClosure> closure,
                   store.FindClosure(program, year));
  for (const FiscalYearClosure& planned_closure : planned.closed_fiscal_years) {
    if (planned_closure.program == program && planned_closure.fiscal_year == year) {
      closure = planned_closure;
    }
  }
  report.set_fiscal_year_state(closure ? v1::FISCAL_YEAR_STATE_CLOSED
                                       : v1::FISCAL_YEAR_STATE_OPEN);
  if (closure) {
    *report.mutable_close_time() = ToTimestamp(closure->close_time);
    report.set_closed_by(closure->closed_by);
    report.set_close_reason(closure->reason);
  }
  return report;
}

}  // namespace kexport::ledger
