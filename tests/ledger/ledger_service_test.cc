// The real kexport-ledger over gRPC: two-phase transfers, bad input,
// idempotent requests, refused attempts, accounts.
#include "gmock/gmock.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/support/error_details.h"

namespace kexport::ledger {
namespace {

using ::testing::Contains;
using kexport::testing::ReadErrorDetails;

using LedgerServiceTest = LedgerFixture;

TEST_F(LedgerServiceTest, ReservePostPartlyAndVoid) {
  OpenProgramme(1'000'000, 2);
  v1::CreateTransfersResponse response;
  v1::Transfer reserve = Move("reserve-1", "budget", "firm-0", 400'000,
                              v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
  reserve.set_reference("applications/1");
  v1::Transfer reserve2 = Move("reserve-2", "budget", "firm-1", 300'000,
                               v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
  ASSERT_TRUE(Transfer({reserve, reserve2}, "reserve", &response).ok());
  EXPECT_EQ(Account("budget").debits_pending(), 700'000);
  EXPECT_EQ(Account("budget").available(), 300'000);

  v1::Transfer post;
  post.set_id("post-1");
  post.set_mode(v1::TRANSFER_MODE_POST_PENDING);
  post.set_pending_transfer("transfers/reserve-1");
  post.set_amount(250'000);
  v1::Transfer release;
  release.set_id("void-2");
  release.set_mode(v1::TRANSFER_MODE_VOID_PENDING);
  release.set_pending_transfer("transfers/reserve-2");
  ASSERT_TRUE(Transfer({post, release}, "settle", &response).ok());
  ASSERT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);
  ASSERT_EQ(response.results(1).result(), v1::TRANSFER_RESULT_CREATED);
  EXPECT_EQ(response.results(0).transfer().code(), v1::TRANSFER_CODE_DISBURSEMENT);
  EXPECT_EQ(response.results(1).transfer().code(), v1::TRANSFER_CODE_RELEASE);

  v1::Account budget = Account("budget");
  EXPECT_EQ(budget.debits_posted(), 250'000);
  EXPECT_EQ(budget.debits_pending(), 0);
  EXPECT_EQ(budget.available(), 750'000);
  EXPECT_EQ(Account("firm-0").credits_posted(), 250'000);

  // A pending transfer resolves once.
  post.set_id("post-again");
  ASSERT_TRUE(Transfer({post}, "settle-again", &response).ok());
  EXPECT_EQ(response.results(0).result(),
            v1::TRANSFER_RESULT_PENDING_TRANSFER_ALREADY_POSTED);

  v1::GetTransferRequest get;
  get.set_name("transfers/reserve-1");
  v1::Transfer stored;
  ASSERT_TRUE(stub_->GetTransfer(Context().get(), get, &stored).ok());
  EXPECT_EQ(stored.pending_state(), v1::PENDING_STATE_POSTED);
  EXPECT_EQ(stored.resolving_transfer(), "transfers/post-1");
  EXPECT_EQ(stored.actor(), "ledger-test");

  v1::ListTransfersRequest by_reference;
  by_reference.mutable_filter()->set_reference("applications/1");
  v1::ListTransfersResponse listed;
  ASSERT_TRUE(stub_->ListTransfers(Context().get(), by_reference, &listed).ok());
  ASSERT_EQ(listed.transfers_size(), 1);

  v1::ListAccountBalancesRequest history;
  history.set_account("accounts/budget");
  v1::ListAccountBalancesResponse balances;
  ASSERT_TRUE(stub_->ListAccountBalances(Context().get(), history, &balances).ok());
  // Funded, two reservations, a post, a void.
  ASSERT_EQ(balances.balances_size(), 5);
  EXPECT_EQ(balances.balances(0).transfer(), "transfers/appropriation");
  EXPECT_EQ(balances.balances(4).debits_posted(), 250'000);
  EXPECT_EQ(balances.balances(4).debits_pending(), 0);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(LedgerServiceTest, MalformedTransfersAreRejectedWholeAndStoreNothing) {
  OpenProgramme(1'000'000, 1);
  v1::VerifyJournalResponse before = Verify();
  struct Case {
    std::string field;
    std::function<void(v1::Transfer&)> spoil;
  };
  std::vector<Case> cases = {
      {"transfers[0].amount", [](v1::Transfer& t) { t.set_amount(0); }},
      {"transfers[0].amount", [](v1::Transfer& t) { t.set_amount(-5); }},
      {"transfers[0].amount",
       [](v1::Transfer& t) { t.set_amount(INT64_MAX); }},
      {"transfers[0].credit_account",
       [](v1::Transfer& t) { t.set_credit_account(t.debit_account()); }},
      {"transfers[0].debit_account",
       [](v1::Transfer& t) { t.set_debit_account("budget"); }},
      {"transfers[0].id", [](v1::Transfer& t) { t.set_id("has space"); }},
      {"transfers[0].id", [](v1::Transfer& t) { t.set_id(""); }},
      {"transfers[0].mode",
       [](v1::Transfer& t) { t.set_mode(v1::TRANSFER_MODE_UNSPECIFIED); }},
      {"transfers[0].code",
       [](v1::Transfer& t) { t.set_code(v1::TRANSFER_CODE_UNSPECIFIED); }},
      {"transfers[0].timeout",
       [](v1::Transfer& t) { t.mutable_timeout()->set_seconds(-1); }},
      {"transfers[0].linked", [](v1::Transfer& t) { t.set_linked(true); }},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::Transfer transfer = Move("bad-" + std::to_string(i), "budget", "firm-0", 100,
                                 v1::TRANSFER_CODE_RESERVATION,
                                 v1::TRANSFER_MODE_PENDING);
    cases[i].spoil(transfer);
    // A good transfer in the same request is not applied either.
    v1::Transfer good = Move("good-" + std::to_string(i), "budget", "firm-0", 100,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
    v1::CreateTransfersResponse response;
    // A linked transfer is only malformed last; it goes after the good one.
    bool last = cases[i].field == "transfers[0].linked";
    if (last) {
      cases[i].field = "transfers[1].linked";
    }
    grpc::Status status =
        last ? Transfer({good, transfer}, "bad-" + std::to_string(i), &response)
             : Transfer({transfer, good}, "bad-" + std::to_string(i), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << cases[i].field;
    EXPECT_THAT(ReadErrorDetails(status).fields, Contains(cases[i].field));
  }
  v1::CreateTransfersResponse response;
  EXPECT_EQ(Transfer({}, "empty", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::Transfer twice = Move("twice", "budget", "firm-0", 1,
                            v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
  grpc::Status repeated = Transfer({twice, twice}, "twice", &response);
  EXPECT_EQ(repeated.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(repeated).fields, Contains("transfers[1].id"));

  v1::VerifyJournalResponse after = Verify();
  EXPECT_EQ(after.head_sequence(), before.head_sequence());
  EXPECT_EQ(Account("budget").debits_pending(), 0);
}

TEST_F(LedgerServiceTest, OutputOnlyFieldsSentByAClientChangeNothing) {
  OpenProgramme(100, 1);
  // A posted transfer dressed up as a pending one about to expire: were the
  // ledger to believe it, the expiry would give the 100 back.
  v1::Transfer spend = Move("spend", "budget", "firm-0", 100,
                            v1::TRANSFER_CODE_DISBURSEMENT,
                            v1::TRANSFER_MODE_SINGLE_PHASE);
  spend.set_pending_state(v1::PENDING_STATE_PENDING);
  spend.mutable_expire_time()->set_seconds(1);
  spend.set_journal_sequence(1);
  spend.set_actor("somebody-else");
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({spend}, "spend", &response).ok());
  ASSERT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);
  EXPECT_EQ(response.results(0).transfer().pending_state(),
            v1::PENDING_STATE_UNSPECIFIED);
  EXPECT_EQ(response.results(0).transfer().actor(), "ledger-test");
  ASSERT_TRUE(Transfer({Move("nudge", "source", "firm-0", 1,
                             v1::TRANSFER_CODE_APPROPRIATION,
                             v1::TRANSFER_MODE_SINGLE_PHASE)},
                       "nudge", &response).ok());
  v1::Account budget = Account("budget");
  EXPECT_EQ(budget.available(), 0);
  EXPECT_EQ(budget.debits_pending(), 0);
  ASSERT_TRUE(Transfer({Move("again", "budget", "firm-0", 100,
                             v1::TRANSFER_CODE_DISBURSEMENT,
                             v1::TRANSFER_MODE_SINGLE_PHASE)},
                       "again", &response).ok());
  EXPECT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_EXCEEDS_CREDITS);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(LedgerServiceTest, UnknownAccountsAndRefusalsAreTypedAndRecorded) {
  OpenProgramme(1'000, 1);
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({Move("to-nowhere", "budget", "nobody", 10,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING),
                        Move("too-much", "budget", "firm-0", 1'001,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING)},
                       "refused", &response).ok());
  EXPECT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_ACCOUNT_NOT_FOUND);
  EXPECT_EQ(response.results(0).account(), "accounts/nobody");
  EXPECT_EQ(response.results(1).result(), v1::TRANSFER_RESULT_EXCEEDS_CREDITS);
  EXPECT_EQ(response.results(1).account(), "accounts/budget");
  EXPECT_EQ(response.results(1).available(), 1'000);

  v1::ListRejectedTransfersRequest request;
  request.mutable_filter()->add_results(v1::TRANSFER_RESULT_EXCEEDS_CREDITS);
  v1::ListRejectedTransfersResponse rejected;
  ASSERT_TRUE(stub_->ListRejectedTransfers(Context().get(), request, &rejected).ok());
  ASSERT_EQ(rejected.rejected_transfers_size(), 1);
  EXPECT_EQ(rejected.rejected_transfers(0).actor(), "ledger-test");
  EXPECT_EQ(rejected.rejected_transfers(0).transfer().id(), "too-much");
  EXPECT_EQ(rejected.rejected_transfers(0).request_id(), "refused");
  EXPECT_EQ(rejected.rejected_transfers(0).index(), 1);
}

TEST_F(LedgerServiceTest, ARefusedResolutionIsFoundByItsPendingTransfersAccounts) {
  OpenProgramme(1'000, 1);
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({Move("hold", "budget", "firm-0", 400, v1::TRANSFER_CODE_RESERVATION,
                             v1::TRANSFER_MODE_PENDING)},
                       "hold", &response).ok());
  v1::Transfer release;
  release.set_id("release");
  release.set_mode(v1::TRANSFER_MODE_VOID_PENDING);
  release.set_pending_transfer("transfers/hold");
  ASSERT_TRUE(Transfer({release}, "release", &response).ok());
  ASSERT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);
  v1::Transfer late;
  late.set_id("late-post");
  late.set_mode(v1::TRANSFER_MODE_POST_PENDING);
  late.set_pending_transfer("transfers/hold");
  ASSERT_TRUE(Transfer({late}, "late", &response).ok());
  ASSERT_NE(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);

  v1::ListRejectedTransfersRequest request;
  request.mutable_filter()->set_account("accounts/firm-0");
  v1::ListRejectedTransfersResponse rejected;
  ASSERT_TRUE(stub_->ListRejectedTransfers(Context().get(), request, &rejected).ok());
  ASSERT_EQ(rejected.rejected_transfers_size(), 1);
  const v1::Transfer& attempt = rejected.rejected_transfers(0).transfer();
  EXPECT_EQ(attempt.id(), "late-post");
  EXPECT_EQ(attempt.debit_account(), "accounts/budget");
  EXPECT_EQ(attempt.credit_account(), "accounts/firm-0");
}

TEST_F(LedgerServiceTest, ARetriedRequestGetsTheFirstResponse) {
  OpenProgramme(1'000, 1);
  v1::Transfer reserve = Move("r", "budget", "firm-0", 600,
                              v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
  v1::CreateTransfersResponse first;
  v1::CreateTransfersResponse second;
  ASSERT_TRUE(Transfer({reserve}, "same", &first).ok());
  ASSERT_TRUE(Transfer({reserve}, "same", &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  // Under a new request id the transfer answers EXISTS: applied once.
  v1::CreateTransfersResponse resend;
  ASSERT_TRUE(Transfer({reserve}, "other", &resend).ok());
  EXPECT_EQ(resend.results(0).result(), v1::TRANSFER_RESULT_EXISTS);
  reserve.set_amount(601);
  ASSERT_TRUE(Transfer({reserve}, "changed", &resend).ok());
  EXPECT_EQ(resend.results(0).result(), v1::TRANSFER_RESULT_EXISTS_WITH_DIFFERENT_AMOUNT);
  EXPECT_EQ(Account("budget").debits_pending(), 600);
  // The same request id with another payload is refused.
  grpc::Status reused = Transfer({reserve}, "same", &resend);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(reused).fields, Contains("request_id"));
}

TEST_F(LedgerServiceTest, AccountsOpenOnceAndCloseOnlyWhenSettled) {
  OpenProgramme(1'000, 1);
  grpc::Status again = Open("budget", v1::ACCOUNT_KIND_PROGRAM_BUDGET,
                            v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
  // Same request id: the first answer.
  EXPECT_TRUE(again.ok());
  v1::CreateAccountRequest second_budget;
  second_budget.mutable_account()->set_id("budget-two");
  second_budget.mutable_account()->set_kind(v1::ACCOUNT_KIND_PROGRAM_BUDGET);
  second_budget.mutable_account()->set_fiscal_year(2026);
  second_budget.mutable_account()->set_program("programs/voucher");
  second_budget.mutable_account()->set_balance_limit(
      v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
  second_budget.set_request_id("budget-two");
  v1::Account opened;
  grpc::Status duplicate_budget =
      stub_->CreateAccount(Context().get(), second_budget, &opened);
  EXPECT_EQ(duplicate_budget.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(duplicate_budget).reason, "PROGRAM_BUDGET_EXISTS");

  second_budget.mutable_account()->set_id("firm-0");
  second_budget.set_request_id("firm-0-again");
  grpc::Status taken = stub_->CreateAccount(Context().get(), second_budget, &opened);
  EXPECT_EQ(taken.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ReadErrorDetails(taken).reason, "EXISTS_WITH_DIFFERENT_KIND");

  second_budget.mutable_account()->set_balance_limit(v1::BALANCE_LIMIT_NONE);
  second_budget.set_request_id("bad-limit");
  grpc::Status bad_limit = stub_->CreateAccount(Context().get(), second_budget, &opened);
  EXPECT_EQ(bad_limit.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(bad_limit).fields, Contains("account.balance_limit"));

  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer({Move("hold", "budget", "firm-0", 10, v1::TRANSFER_CODE_RESERVATION,
                             v1::TRANSFER_MODE_PENDING)},
                       "hold", &response).ok());
  v1::CloseAccountRequest close;
  close.set_name("accounts/firm-0");
  close.set_reason("firm withdrew");
  close.set_request_id("close-1");
  v1::Account closed;
  grpc::Status pending = stub_->CloseAccount(Context().get(), close, &closed);
  EXPECT_EQ(pending.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(pending).reason, "ACCOUNT_HAS_PENDING");

  v1::Transfer release;
  release.set_id("release-hold");
  release.set_mode(v1::TRANSFER_MODE_VOID_PENDING);
  release.set_pending_transfer("transfers/hold");
  ASSERT_TRUE(Transfer({release}, "release", &response).ok());
  close.set_request_id("close-2");
  ASSERT_TRUE(stub_->CloseAccount(Context().get(), close, &closed).ok());
  EXPECT_EQ(closed.state(), v1::ACCOUNT_STATE_CLOSED);
  EXPECT_EQ(closed.closed_by(), "ledger-test");
  ASSERT_TRUE(Transfer({Move("after-close", "budget", "firm-0", 10,
                             v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING)},
                       "after-close", &response).ok());
  EXPECT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_ACCOUNT_CLOSED);
  EXPECT_TRUE(Verify().ok());
}

}  // namespace
}  // namespace kexport::ledger
