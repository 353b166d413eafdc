#include "services/applications/ledger_outbox.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/json_log.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_records.h"
#include "services/applications/award_ledger.h"
#include "services/applications/round_places.h"

namespace kexport::applications {
namespace {

namespace ledger = kexport::ledger::v1;

constexpr char kSystem[] = "system";

std::string TransferName(const std::string& id) { return absl::StrCat("transfers/", id); }

// The first account the ledger would not open as asked, e.g.
// `ACCOUNT_RESULT_FISCAL_YEAR_CLOSED`; nullopt when all are open. An
// operator may have opened one already under a title of their own: the
// title is a label, so that account serves.
std::optional<Refusal> AccountRefusal(const ledger::CreateAccountsResponse& response) {
  for (const ledger::AccountOutcome& outcome : response.results()) {
    if (outcome.result() != ledger::ACCOUNT_RESULT_CREATED &&
        outcome.result() != ledger::ACCOUNT_RESULT_EXISTS &&
        outcome.result() != ledger::ACCOUNT_RESULT_EXISTS_WITH_DIFFERENT_TITLE) {
      return Refusal{ledger::AccountResult_Name(outcome.result()),
                     absl::StrCat("accounts/", outcome.id())};
    }
  }
  return std::nullopt;
}

}  // namespace

LedgerOutbox::LedgerOutbox(ApplicationsStore* store, clients::LedgerAccounts* ledger,
                           Clock clock, absl::Duration interval)
    : store_(store), ledger_(ledger), clock_(std::move(clock)), interval_(interval) {}

LedgerOutbox::~LedgerOutbox() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void LedgerOutbox::Start() {
  worker_ = std::thread([this] { Work(); });
}

void LedgerOutbox::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requested_;
  }
  wake_.notify_all();
}

void LedgerOutbox::Flush(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  const uint64_t wanted = ++requested_;
  wake_.notify_all();
  pass_done_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                      [&] { return completed_ >= wanted || stopping_; });
}

void LedgerOutbox::Work() {
  while (true) {
    uint64_t pass = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_),
                     [&] { return stopping_ || requested_ > completed_; });
      if (stopping_) return;
      pass = requested_;
    }
    if (absl::Status ran = RunDue(); !ran.ok()) {
      JsonLog("warning", "ledger_outbox")
          .Add("status", ran.ToString())
          .Emit();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      completed_ = pass;
    }
    pass_done_.notify_all();
  }
}

absl::Status LedgerOutbox::RunDue() {
  ASSIGN_OR_RETURN(std::vector<v1::Award> due, store_->DueAwards());
  absl::Status first;
  for (v1::Award& award : due) {
    absl::Status stepped = Step(std::move(award));
    // A record changed meanwhile is read again by the next pass.
    if (!stepped.ok() && first.ok() && !absl::IsAborted(stepped)) first = stepped;
  }
  return first;
}

absl::Status LedgerOutbox::Step(v1::Award award) {
  const LedgerStep step = NextLedgerStep(award);
  if (step == LedgerStep::kNone) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::Round round, FindRound(*store_, award.round(), clock_()));
  ASSIGN_OR_RETURN(v1::Application application, FindApplication(*store_, award.application()));
  const Change change{kSystem, "", "", clock_()};
  bool place_freed = false;
  switch (step) {
    case LedgerStep::kReserve: {
      ASSIGN_OR_RETURN(place_freed, Reserve(award, round, application, change));
      break;
    }
    case LedgerStep::kPost:
      RETURN_IF_ERROR(Post(award, round));
      if (award.state() == v1::AWARD_STATE_IN_PROGRESS &&
          application.state() == v1::APPLICATION_STATE_AWARDED) {
        Transition(application, v1::APPLICATION_STATE_IN_PROGRESS, change,
                   "first disbursement posted");
      }
      break;
    case LedgerStep::kVoid:
      RETURN_IF_ERROR(Void(award));
      break;
    case LedgerStep::kNone:
      break;
  }
  *award.mutable_update_time() = ToTimestamp(change.time);
  ApplicationsWrite write;
  const std::string reason = award.state_reason();
  write.awards.push_back(std::move(award));
  write.applications.push_back(application);
  if (place_freed) {
    // Counting this award out.
    RETURN_IF_ERROR(PromoteNext(*store_, application, change, reason, write));
  }
  return store_->Commit(write);
}

