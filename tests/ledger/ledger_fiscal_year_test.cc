// Budget reports and fiscal-year close on the real kexport-ledger.
#include "gmock/gmock.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/support/error_details.h"

namespace kexport::ledger {
namespace {

using kexport::testing::ReadErrorDetails;

class LedgerFiscalYearTest : public LedgerFixture {
 protected:
  v1::BudgetReport Report(int32_t year) {
    v1::GetBudgetReportRequest request;
    request.set_program("programs/voucher");
    request.set_fiscal_year(year);
    v1::BudgetReport report;
    grpc::Status status = stub_->GetBudgetReport(Context().get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  grpc::Status Close(v1::CloseFiscalYearRequest request,
                     v1::CloseFiscalYearResponse* response) {
    request.set_program("programs/voucher");
    request.set_fiscal_year(2026);
    request.set_reason("FY2026 settlement, decision 2027-014");
    return stub_->CloseFiscalYear(Context().get(), request, response);
  }

  static v1::Transfer Post(const std::string& id, const std::string& pending,
                           int64_t amount) {
    v1::Transfer post;
    post.set_id(id);
    post.set_mode(v1::TRANSFER_MODE_POST_PENDING);
    post.set_pending_transfer("transfers/" + pending);
    post.set_amount(amount);
    return post;
  }
};

// A correction counts under the code of the transfer it corrects,
// negatively when it runs back.
TEST_F(LedgerFiscalYearTest, CorrectionsCountUnderTheCorrectedTransfersCode) {
  OpenProgramme(1'000'000, 1);
  v1::Transfer pay = Move("pay", "budget", "firm-0", 300'000, v1::TRANSFER_CODE_DISBURSEMENT,
                          v1::TRANSFER_MODE_SINGLE_PHASE);
  v1::Transfer back = Move("pay-fix", "firm-0", "budget", 40'000,
                           v1::TRANSFER_CODE_CORRECTION, v1::TRANSFER_MODE_SINGLE_PHASE);
  back.set_corrected_transfer("transfers/pay");
  v1::Transfer more = Move("pay-fix-2", "budget", "firm-0", 5'000,
                           v1::TRANSFER_CODE_CORRECTION, v1::TRANSFER_MODE_SINGLE_PHASE);
  more.set_corrected_transfer("transfers/pay");
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({pay, back, more}, "pay", &response).ok());
  for (const auto& result : response.results()) {
    ASSERT_EQ(result.result(), v1::TRANSFER_RESULT_CREATED) << result.DebugString();
  }
  v1::BudgetReport report = Report(2026);
  EXPECT_EQ(report.disbursed(), 265'000);
  EXPECT_EQ(report.appropriated(), 1'000'000);
  EXPECT_EQ(report.remaining(), 735'000);
}

TEST_F(LedgerFiscalYearTest, ReportThenCloseCarryOverAndLapse) {
  OpenProgramme(1'000'000, 2);
  ASSERT_TRUE(Open("lapse", v1::ACCOUNT_KIND_LAPSE, v1::BALANCE_LIMIT_NONE).ok());
  ASSERT_TRUE(Open("budget-2027", v1::ACCOUNT_KIND_PROGRAM_BUDGET,
                   v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS, "", 2027).ok());
  ASSERT_TRUE(Open("firm-0-2027", v1::ACCOUNT_KIND_FIRM_COMMITMENT,
                   v1::BALANCE_LIMIT_NONE, "firms/1248100998", 2027).ok());
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({Move("r1", "budget", "firm-0", 400'000,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING),
                        Move("r2", "budget", "firm-1", 100'000,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING),
                        Move("r3", "budget", "firm-0", 50'000,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING),
                        Post("p1", "r1", 300'000)},
                       "spend", &response).ok());
  for (const auto& result : response.results()) {
    ASSERT_EQ(result.result(), v1::TRANSFER_RESULT_CREATED);
  }
  v1::BudgetReport before = Report(2026);
  EXPECT_EQ(before.appropriated(), 1'000'000);
  EXPECT_EQ(before.budget_available(), 1'000'000);
  EXPECT_EQ(before.reserved(), 150'000);
  EXPECT_EQ(before.disbursed(), 300'000);
  EXPECT_EQ(before.released(), 100'000);
  EXPECT_EQ(before.remaining(), 550'000);
  EXPECT_EQ(before.execution_rate_bp(), 3000);
  EXPECT_EQ(before.fiscal_year_state(), v1::FISCAL_YEAR_STATE_OPEN);

  v1::ListOpenReservationsRequest list;
  list.set_program("programs/voucher");
  list.set_fiscal_year(2026);
  v1::ListOpenReservationsResponse open;
  ASSERT_TRUE(stub_->ListOpenReservations(Context().get(), list, &open).ok());
  ASSERT_EQ(open.transfers_size(), 2);

  // Every open reservation needs a disposition; nothing happens otherwise.
  v1::CloseFiscalYearRequest close;
  auto* release = close.add_reservation_dispositions();
  release->set_reservation("transfers/r2");
  release->set_action(v1::RESERVATION_ACTION_RELEASE);
  close.set_request_id("close-incomplete");
  v1::CloseFiscalYearResponse closed;
  grpc::Status incomplete = Close(close, &closed);
  EXPECT_EQ(incomplete.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(incomplete).reason, "OPEN_RESERVATIONS_UNRESOLVED");
  EXPECT_THAT(incomplete.error_message(), ::testing::HasSubstr("transfers/r3"));
  EXPECT_EQ(ReadErrorDetails(incomplete).metadata["transfers"], "transfers/r3");

  auto* carry = close.add_reservation_dispositions();
  carry->set_reservation("transfers/r3");
  carry->set_action(v1::RESERVATION_ACTION_CARRY_OVER);
  carry->set_new_transfer_id("r3-2027");
  carry->set_new_debit_account("accounts/budget-2027");
  carry->set_new_credit_account("accounts/firm-0-2027");
  close.set_carryover_account("accounts/budget-2027");
  close.set_lapse_account("accounts/lapse");
  close.set_carryover_amount(200'000);
  close.set_lapse_amount(400'000);  // 50,000 short of what remains
  close.set_request_id("close-short");
  grpc::Status short_by = Close(close, &closed);
  EXPECT_EQ(short_by.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(short_by).reason, "REMAINING_MISMATCH");
  EXPECT_THAT(short_by.error_message(), ::testing::HasSubstr("650000"));
  EXPECT_EQ(ReadErrorDetails(short_by).metadata["remaining"], "650000");
  EXPECT_EQ(Report(2026).reserved(), 150'000);

  // Carried over from an account to itself: refused before anything runs.
  carry->set_new_credit_account("accounts/budget-2027");
  close.set_request_id("close-to-itself");
  grpc::Status to_itself = Close(close, &closed);
  EXPECT_EQ(to_itself.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(to_itself.error_message(),
              ::testing::HasSubstr("new_credit_account: must differ from new_debit_account"));
  carry->set_new_credit_account("accounts/firm-0-2027");

  close.set_lapse_amount(450'000);
  // Lapsed money goes to the programme's lapse account, not to a firm.
  close.set_lapse_account("accounts/firm-1");
  close.set_request_id("close-to-firm");
  grpc::Status to_firm = Close(close, &closed);
  EXPECT_EQ(to_firm.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(to_firm).reason, "CLOSE_ACCOUNT_MISMATCH");
  close.set_lapse_account("accounts/lapse");
  close.set_request_id("close");

  // A dry run answers what the close would do, stores nothing, and does not
  // spend the request id.
  close.set_validate_only(true);
  v1::CloseFiscalYearResponse dry;
  grpc::Status dry_status = Close(close, &dry);
  ASSERT_TRUE(dry_status.ok()) << dry_status.error_message();
  EXPECT_EQ(dry.report().fiscal_year_state(), v1::FISCAL_YEAR_STATE_CLOSED);
  EXPECT_EQ(dry.report().reserved(), 0);
  EXPECT_EQ(dry.report().remaining(), 0);
  EXPECT_EQ(Report(2026).fiscal_year_state(), v1::FISCAL_YEAR_STATE_OPEN);
  EXPECT_EQ(Report(2026).reserved(), 150'000);
  EXPECT_EQ(Report(2027).carried_in(), 0);
  close.set_lapse_amount(400'000);
  v1::CloseFiscalYearResponse refused;
  EXPECT_EQ(Close(close, &refused).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  close.set_lapse_amount(450'000);
  close.set_validate_only(false);

  grpc::Status status = Close(close, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::BudgetReport& after = closed.report();
  // The dry run foretold it exactly.
  EXPECT_EQ(dry.report().carried_over(), after.carried_over());
  EXPECT_EQ(dry.report().lapsed(), after.lapsed());
  EXPECT_EQ(dry.report().disbursed(), after.disbursed());
  EXPECT_EQ(dry.report().released(), after.released());
  ASSERT_EQ(dry.transfers_size(), closed.transfers_size());
  for (int i = 0; i < dry.transfers_size(); ++i) {
    EXPECT_EQ(dry.transfers(i).id(), closed.transfers(i).id());
    EXPECT_EQ(dry.transfers(i).amount(), closed.transfers(i).amount());
  }
  EXPECT_EQ(after.fiscal_year_state(), v1::FISCAL_YEAR_STATE_CLOSED);
  EXPECT_EQ(after.reserved(), 0);
  EXPECT_EQ(after.remaining(), 0);
  EXPECT_EQ(after.carried_over(), 250'000);
  EXPECT_EQ(after.lapsed(), 450'000);
  EXPECT_EQ(after.budget_available(),
            after.disbursed() + after.carried_over() + after.lapsed());
  EXPECT_EQ(after.closed_by(), "ledger-test");
  EXPECT_EQ(closed.transfers_size(), 6);  // 2 releases, carry, re-reserve, carryover, lapse

  // The closed year takes nothing more; the next year holds what came over.
  ASSERT_TRUE(Transfer({Move("late", "budget", "firm-0", 1,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING)},
                       "late", &response).ok());
  EXPECT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_FISCAL_YEAR_CLOSED);
  v1::BudgetReport next = Report(2027);
  EXPECT_EQ(next.carried_in(), 250'000);
  EXPECT_EQ(next.reserved(), 50'000);
  EXPECT_EQ(next.remaining(), 200'000);
  ASSERT_TRUE(stub_->ListOpenReservations(Context().get(), list, &open).ok());
  EXPECT_EQ(open.transfers_size(), 0);

  close.set_request_id("close-again");
  EXPECT_EQ(Close(close, &closed).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Verify().ok());
}

}  // namespace
}  // namespace kexport::ledger
