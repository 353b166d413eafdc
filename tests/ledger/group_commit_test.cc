// The group commit on a real SQLite file: commands share one transaction
// without a savepoint each, yet one that fails fails alone, whether it
// failed before writing or after.
#include "services/ledger/group_commit.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/ledger/sqlite_ledger_store.h"
#include "tests/support/child_process.h"

namespace kexport::ledger {
namespace {

Account NewAccount(const std::string& id) {
  Account account;
  account.set_id(id);
  account.set_kind(v1::ACCOUNT_KIND_FIRM_COMMITMENT);
  account.set_fiscal_year(2026);
  account.set_program("programs/test");
  account.set_state(v1::ACCOUNT_STATE_OPEN);
  return account;
}

// Writes `account`, then answers `outcome`.
GroupCommitter::Command WriteThenAnswer(const Account& account, absl::Status outcome) {
  return [account, outcome](LedgerBatch& batch, absl::Time) -> absl::Status {
    LedgerChanges changes;
    changes.accounts.push_back(account);
    absl::Status written = batch.Write(changes);
    return written.ok() ? outcome : written;
  };
}

GroupCommitter::Command WriteThenAnswer(const std::string& id, absl::Status outcome) {
  return WriteThenAnswer(NewAccount(id), std::move(outcome));
}

// `command`, counting its runs into `*runs` (a redone batch runs it again).
GroupCommitter::Command Counted(int* runs, GroupCommitter::Command command) {
  return [runs, command](LedgerBatch& batch, absl::Time now) {
    ++*runs;
    return command(batch, now);
  };
}

Account Budget(int64_t credits_posted) {
  Account budget = NewAccount("budget");
  budget.set_kind(v1::ACCOUNT_KIND_PROGRAM_BUDGET);
  budget.set_credits_posted(credits_posted);
  return budget;
}

// What a command saw of the budget, by id and as its programme's budget.
struct Seen {
  int64_t by_id = -1;
  int64_t as_program_budget = -1;
};

GroupCommitter::Command ReadBudget(Seen* seen) {
  return [seen](LedgerBatch& batch, absl::Time) -> absl::Status {
    absl::StatusOr<std::optional<Account>> by_id = batch.FindAccount("budget");
    absl::StatusOr<std::optional<Account>> budget = batch.ProgramBudget("programs/test", 2026);
    if (!by_id.ok() || !budget.ok() || !*by_id || !*budget) {
      return absl::NotFoundError("budget not seen");
    }
    seen->by_id = (*by_id)->credits_posted();
    seen->as_program_budget = (*budget)->credits_posted();
    return absl::OkStatus();
  };
}

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteLedgerStore::Open(dir_.path() + "/ledger.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    committer_ = std::make_unique<GroupCommitter>(
        store_.get(), [] { return absl::FromUnixSeconds(1'780'000'000); }, 64);
  }

  // Runs `commands` in one batch: they are queued while the writer is held
  // inside an earlier batch. Returns what each caller was told.
  std::vector<absl::Status> RunInOneBatch(std::vector<GroupCommitter::Command> commands) {
    std::promise<void> holding, release;
    std::shared_future<void> released = release.get_future().share();
    committer_->Submit(
        [&holding, released](LedgerBatch&, absl::Time) {
          holding.set_value();
          released.wait();
          return absl::OkStatus();
        },
        [](absl::Status) {});
    holding.get_future().wait();
    std::vector<std::promise<absl::Status>> told(commands.size());
    for (size_t i = 0; i < commands.size(); ++i) {
      committer_->Submit(std::move(commands[i]),
                         [&told, i](absl::Status status) { told[i].set_value(status); });
    }
    release.set_value();
    std::vector<absl::Status> statuses;
    for (auto& promise : told) {
      statuses.push_back(promise.get_future().get());
    }
    return statuses;
  }

  // The committed account, as a reader sees it.
  std::optional<Account> StoredAccount(const std::string& id) {
    absl::StatusOr<std::optional<Account>> account = store_->GetAccount(id);
    EXPECT_TRUE(account.ok()) << account.status();
    return account.ok() ? *std::move(account) : std::nullopt;
  }

  bool Stored(const std::string& id) { return StoredAccount(id).has_value(); }

  int64_t StoredCredits(const std::string& id) {
    std::optional<Account> account = StoredAccount(id);
    EXPECT_TRUE(account.has_value()) << id;
    return account ? account->credits_posted() : -1;
  }

  kexport::testing::TempDir dir_;
  std::unique_ptr<SqliteLedgerStore> store_;
  std::unique_ptr<GroupCommitter> committer_;
};

TEST_F(GroupCommitTest, ACommandThatFailsAfterWritingLeavesNothingAndFailsAlone) {
  int kept_runs = 0;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back(Counted(&kept_runs, WriteThenAnswer("kept-first", absl::OkStatus())));
  commands.push_back(WriteThenAnswer("torn", absl::FailedPreconditionError("refused late")));
  commands.push_back([](LedgerBatch&, absl::Time) {
    return absl::InvalidArgumentError("refused before writing");
  });
  commands.push_back(WriteThenAnswer("kept-last", absl::OkStatus()));

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  EXPECT_TRUE(told[0].ok()) << told[0];
  EXPECT_EQ(told[1], absl::FailedPreconditionError("refused late"));
  EXPECT_EQ(told[2], absl::InvalidArgumentError("refused before writing"));
  EXPECT_TRUE(told[3].ok()) << told[3];
  EXPECT_TRUE(Stored("kept-first"));
  EXPECT_FALSE(Stored("torn"));
  EXPECT_TRUE(Stored("kept-last"));
  // The batch was rolled back once and redone without the torn command.
  EXPECT_EQ(kept_runs, 2);
}

TEST_F(GroupCommitTest, CommandsThatFailBeforeWritingNeedNoRedo) {
  int kept_runs = 0;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back([](LedgerBatch&, absl::Time) {
    return absl::NotFoundError("no such account");
  });
  commands.push_back(Counted(&kept_runs, WriteThenAnswer("kept", absl::OkStatus())));

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  EXPECT_EQ(told[0], absl::NotFoundError("no such account"));
  EXPECT_TRUE(told[1].ok()) << told[1];
  EXPECT_TRUE(Stored("kept"));
  EXPECT_EQ(kept_runs, 1);
}

TEST_F(GroupCommitTest, EveryTornCommandIsLeftOutInTurn) {
  int kept_runs = 0;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back(WriteThenAnswer("torn-1", absl::AlreadyExistsError("late 1")));
  commands.push_back(Counted(&kept_runs, WriteThenAnswer("kept", absl::OkStatus())));
  commands.push_back(WriteThenAnswer("torn-2", absl::AlreadyExistsError("late 2")));

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  EXPECT_EQ(told[0], absl::AlreadyExistsError("late 1"));
  EXPECT_TRUE(told[1].ok()) << told[1];
  EXPECT_EQ(told[2], absl::AlreadyExistsError("late 2"));
  EXPECT_FALSE(Stored("torn-1"));
  EXPECT_TRUE(Stored("kept"));
  EXPECT_FALSE(Stored("torn-2"));
  // Left out one at a time: the first try stops at torn-1 before `kept`
  // runs; `kept` runs in the second, which stops at torn-2, and the third.
  EXPECT_EQ(kept_runs, 2);
}


TEST_F(GroupCommitTest, LaterCommandsOfABatchSeeItsAccountChanges) {
  Seen before, between, after;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back(ReadBudget(&before));  // none yet
  commands.push_back(WriteThenAnswer(Budget(5), absl::OkStatus()));
  commands.push_back(ReadBudget(&between));
  commands.push_back(WriteThenAnswer(Budget(7), absl::OkStatus()));
  commands.push_back(ReadBudget(&after));

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  EXPECT_EQ(told[0], absl::NotFoundError("budget not seen"));
  EXPECT_EQ(between.by_id, 5);
  EXPECT_EQ(between.as_program_budget, 5);
  EXPECT_EQ(after.by_id, 7);
  EXPECT_EQ(after.as_program_budget, 7);
  EXPECT_EQ(StoredCredits("budget"), 7);
}

TEST_F(GroupCommitTest, OpenReservationsSeeAccountsOpenedEarlierInTheBatch) {
  Transfer held;
  held.set_id("held");
  held.set_name("transfers/held");
  held.set_journal_sequence(1);
  held.set_debit_account("accounts/budget");
  held.set_credit_account("accounts/firm");
  held.set_amount(10);
  held.set_mode(v1::TRANSFER_MODE_PENDING);
  held.set_pending_state(v1::PENDING_STATE_PENDING);
  size_t open = 0;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back(WriteThenAnswer(Budget(100), absl::OkStatus()));
  commands.push_back([held](LedgerBatch& batch, absl::Time) {
    LedgerChanges changes;
    changes.transfers.push_back(held);
    return batch.Write(changes);
  });
  commands.push_back([&open](LedgerBatch& batch, absl::Time) -> absl::Status {
    absl::StatusOr<std::vector<Transfer>> reservations =
        batch.OpenReservations("programs/test", 2026);
    if (!reservations.ok()) return reservations.status();
    open = reservations->size();
    return absl::OkStatus();
  });

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  for (const absl::Status& status : told) EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(open, 1u);
}

TEST_F(GroupCommitTest, ATornCommandsAccountChangeIsSeenByNoOne) {
  RunInOneBatch({WriteThenAnswer(Budget(5), absl::OkStatus())});
  Seen seen;
  std::vector<GroupCommitter::Command> commands;
  commands.push_back(WriteThenAnswer(Budget(99), absl::AbortedError("refused late")));
  commands.push_back(ReadBudget(&seen));

  std::vector<absl::Status> told = RunInOneBatch(std::move(commands));

  EXPECT_EQ(told[0], absl::AbortedError("refused late"));
  EXPECT_TRUE(told[1].ok()) << told[1];
  EXPECT_EQ(seen.by_id, 5);
  EXPECT_EQ(seen.as_program_budget, 5);
  EXPECT_EQ(StoredCredits("budget"), 5);
}

}  // namespace
}  // namespace kexport::ledger
