// A seeded random workload against the real ledger (LedgerService, group
// commit, SQLite file) checked after every request against the reference
// model: every result predicted, every balance equal, the books balanced,
// no limit passed, and the journal verified along the way. The seed is
// printed; KEXPORT_SEED=<seed> replays a failure.
#include <cstdlib>
#include <future>
#include <random>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/ledger/ledger_service.h"
#include "services/ledger/sqlite_ledger_store.h"
#include "tests/ledger/reference_ledger.h"
#include "tests/ledger/transfer_builder.h"
#include "tests/support/child_process.h"

namespace kexport::ledger {
namespace {

using testing::ModelAccount;
using testing::Prediction;
using testing::Move;
using testing::ReferenceLedger;

constexpr int kOperations = 2500;

uint64_t Seed() {
  uint64_t seed = 0;
  const char* text = std::getenv("KEXPORT_SEED");
  if (text != nullptr && absl::SimpleAtoi(text, &seed)) {
    return seed;
  }
  return std::random_device()();
}

class LedgerModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteLedgerStore::Open(dir_.path() + "/ledger.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ledger_ = std::make_unique<LedgerService>(
        store_.get(), [this] { return absl::FromUnixMicros(now_us_.load()); });
  }

  absl::Time Now() const { return absl::FromUnixMicros(now_us_.load()); }

  template <typename Response, typename Request, typename Method>
  absl::StatusOr<Response> Call(Method method, const Request& request) {
    std::promise<absl::StatusOr<Response>> done;
    (ledger_.get()->*method)(request, "model-test",
                             [&done](absl::StatusOr<Response> result) {
                               done.set_value(std::move(result));
                             });
    return done.get_future().get();
  }

  void OpenAccount(const std::string& id, v1::AccountKind kind, int32_t year,
                   const std::string& program, v1::BalanceLimit limit,
                   const std::string& firm = "") {
    v1::CreateAccountRequest request;
    v1::Account* account = request.mutable_account();
    account->set_id(id);
    account->set_kind(kind);
    account->set_fiscal_year(year);
    account->set_program(program);
    account->set_firm(firm);
    account->set_balance_limit(limit);
    request.set_request_id("open-" + id);
    absl::StatusOr<v1::Account> opened =
        Call<v1::Account>(&LedgerService::CreateAccount, request);
    ASSERT_TRUE(opened.ok()) << opened.status();
    model_.Open(*opened);
  }

  // Every stored balance equals the model's; the books balance; no limited
  // account is past its limit.
  void CheckInvariants(uint64_t seed, int step) {
    int64_t debits_posted = 0, credits_posted = 0, debits_pending = 0,
            credits_pending = 0;
    for (const auto& [name, expected] : model_.accounts()) {
      auto stored = store_->GetAccount(name.substr(sizeof("accounts/") - 1));
      ASSERT_TRUE(stored.ok() && stored->has_value()) << name;
      const v1::Account& account = **stored;
      ASSERT_EQ(account.debits_posted(), expected.debits_posted)
          << name << " seed " << seed << " step " << step;
      ASSERT_EQ(account.credits_posted(), expected.credits_posted) << name;
      ASSERT_EQ(account.debits_pending(), expected.debits_pending) << name;
      ASSERT_EQ(account.credits_pending(), expected.credits_pending) << name;
      if (account.balance_limit() == v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS) {
        ASSERT_LE(account.debits_posted() + account.debits_pending(),
                  account.credits_posted()) << name;
      }
      if (account.balance_limit() == v1::BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS) {
        ASSERT_LE(account.credits_posted() + account.credits_pending(),
                  account.debits_posted()) << name;
      }
      debits_posted += account.debits_posted();
      credits_posted += account.credits_posted();
      debits_pending += account.debits_pending();
      credits_pending += account.credits_pending();
    }
    ASSERT_EQ(debits_posted, credits_posted);
    ASSERT_EQ(debits_pending, credits_pending);
  }

  void CheckJournal() {
    absl::StatusOr<v1::VerifyJournalResponse> verified = ledger_->VerifyJournal();
    ASSERT_TRUE(verified.ok()) << verified.status();
    ASSERT_TRUE(verified->ok()) << verified->DebugString();
  }

