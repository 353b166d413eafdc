// The real kexport-ledger under pressure: many clients on one hot budget,
// SIGKILL in the middle of a stream of acknowledged transfers, a full disk.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "tests/ledger/ledger_fixture.h"

namespace kexport::ledger {
namespace {

using LedgerResilienceTest = LedgerFixture;

TEST_F(LedgerResilienceTest, ManyClientsOnOneHotBudgetNeverOverspend) {
  constexpr int64_t kBudget = 5'000'000;
  constexpr int kClients = 16;
  constexpr int kRequestsEach = 40;
  OpenProgramme(kBudget, 4);
  std::atomic<int64_t> reserved{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::Ledger::NewStub(ledger_->NewChannel());
      std::mt19937 random(c);
      for (int r = 0; r < kRequestsEach; ++r) {
        int64_t amount = std::uniform_int_distribution<int64_t>(1, 20'000)(random);
        std::string id = "c" + std::to_string(c) + "-" + std::to_string(r);
        v1::CreateTransfersRequest request;
        *request.add_transfers() =
            Move(id, "budget", "firm-" + std::to_string(c % 4), amount,
                 v1::TRANSFER_CODE_RESERVATION, v1::TRANSFER_MODE_PENDING);
        request.set_request_id(id);
        v1::CreateTransfersResponse response;
        grpc::ClientContext context;
        grpc::Status status = stub->CreateTransfers(&context, request, &response);
        ASSERT_TRUE(status.ok()) << status.error_message();
        if (response.results(0).result() == v1::TRANSFER_RESULT_CREATED) {
          reserved += amount;
        } else {
          ASSERT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_EXCEEDS_CREDITS);
          ++refused;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  // 640 reservations of up to 20,000 ask for more than the 5,000,000 there
  // is: some are refused, and what was taken is exactly what was granted.
  EXPECT_GT(refused.load(), 0);
  v1::Account budget = Account("budget");
  EXPECT_EQ(budget.debits_pending(), reserved.load());
  EXPECT_LE(budget.debits_pending(), kBudget);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(LedgerResilienceTest, SigkillLosesNoAcknowledgedTransferAndHalvesNoChain) {
  OpenProgramme(1'000'000'000, 2);
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::set<int> acknowledged;
  std::shared_ptr<grpc::Channel> channel = ledger_->NewChannel();
  std::thread client([&] {
    auto stub = v1::Ledger::NewStub(channel);
    for (int chain = 0; !stop.load(); ++chain) {
      v1::CreateTransfersRequest request;
      v1::Transfer first = Move("a-" + std::to_string(chain), "budget", "firm-0", 10,
                                v1::TRANSFER_CODE_DISBURSEMENT,
                                v1::TRANSFER_MODE_SINGLE_PHASE);
      first.set_linked(true);
      *request.add_transfers() = first;
      *request.add_transfers() = Move("b-" + std::to_string(chain), "budget", "firm-1",
                                      10, v1::TRANSFER_CODE_DISBURSEMENT,
                                      v1::TRANSFER_MODE_SINGLE_PHASE);
      request.set_request_id("chain-" + std::to_string(chain));
      // Retry the same request until it is acknowledged: the ledger may be
      // down, or may have applied it without answering.
      while (!stop.load()) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
        v1::CreateTransfersResponse response;
        if (stub->CreateTransfers(&context, request, &response).ok()) {
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.insert(chain);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
  for (int crash = 0; crash < 3; ++crash) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ledger_->Signal(SIGKILL);
    ASSERT_TRUE(ledger_->Wait(absl::Seconds(5)).has_value());
    ASSERT_TRUE(ledger_->Start()) << ledger_->ReadLog();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  client.join();
  Connect();

  ASSERT_GT(acknowledged.size(), 10u);
  // Every transfer stored, counted once per id, by chain.
  std::map<int, int> members;
  v1::ListTransfersRequest list;
  list.mutable_filter()->add_codes(v1::TRANSFER_CODE_DISBURSEMENT);
  list.set_page_size(1000);
  do {
    v1::ListTransfersResponse page;
    ASSERT_TRUE(stub_->ListTransfers(Context().get(), list, &page).ok());
    for (const v1::Transfer& transfer : page.transfers()) {
      members[std::stoi(transfer.id().substr(2))]++;
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  for (int chain : acknowledged) {
    EXPECT_EQ(members[chain], 2) << "acknowledged chain " << chain;
  }
  for (const auto& [chain, count] : members) {
    EXPECT_EQ(count, 2) << "chain " << chain << " is half applied";
  }
  int64_t chains = static_cast<int64_t>(members.size());
  EXPECT_EQ(Account("budget").debits_posted(), chains * 20);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(LedgerResilienceTest, AFullDiskRefusesWritesCleanlyAndRecovers) {
  ledger_->Kill();
  StartLedger({"--max_db_megabytes=1"});
  OpenProgramme(1'000'000'000'000, 1);
  grpc::Status status;
  int batches = 0;
  for (; batches < 200; ++batches) {
    std::vector<v1::Transfer> transfers;
    for (int i = 0; i < 200; ++i) {
      v1::Transfer transfer = Move("fill-" + std::to_string(batches) + "-" + std::to_string(i),
                                   "budget", "firm-0", 1, v1::TRANSFER_CODE_DISBURSEMENT,
                                   v1::TRANSFER_MODE_SINGLE_PHASE);
      transfer.set_reference(std::string(150, 'r'));
      transfers.push_back(transfer);
    }
    v1::CreateTransfersResponse response;
    status = Transfer(transfers, "fill-" + std::to_string(batches), &response);
    if (!status.ok()) break;
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message() << " after " << batches << " batches";
  // Reads go on, and the refused batch left nothing behind.
  v1::Account budget = Account("budget");
  EXPECT_EQ(budget.debits_posted(), batches * 200);
  EXPECT_TRUE(Verify().ok());

  // Space returns: the same request now goes through.
  ledger_->Signal(SIGTERM);
  ASSERT_TRUE(ledger_->Wait(absl::Seconds(10)).has_value());
  StartLedger({});
  std::vector<v1::Transfer> more = {Move("after-space", "budget", "firm-0", 1,
                                         v1::TRANSFER_CODE_DISBURSEMENT,
                                         v1::TRANSFER_MODE_SINGLE_PHASE)};
  v1::CreateTransfersResponse response;
  ASSERT_TRUE(Transfer(more, "after-space", &response).ok());
  EXPECT_EQ(response.results(0).result(), v1::TRANSFER_RESULT_CREATED);
  EXPECT_EQ(Account("budget").debits_posted(), batches * 200 + 1);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(LedgerResilienceTest, SigtermStopsCleanly) {
  OpenProgramme(1'000, 1);
  ledger_->Signal(SIGTERM);
  std::optional<int> status = ledger_->Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

}  // namespace
}  // namespace kexport::ledger
