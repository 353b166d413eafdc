// Group commit: commands from many callers are queued and applied by one
// writer thread, many to a transaction, so that one fsync acknowledges them
// all (as TigerBeetle batches). A command that fails by its own rules fails
// alone: if it wrote before failing and the store cannot undo it alone, the
// batch is rolled back and redone without it. A failing store (a full disk)
// ends the batch and fails every command in it. A caller hears back only
// after the transaction holding its command is durable, or that it failed.
//
// Before the commands of a batch, pending transfers whose timeout has passed
// by the batch's clock reading are expired; when idle, the writer wakes once
// a second to do just that.
//
//   committer.Submit([&](LedgerBatch& batch, absl::Time now) { ... },
//                    [reactor](absl::Status status) { ... });
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "services/ledger/ledger_store.h"

namespace kexport::ledger {

class GroupCommitter final {
 public:
  // Applies a command inside the open batch, at the batch's time `now`.
  using Command = std::function<absl::Status(LedgerBatch& batch, absl::Time now)>;
  // Told the command's final status: its own error, the commit's, or OK.
  using Done = std::function<void(absl::Status)>;

  GroupCommitter(LedgerStore* store, Clock clock, size_t max_batch_commands);
  // Finishes what is queued, then stops.
  ~GroupCommitter();

  void Submit(Command command, Done done);

  // Runs one batch now with whatever is queued (or nothing but expiries);
  // for tests that move the clock.
  void Flush();

 private:
  struct Job {
    Command command;
    Done done;
  };

  // One try at a batch of `jobs`, leaving out those already `settled`.
  struct Attempt {
    // The commit's status, the store's failure, or ABORTED for a torn try.
    absl::Status status;
    // Each command's own status.
    std::vector<absl::Status> statuses;
    // A command that failed after writing: the try was rolled back.
    std::optional<size_t> torn;
  };

  void Run();
  void RunBatch(std::deque<Job> jobs);
  Attempt TryBatch(const std::deque<Job>& jobs,
                   const std::vector<std::optional<absl::Status>>& settled, absl::Time now);

  LedgerStore* store_;
  Clock clock_;
  const size_t max_batch_commands_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace kexport::ledger