  kexport::testing::TempDir dir_;
  std::atomic<int64_t> now_us_{absl::ToUnixMicros(
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone()))};
  std::unique_ptr<SqliteLedgerStore> store_;
  std::unique_ptr<LedgerService> ledger_;
  ReferenceLedger model_;
};

// Builds random requests from the accounts the test opened.
class Workload {
 public:
  explicit Workload(uint64_t seed) : random_(seed) {}

  int Uniform(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random_);
  }
  bool Chance(int percent) { return Uniform(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Uniform(0, static_cast<int>(items.size()) - 1)];
  }
  std::string NewId() { return absl::StrCat("t", next_id_++); }

  std::mt19937_64 random_;
  int next_id_ = 0;
};

TEST_F(LedgerModelTest, RandomWorkloadMatchesTheReferenceModel) {
  const uint64_t seed = Seed();
  std::cerr << "ledger model test seed: " << seed
            << " (replay with KEXPORT_SEED=" << seed << ")\n";
  Workload work(seed);

  using v1::BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS;
  using v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS;
  using v1::BALANCE_LIMIT_NONE;
  OpenAccount("source", v1::ACCOUNT_KIND_APPROPRIATION_SOURCE, 2026, "", BALANCE_LIMIT_NONE);
  OpenAccount("budget-a", v1::ACCOUNT_KIND_PROGRAM_BUDGET, 2026, "programs/a",
              BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
  OpenAccount("budget-b", v1::ACCOUNT_KIND_PROGRAM_BUDGET, 2026, "programs/b",
              BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
  OpenAccount("budget-a-2027", v1::ACCOUNT_KIND_PROGRAM_BUDGET, 2027, "programs/a",
              BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
  OpenAccount("offset-a", v1::ACCOUNT_KIND_CONTROL_OFFSET, 2026, "programs/a",
              BALANCE_LIMIT_NONE);
  OpenAccount("spend-a", v1::ACCOUNT_KIND_EXPENDITURE, 2026, "programs/a",
              BALANCE_LIMIT_CREDITS_MUST_NOT_EXCEED_DEBITS);
  std::vector<std::string> firms_a, caps_a, firms_b;
  for (int i = 0; i < 5; ++i) {
    std::string brn = "firms/1248100998";
    firms_a.push_back(absl::StrCat("firm-a", i));
    caps_a.push_back(absl::StrCat("cap-a", i));
    OpenAccount(firms_a.back(), v1::ACCOUNT_KIND_FIRM_COMMITMENT, 2026, "programs/a",
                BALANCE_LIMIT_NONE, brn);
    OpenAccount(caps_a.back(), v1::ACCOUNT_KIND_FIRM_CAP_CONTROL, 2026, "programs/a",
                BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS, brn);
  }
  OpenAccount("lapse-b", v1::ACCOUNT_KIND_LAPSE, 2026, "programs/b", BALANCE_LIMIT_NONE);
  for (int i = 0; i < 3; ++i) {
    firms_b.push_back(absl::StrCat("firm-b", i));
    OpenAccount(firms_b.back(), v1::ACCOUNT_KIND_FIRM_COMMITMENT, 2026, "programs/b",
                BALANCE_LIMIT_NONE, "firms/1248100998");
  }

  std::vector<v1::Transfer> sent;     // every transfer sent so far
  std::vector<std::string> pendings;  // ids of PENDING transfers sent
  int created = 0, refused = 0;
  for (int step = 0; step < kOperations; ++step) {
    if (step == kOperations / 2) {
      // Programme b closes its year half way: what remains lapses, and its
      // accounts take nothing more.
      auto budget = store_->GetAccount("budget-b");
      ASSERT_TRUE(budget.ok() && budget->has_value());
      v1::CloseFiscalYearRequest close;
      close.set_program("programs/b");
      close.set_fiscal_year(2026);
      close.set_lapse_account("accounts/lapse-b");
      close.set_lapse_amount((*budget)->available());
      close.set_reason("mid-run close");
      close.set_request_id("close-b");
      absl::StatusOr<v1::CloseFiscalYearResponse> closed =
          Call<v1::CloseFiscalYearResponse>(&LedgerService::CloseFiscalYear, close);
      ASSERT_TRUE(closed.ok()) << closed.status() << " seed " << seed;
      ASSERT_EQ(closed->report().remaining(), 0);
      model_.CloseYear("programs/b", 2026, "accounts/budget-b", "accounts/lapse-b",
                       (*budget)->available());
    }
    if (work.Chance(10)) {
      now_us_ += work.Uniform(0, 3) * 1'000'000 + work.Uniform(0, 999'999);
    }
    if (work.Chance(2)) {
      // Closing an account: refused while it holds pending amounts.
      std::string id = work.Pick(firms_b);
      v1::CloseAccountRequest close;
      close.set_name("accounts/" + id);
      close.set_reason("test");
      close.set_request_id(absl::StrCat("close-", step));
      model_.ExpireDue(Now());
      bool may_close = model_.Close("accounts/" + id);
      absl::StatusOr<v1::Account> closed = Call<v1::Account>(&LedgerService::CloseAccount, close);
      ASSERT_EQ(closed.ok(), may_close) << closed.status() << " seed " << seed;
      continue;
    }
    v1::CreateTransfersRequest request;
    request.set_request_id(absl::StrCat("req-", step));
    int operations = work.Chance(70) ? 1 : work.Uniform(2, 4);
    for (int k = 0; k < operations; ++k) {
      int kind = work.Uniform(0, 99);
      if (kind < 15) {
        *request.add_transfers() =
            Move(work.NewId(), "source", work.Chance(80) ? "budget-a" : "budget-b",
                 work.Uniform(1, 1'000'000), v1::TRANSFER_CODE_APPROPRIATION,
                 v1::TRANSFER_MODE_SINGLE_PHASE);
      } else if (kind < 20) {
        *request.add_transfers() =
            Move(work.NewId(), "offset-a", work.Pick(caps_a), work.Uniform(1, 500'000),
                 v1::TRANSFER_CODE_CAP_GRANT, v1::TRANSFER_MODE_SINGLE_PHASE);
      } else if (kind < 45) {
        // A reservation, often linked with the firm's cap reservation.
        int firm = work.Uniform(0, 4);
        int64_t amount = work.Uniform(1, 300'000);
        v1::Transfer reserve = Move(work.NewId(), "budget-a", firms_a[firm], amount,
                                    v1::TRANSFER_CODE_RESERVATION,
                                    v1::TRANSFER_MODE_PENDING);
        if (work.Chance(40)) {
          reserve.mutable_timeout()->set_seconds(work.Uniform(1, 5));
        }
        pendings.push_back(reserve.id());
        if (work.Chance(60)) {
          reserve.set_linked(true);
          v1::Transfer cap = Move(work.NewId(), caps_a[firm], "offset-a", amount,
                                  v1::TRANSFER_CODE_RESERVATION,
                                  v1::TRANSFER_MODE_PENDING);
          if (reserve.has_timeout()) {
            *cap.mutable_timeout() = reserve.timeout();
          }
          pendings.push_back(cap.id());
          *request.add_transfers() = reserve;
          *request.add_transfers() = cap;
        } else {
          *request.add_transfers() = reserve;
        }
      } else if (kind < 60 && !pendings.empty()) {
        v1::Transfer post;
        post.set_id(work.NewId());
        post.set_mode(v1::TRANSFER_MODE_POST_PENDING);
        post.set_pending_transfer("transfers/" + work.Pick(pendings));
        post.set_amount(work.Chance(50) ? 0 : work.Uniform(1, 350'000));
        *request.add_transfers() = post;
      } else if (kind < 70 && !pendings.empty()) {
        v1::Transfer release;
        release.set_id(work.NewId());
        release.set_mode(v1::TRANSFER_MODE_VOID_PENDING);
        release.set_pending_transfer("transfers/" + work.Pick(pendings));
        *request.add_transfers() = release;
      } else if (kind < 78 && !sent.empty()) {
        // A retry: the same transfer, or with one field changed.
        v1::Transfer again = work.Pick(sent);
        switch (work.Uniform(0, 3)) {
          case 0:
            // A void's amount must be 0: change its reference instead.
            if (again.mode() == v1::TRANSFER_MODE_VOID_PENDING) {
              again.set_reference("changed");
            } else {
              again.set_amount(again.amount() + 1);
            }
            break;
          case 1:
            again.set_reference("changed");
            break;
          default:
            break;
        }
        again.set_linked(false);
        *request.add_transfers() = again;
      } else if (kind < 82) {
        *request.add_transfers() =
            Move(work.NewId(), "budget-a", work.Chance(50) ? "missing" : work.Pick(firms_b),
                 work.Uniform(1, 1000), v1::TRANSFER_CODE_RESERVATION,
                 v1::TRANSFER_MODE_SINGLE_PHASE);
      } else if (kind < 85) {
        *request.add_transfers() =
            Move(work.NewId(), "budget-a", "budget-a-2027", work.Uniform(1, 1000),
                 work.Chance(50) ? v1::TRANSFER_CODE_CARRYOVER
                                 : v1::TRANSFER_CODE_RESERVATION,
                 v1::TRANSFER_MODE_SINGLE_PHASE);
      } else if (kind < 92) {
        *request.add_transfers() =
            Move(work.NewId(), "budget-a", "spend-a", work.Uniform(1, 200'000),
                 v1::TRANSFER_CODE_DISBURSEMENT, v1::TRANSFER_MODE_SINGLE_PHASE);
      } else {
        *request.add_transfers() =
            Move(work.NewId(), "spend-a", work.Pick(firms_a), work.Uniform(1, 200'000),
                 v1::TRANSFER_CODE_DISBURSEMENT, v1::TRANSFER_MODE_SINGLE_PHASE);
      }
    }
    if (request.transfers_size() == 0) {
      continue;
    }
    // Ids repeat only across requests; within one, drop repeats.
    {
      std::set<std::string> ids;
      v1::CreateTransfersRequest unique = request;
      unique.clear_transfers();
      for (const v1::Transfer& transfer : request.transfers()) {
        if (ids.insert(transfer.id()).second) *unique.add_transfers() = transfer;
      }
      unique.mutable_transfers()->rbegin()->set_linked(false);
      request = unique;
    }
    model_.ExpireDue(Now());
    std::vector<Prediction> predicted = model_.Apply(request, Now());
    absl::StatusOr<v1::CreateTransfersResponse> response =
        Call<v1::CreateTransfersResponse>(&LedgerService::CreateTransfers, request);
    ASSERT_TRUE(response.ok()) << response.status() << " seed " << seed << " step " << step
                               << "\n" << request.DebugString();
    ASSERT_EQ(response->results_size(), request.transfers_size());
    for (int i = 0; i < request.transfers_size(); ++i) {
      const v1::TransferOutcome& actual = response->results(i);
      ASSERT_EQ(v1::TransferResult_Name(actual.result()),
                v1::TransferResult_Name(predicted[i].result))
          << "seed " << seed << " step " << step << " transfer " << i << "\n"
          << request.DebugString();
      ASSERT_EQ(actual.account(), predicted[i].account) << "seed " << seed << " step " << step;
      ASSERT_EQ(actual.available(), predicted[i].available) << "seed " << seed << " step " << step;
      (actual.result() == v1::TRANSFER_RESULT_CREATED ? created : refused)++;
      sent.push_back(request.transfers(i));
    }
    model_.Learn(*response);
    // The same request id again answers the first response, changing nothing.
    if (work.Chance(3)) {
      absl::StatusOr<v1::CreateTransfersResponse> replay =
          Call<v1::CreateTransfersResponse>(&LedgerService::CreateTransfers, request);
      ASSERT_TRUE(replay.ok());
      ASSERT_EQ(replay->SerializeAsString(), response->SerializeAsString());
    }
    CheckInvariants(seed, step);
    if (HasFatalFailure()) return;
    if (step % 500 == 0) {
      CheckJournal();
    }
  }
  CheckJournal();
  std::cerr << "created " << created << ", refused " << refused << "\n";
  EXPECT_GT(created, kOperations / 4);
  EXPECT_GT(refused, kOperations / 20);
}

}  // namespace
}  // namespace kexport::ledger