absl::StatusOr<std::optional<Refusal>> LedgerOutbox::ReserveInLedger(
    const v1::Award& award, const v1::Round& round, int64_t per_firm_cap_won) {
  ASSIGN_OR_RETURN(ledger::CreateAccountsResponse opened,
                   ledger_->CreateAccounts(AwardAccountsRequest(award, round)));
  if (std::optional<Refusal> refusal = AccountRefusal(opened)) return refusal;
  ledger::TransferFilter filter;
  filter.set_account(CapAccount(award, round));
  filter.add_codes(ledger::TRANSFER_CODE_CAP_GRANT);
  filter.add_codes(ledger::TRANSFER_CODE_CORRECTION);
  ASSIGN_OR_RETURN(std::vector<ledger::Transfer> cap_transfers, ledger_->Transfers(filter));
  if (auto adjustment = CapAdjustment(award, round, per_firm_cap_won, cap_transfers)) {
    ASSIGN_OR_RETURN(ledger::CreateTransfersResponse adjusted,
                     ledger_->CreateTransfers(*adjustment));
    if (std::optional<Refusal> refusal = ChainRefusal(adjusted, 0)) return refusal;
  }
  ASSIGN_OR_RETURN(ledger::CreateTransfersResponse reserved,
                   ledger_->CreateTransfers(ReserveRequest(award, round)));
  return ChainRefusal(reserved, 0);
}

absl::StatusOr<bool> LedgerOutbox::Reserve(v1::Award& award, const v1::Round& round,
                                           v1::Application& application,
                                           const Change& change) {
  absl::StatusOr<std::optional<Refusal>> refusal =
      ReserveInLedger(award, round, application.per_firm_cap_won());
  // A request the ledger will not take as sent would be refused again on
  // every retry: the award ends rather than stay due for ever.
  if (absl::IsInvalidArgument(refusal.status())) {
    refusal = Refusal{absl::StrCat("INVALID_ARGUMENT: ", refusal.status().message()), ""};
  }
  RETURN_IF_ERROR(refusal.status());
  if (refusal->has_value()) {
    award.set_state(v1::AWARD_STATE_REFUSED);
    award.set_state_reason(absl::StrCat("ledger refused reservation: ", (*refusal)->result));
    award.set_released_won(award.amount_won());
    award.set_remaining_won(0);
    Transition(application, v1::APPLICATION_STATE_CANCELLED, change, award.state_reason());
    // The place goes to the waitlist, unless the budget itself ran out:
    // then every waitlisted firm would be refused in turn.
    return (*refusal)->account != round.budget_account();
  }
  award.set_state(v1::AWARD_STATE_RESERVED);
  award.add_reservation_transfers(TransferName(BudgetReservationId(award, 0)));
  award.add_reservation_transfers(TransferName(CapReservationId(award, 0)));
  *award.mutable_award_date() = ToDate(KoreanDay(change.time));
  Transition(application, v1::APPLICATION_STATE_AWARDED, change,
             absl::StrCat("reserved in the ledger: ", award.amount_won(), " won"));
  return false;
}

absl::Status LedgerOutbox::Post(v1::Award& award, const v1::Round& round) {
  v1::Disbursement* posting = nullptr;
  for (v1::Disbursement& disbursement : *award.mutable_disbursements()) {
    if (disbursement.state() == v1::DISBURSEMENT_STATE_POSTING) {
      posting = &disbursement;
      break;
    }
  }
  ASSIGN_OR_RETURN(ledger::CreateTransfersResponse answer,
                   ledger_->CreateTransfers(PostRequest(award, round, *posting)));
  if (std::optional<Refusal> refusal = ChainRefusal(answer, 0)) {
    posting->set_state(v1::DISBURSEMENT_STATE_REJECTED);
    posting->set_ledger_result(refusal->result);
    return absl::OkStatus();
  }
  const int64_t rest = award.remaining_won() - posting->amount_won();
  posting->set_state(v1::DISBURSEMENT_STATE_POSTED);
  posting->set_posting_transfer(
      TransferName(absl::StrCat("p.", absl::StripPrefix(award.name(), "awards/"), ".",
                                posting->sequence())));
  award.set_disbursed_won(award.disbursed_won() + posting->amount_won());
  award.set_remaining_won(rest);
  award.clear_reservation_transfers();
  if (rest > 0) {
    award.add_reservation_transfers(TransferName(BudgetReservationId(award, posting->sequence())));
    award.add_reservation_transfers(TransferName(CapReservationId(award, posting->sequence())));
  }
  if (award.state() == v1::AWARD_STATE_RESERVED) award.set_state(v1::AWARD_STATE_IN_PROGRESS);
  return absl::OkStatus();
}

absl::Status LedgerOutbox::Void(v1::Award& award) {
  ASSIGN_OR_RETURN(ledger::CreateTransfersResponse answer,
                   ledger_->CreateTransfers(VoidRequest(award)));
  // A refusal means the ledger holds nothing under the reservation any more
  // (e.g. the fiscal-year close disposed of it); the ledger replays its
  // first answer, so asking again cannot change it. Recorded, not retried.
  if (std::optional<Refusal> refusal = ChainRefusal(answer, 0)) {
    JsonLog("warning", "void_refused")
        .Add("award", award.name())
        .Add("result", refusal->result)
        .Emit();
    award.set_state_reason(
        absl::StrCat(award.state_reason(), " (ledger on the void: ", refusal->result, ")"));
  }
  award.clear_reservation_transfers();
  return absl::OkStatus();
}

}  // namespace kexport::applications
