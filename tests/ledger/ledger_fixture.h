// Starts the real kexport-ledger binary on loopback with a fresh SQLite
// file, and opens the accounts of one programme: an appropriation source, a
// 2026 budget, firm commitments and firm caps.
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"
#include "tests/ledger/transfer_builder.h"
#include "tests/support/service_process.h"

namespace kexport::ledger {

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartLedger({}); }

  void StartLedger(std::vector<std::string> flags) {
    flags.push_back("--shutdown_grace=2s");
    ledger_ = std::make_unique<kexport::testing::ServiceProcess>(
        KEXPORT_LEDGER_BINARY, dir_.path(), flags);
    ASSERT_TRUE(ledger_->Start()) << ledger_->ReadLog();
    Connect();
  }

  void Connect() { stub_ = v1::Ledger::NewStub(ledger_->channel()); }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-kexport-actor", "ledger-test");
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  grpc::Status Open(const std::string& id, v1::AccountKind kind,
                    v1::BalanceLimit limit, const std::string& firm = "",
                    int32_t year = 2026) {
    v1::CreateAccountRequest request;
    v1::Account* account = request.mutable_account();
    account->set_id(id);
    account->set_kind(kind);
    account->set_fiscal_year(year);
    if (kind != v1::ACCOUNT_KIND_APPROPRIATION_SOURCE) {
      account->set_program("programs/voucher");
    }
    account->set_firm(firm);
    account->set_balance_limit(limit);
    request.set_request_id("open-" + id);
    v1::Account opened;
    return stub_->CreateAccount(Context().get(), request, &opened);
  }

  // Source, a budget funded with `budget` won, and `firms` firm accounts.
  void OpenProgramme(int64_t budget, int firms) {
    ASSERT_TRUE(Open("source", v1::ACCOUNT_KIND_APPROPRIATION_SOURCE,
                     v1::BALANCE_LIMIT_NONE).ok());
    ASSERT_TRUE(Open("budget", v1::ACCOUNT_KIND_PROGRAM_BUDGET,
                     v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS).ok());
    for (int i = 0; i < firms; ++i) {
      ASSERT_TRUE(Open("firm-" + std::to_string(i), v1::ACCOUNT_KIND_FIRM_COMMITMENT,
                       v1::BALANCE_LIMIT_NONE, "firms/1248100998").ok());
    }
    v1::CreateTransfersResponse response;
    ASSERT_TRUE(Transfer({Move("appropriation", "source", "budget", budget,
                               v1::TRANSFER_CODE_APPROPRIATION,
                               v1::TRANSFER_MODE_SINGLE_PHASE)},
                         "fund", &response).ok());
    ASSERT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);
  }

  static v1::Transfer Move(const std::string& id, const std::string& debit,
                           const std::string& credit, int64_t amount,
                           v1::TransferCode code, v1::TransferMode mode) {
    return testing::Move(id, debit, credit, amount, code, mode);
  }

  grpc::Status Transfer(const std::vector<v1::Transfer>& transfers,
                        const std::string& request_id,
                        v1::CreateTransfersResponse* response) {
    v1::CreateTransfersRequest request;
    for (const v1::Transfer& transfer : transfers) {
      *request.add_transfers() = transfer;
    }
    request.set_request_id(request_id);
    return stub_->CreateTransfers(Context().get(), request, response);
  }

  v1::Account Account(const std::string& id) {
    v1::GetAccountRequest request;
    request.set_name("accounts/" + id);
    v1::Account account;
    grpc::Status status = stub_->GetAccount(Context().get(), request, &account);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return account;
  }

  v1::VerifyJournalResponse Verify() {
    v1::VerifyJournalResponse response;
    grpc::Status status =
        stub_->VerifyJournal(Context().get(), v1::VerifyJournalRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  kexport::testing::TempDir dir_;
  std::unique_ptr<kexport::testing::ServiceProcess> ledger_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

}  // namespace kexport::ledger
