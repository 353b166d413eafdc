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
  std::vector<absl::Status> statuses(jobs.size());
  absl::Status batch_status = [&]() -> absl::Status {
    absl::StatusOr<std::unique_ptr<LedgerBatch>> batch = store_->BeginBatch();
    if (!batch.ok()) {
      return batch.status();
    }
    absl::Status expired = ExpireDuePending(**batch, now);
    if (!expired.ok()) {
      return expired;
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
      absl::Status begun = (*batch)->BeginCommand();
      if (!begun.ok()) {
        return begun;
      }
      statuses[i] = jobs[i].command(**batch, now);
      if (StoreFailed(statuses[i])) {
        return statuses[i];
      }
      absl::Status ended = (*batch)->EndCommand(statuses[i].ok());
      if (!ended.ok()) {
        return ended;
      }
    }
    return (*batch)->Commit();
  }();
  if (!batch_status.ok()) {
    JsonLog("error", "batch_failed").Add("error", batch_status.ToString()).Emit();
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].done(batch_status.ok() ? statuses[i] : batch_status);
  }
}

}  // namespace kexport::ledger
