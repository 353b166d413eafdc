// The ledger steps of an award: which one is due, the ids that make a
// resent step recognisable, the chains, and the round's money as the
// ledger holds it.
#include "services/applications/award_ledger.h"

#include "gtest/gtest.h"

namespace kexport::applications {
namespace {

namespace ledger = kexport::ledger::v1;

v1::Round Round() {
  v1::Round round;
  round.set_name("programs/voucher/rounds/2026-1");
  round.set_fiscal_year(2026);
  round.set_budget_account("accounts/voucher-2026-budget");
  return round;
}

v1::Award Award(v1::AwardState state, int64_t amount = 10'000'000) {
  v1::Award award;
  award.set_name("awards/abc");
  award.set_firm("firms/1248100998");
  award.set_round("programs/voucher/rounds/2026-1");
  award.set_amount_won(amount);
  award.set_remaining_won(amount);
  award.set_state(state);
  return award;
}

TEST(AwardLedgerTest, TheDueStepFollowsTheAwardsState) {
  EXPECT_EQ(NextLedgerStep(Award(v1::AWARD_STATE_RESERVING)), LedgerStep::kReserve);
  v1::Award reserved = Award(v1::AWARD_STATE_RESERVED);
  reserved.add_reservation_transfers("transfers/r.abc.0");
  reserved.add_reservation_transfers("transfers/c.abc.0");
  EXPECT_EQ(NextLedgerStep(reserved), LedgerStep::kNone);
  reserved.add_disbursements()->set_state(v1::DISBURSEMENT_STATE_POSTING);
  EXPECT_EQ(NextLedgerStep(reserved), LedgerStep::kPost);
  v1::Award released = Award(v1::AWARD_STATE_RELEASED);
  released.add_reservation_transfers("transfers/r.abc.0");
  released.add_reservation_transfers("transfers/c.abc.0");
  EXPECT_EQ(NextLedgerStep(released), LedgerStep::kVoid);
  released.clear_reservation_transfers();
  EXPECT_FALSE(LedgerStepDue(released));
  EXPECT_FALSE(LedgerStepDue(Award(v1::AWARD_STATE_REFUSED)));
}

TEST(AwardLedgerTest, ReservationLinksBudgetAndCap) {
  ledger::CreateTransfersRequest request = ReserveRequest(Award(v1::AWARD_STATE_RESERVING), Round());
  EXPECT_EQ(request.request_id(), "reserve.abc");
  ASSERT_EQ(request.transfers_size(), 2);
  const ledger::Transfer& budget = request.transfers(0);
  EXPECT_EQ(budget.id(), "r.abc.0");
  EXPECT_EQ(budget.debit_account(), "accounts/voucher-2026-budget");
  EXPECT_EQ(budget.credit_account(), "accounts/voucher-2026-1248100998");
  EXPECT_EQ(budget.mode(), ledger::TRANSFER_MODE_PENDING);
  EXPECT_EQ(budget.reference(), "applications/abc");
  EXPECT_TRUE(budget.linked());
  const ledger::Transfer& cap = request.transfers(1);
  EXPECT_EQ(cap.id(), "c.abc.0");
  EXPECT_EQ(cap.debit_account(), "accounts/voucher-2026-1248100998-cap");
  EXPECT_EQ(cap.credit_account(), "accounts/voucher-2026-cap-offset");
  EXPECT_EQ(cap.amount(), 10'000'000);
  EXPECT_FALSE(cap.linked());
}

ledger::Transfer CapTransfer(std::string id, ledger::TransferCode code, bool credit_cap,
                             int64_t amount) {
  ledger::Transfer transfer;
  transfer.set_id(std::move(id));
  transfer.set_code(code);
  const std::string cap = "accounts/voucher-2026-1248100998-cap";
  const std::string offset = "accounts/voucher-2026-cap-offset";
  transfer.set_debit_account(credit_cap ? offset : cap);
  transfer.set_credit_account(credit_cap ? cap : offset);
  transfer.set_amount(amount);
  return transfer;
}

TEST(AwardLedgerTest, TheCapIsBroughtToTheApplicationsCapUpOrDown) {
  const v1::Award award = Award(v1::AWARD_STATE_RESERVING);
  EXPECT_EQ(CapAccount(award, Round()), "accounts/voucher-2026-1248100998-cap");

  auto first = CapAdjustment(award, Round(), 30'000'000, {});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->request_id(), "cap.abc");
  ASSERT_EQ(first->transfers_size(), 1);
  EXPECT_EQ(first->transfers(0).code(), ledger::TRANSFER_CODE_CAP_GRANT);
  EXPECT_EQ(first->transfers(0).credit_account(), "accounts/voucher-2026-1248100998-cap");
  EXPECT_EQ(first->transfers(0).amount(), 30'000'000);

  std::vector<ledger::Transfer> granted = {
      CapTransfer("cap.old", ledger::TRANSFER_CODE_CAP_GRANT, true, 30'000'000)};
  EXPECT_FALSE(CapAdjustment(award, Round(), 30'000'000, granted).has_value());

