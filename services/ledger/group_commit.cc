#include "services/ledger/group_commit.h"

#include <chrono>
#include <future>
#include <vector>

#include "common/json_log.h"
#include "services/ledger/bookkeeper.h"

namespace kexport::ledger {
namespace {

// The actor recorded on expiries: the ledger's own clock did it.
constexpr char kLedgerActor[] = "ledger";

absl::Status ExpireDuePending(LedgerBatch& batch, absl::Time now) {
  Bookkeeper books(&batch, now, kLedgerActor);
  absl::Status status = books.ExpireDue();
  if (!status.ok()) {
    return status;
  }
  LedgerChanges changes = books.TakeChanges();
  return changes.empty() ? absl::OkStatus() : batch.Write(changes);
}

// A failure of the store rather than of the command's own rules: SQLite
// may have rolled the whole transaction back (a full disk does), so the
// batch ends and every command in it gets this error.
bool StoreFailed(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

}  // namespace

GroupCommitter::GroupCommitter(LedgerStore* store, Clock clock,
                               size_t max_batch_commands)
    : store_(store),
      clock_(std::move(clock)),
      max_batch_commands_(max_batch_commands),
      writer_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void GroupCommitter::Submit(Command command, Done done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({std::move(command), std::move(done)});
  }
  wake_.notify_one();
}

void GroupCommitter::Flush() {
  std::promise<void> flushed;
  Submit([](LedgerBatch&, absl::Time) { return absl::OkStatus(); },
         [&flushed](absl::Status) { flushed.set_value(); });
  flushed.get_future().wait();
}

void GroupCommitter::Run() {
  while (true) {
    std::deque<Job> jobs;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1),
                     [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) {
        return;
      }
      while (!queue_.empty() && jobs.size() < max_batch_commands_) {
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // With nothing queued this still runs, to expire what timed out.
    RunBatch(std::move(jobs));
  }
}

void GroupCommitter::RunBatch(std::deque<Job> jobs) {
  const absl::Time now = clock_();
  // The own errors of commands that failed after writing: each redo leaves
  // one more out, so this ends.
  std::vector<std::optional<absl::Status>> settled(jobs.size());
  Attempt attempt = TryBatch(jobs, settled, now);
  while (attempt.torn) {
    absl::Status& own = attempt.statuses[*attempt.torn];
    JsonLog("warning", "batch_redone").Add("error", own.ToString()).Emit();
    settled[*attempt.torn] = std::move(own);
    attempt = TryBatch(jobs, settled, now);
  }
  if (!attempt.status.ok()) {
    JsonLog("error", "batch_failed").Add("error", attempt.status.ToString()).Emit();
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (settled[i]) {
      jobs[i].done(*settled[i]);
    } else {
      jobs[i].done(attempt.status.ok() ? attempt.statuses[i] : attempt.status);
    }
  }
}

GroupCommitter::Attempt GroupCommitter::TryBatch(
    const std::deque<Job>& jobs, const std::vector<std::optional<absl::Status>>& settled,
    absl::Time now) {
  Attempt attempt;
  attempt.statuses.resize(jobs.size());
  attempt.status = [&]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<LedgerBatch>> batch = store_->BeginBatch();
    if (!batch.ok()) {
      return batch.status();
    }
    absl::Status expired = ExpireDuePending(**batch, now);
    if (!expired.ok()) {
      return expired;
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (settled[i]) {
        continue;
      }
      absl::Status begun = (*batch)->BeginCommand();
      if (!begun.ok()) {
        return begun;
      }
      absl::Status& status = attempt.statuses[i];
      status = jobs[i].command(**batch, now);
      if (StoreFailed(status)) {
        return status;
      }
      absl::Status ended = (*batch)->EndCommand(status.ok());
      if (absl::IsAborted(ended) && !status.ok()) {
        // Rolled back as the batch goes out of scope.
        attempt.torn = i;
        return ended;
      }
      if (!ended.ok()) {
        return ended;
      }
    }
    return (*batch)->Commit();
  }();
  return attempt;
}

}  // namespace kexport::ledger