  auto raised = CapAdjustment(award, Round(), 40'000'000, granted);
  ASSERT_TRUE(raised.has_value());
  EXPECT_EQ(raised->transfers(0).code(), ledger::TRANSFER_CODE_CAP_GRANT);
  EXPECT_EQ(raised->transfers(0).amount(), 10'000'000);

  auto lowered = CapAdjustment(award, Round(), 20'000'000, granted);
  ASSERT_TRUE(lowered.has_value());
  EXPECT_EQ(lowered->transfers(0).code(), ledger::TRANSFER_CODE_CORRECTION);
  EXPECT_EQ(lowered->transfers(0).debit_account(), "accounts/voucher-2026-1248100998-cap");
  EXPECT_EQ(lowered->transfers(0).corrected_transfer(), "transfers/cap.old");
  EXPECT_EQ(lowered->transfers(0).amount(), 10'000'000);

  granted.push_back(CapTransfer("cap.abc", ledger::TRANSFER_CODE_CORRECTION, false, 10'000'000));
  EXPECT_FALSE(CapAdjustment(award, Round(), 20'000'000, granted).has_value());
}

TEST(AwardLedgerTest, APartialPostingReservesTheRestInTheSameChain) {
  v1::Award award = Award(v1::AWARD_STATE_RESERVED);
  award.add_reservation_transfers("transfers/r.abc.0");
  award.add_reservation_transfers("transfers/c.abc.0");
  v1::Disbursement disbursement;
  disbursement.set_sequence(1);
  disbursement.set_amount_won(3'000'000);
  ledger::CreateTransfersRequest partial = PostRequest(award, Round(), disbursement);
  EXPECT_EQ(partial.request_id(), "post.abc.1");
  ASSERT_EQ(partial.transfers_size(), 4);
  EXPECT_EQ(partial.transfers(0).pending_transfer(), "transfers/r.abc.0");
  EXPECT_EQ(partial.transfers(0).amount(), 3'000'000);
  EXPECT_EQ(partial.transfers(1).pending_transfer(), "transfers/c.abc.0");
  EXPECT_EQ(partial.transfers(2).id(), "r.abc.1");
  EXPECT_EQ(partial.transfers(2).amount(), 7'000'000);
  EXPECT_EQ(partial.transfers(3).id(), "c.abc.1");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(partial.transfers(i).linked()) << i;
  EXPECT_FALSE(partial.transfers(3).linked());

  disbursement.set_amount_won(10'000'000);
  ledger::CreateTransfersRequest full = PostRequest(award, Round(), disbursement);
  ASSERT_EQ(full.transfers_size(), 2);
  EXPECT_TRUE(full.transfers(0).linked());
  EXPECT_FALSE(full.transfers(1).linked());
}

TEST(AwardLedgerTest, ChainRefusalNamesTheFailingMemberOrNothing) {
  ledger::CreateTransfersResponse response;
  response.add_results()->set_result(ledger::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_AMOUNT);
  response.add_results()->set_result(ledger::TRANSFER_RESULT_CREATED);
  response.add_results()->set_result(ledger::TRANSFER_RESULT_EXISTS);
  EXPECT_FALSE(ChainRefusal(response, 1).has_value());
  response.mutable_results(1)->set_result(ledger::TRANSFER_RESULT_LINKED_EVENT_FAILED);
  response.mutable_results(2)->set_result(ledger::TRANSFER_RESULT_EXCEEDS_CREDITS);
  response.mutable_results(2)->set_account("accounts/voucher-2026-1248100998-cap");
  std::optional<Refusal> refusal = ChainRefusal(response, 1);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->result, "EXCEEDS_CREDITS");
  EXPECT_EQ(refusal->account, "accounts/voucher-2026-1248100998-cap");
}

TEST(AwardLedgerTest, RoundMoneyCountsAReleaseOnlyOnceItsVoidIsConfirmed) {
  v1::Award in_progress = Award(v1::AWARD_STATE_IN_PROGRESS);
  in_progress.set_disbursed_won(3'000'000);
  in_progress.set_remaining_won(7'000'000);
  in_progress.add_reservation_transfers("transfers/r.abc.1");
  v1::Award releasing = Award(v1::AWARD_STATE_RELEASED, 5'000'000);
  releasing.set_released_won(5'000'000);
  releasing.set_remaining_won(0);
  releasing.add_reservation_transfers("transfers/r.def.0");
  v1::Award released = releasing;
  released.clear_reservation_transfers();
  v1::Award reserving = Award(v1::AWARD_STATE_RESERVING, 1'000'000);

  v1::RoundBudget before = RoundBudgetOf({in_progress, releasing, reserving});
  EXPECT_EQ(before.award_count(), 2);
  EXPECT_EQ(before.awarded_won(), 15'000'000);
  EXPECT_EQ(before.reserved_won(), 12'000'000);
  EXPECT_EQ(before.disbursed_won(), 3'000'000);
  EXPECT_EQ(before.released_won(), 0);

  v1::RoundBudget after = RoundBudgetOf({in_progress, released, reserving});
  EXPECT_EQ(after.reserved_won(), 7'000'000);
  EXPECT_EQ(after.released_won(), 5'000'000);
  EXPECT_EQ(after.awarded_won(),
            after.reserved_won() + after.disbursed_won() + after.released_won());
}

}  // namespace
}  // namespace kexport::applications
