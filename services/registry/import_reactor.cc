#include "services/registry/import_reactor.h"

#include <utility>

#include "common/grpc_status.h"

namespace kexport::registry {

ImportReactor::ImportReactor(Registrar* registrar, Workers* committers, std::string actor,
                             v1::ImportFirmsResponse* report)
    : registrar_(registrar), committers_(committers), actor_(std::move(actor)), report_(report) {
  reading_ = true;
  StartRead(&row_);
}

void ImportReactor::OnReadDone(bool ok) {
  if (ok) {
    filling_bytes_ += row_.ByteSizeLong();
    filling_.push_back(std::move(row_));
    row_.Clear();
    if (filling_.size() < kBatchRows && filling_bytes_ < kBatchBytes) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (FinishIfFailed(lock)) return;
      lock.unlock();
      StartRead(&row_);
      return;
    }
  }
  // Checked here, while the previous batch may still be committing.
  Batch checked = registrar_->CheckImportRows(filling_, rows_read_, actor_);
  rows_read_ += static_cast<int64_t>(filling_.size());
  filling_.clear();
  filling_bytes_ = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  if (FinishIfFailed(lock)) return;
  reading_ = false;
  waiting_batch_ = std::move(checked);
  waiting_ = true;
  waiting_last_ = !ok;
  if (!committing_) CommitWaiting(std::move(lock));
}

bool ImportReactor::FinishIfFailed(std::unique_lock<std::mutex>& lock) {
  if (failed_.ok()) return false;
  grpc::Status failed = ToGrpcStatus(failed_);
  reading_ = false;
  lock.unlock();
  Finish(failed);
  return true;
}

void ImportReactor::OnCancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
}

void ImportReactor::CommitWaiting(std::unique_lock<std::mutex> lock) {
  // The client gave up: do not commit its last rows for a caller that is gone.
  if (cancelled_ && waiting_last_) {
    lock.unlock();
    Finish(grpc::Status::CANCELLED);
    return;
  }
  const bool last = waiting_last_;
  Batch batch = std::move(waiting_batch_);
  waiting_batch_.clear();
  waiting_ = false;
  committing_ = true;
  reading_ = !last;
  lock.unlock();
  committers_->Run([this, batch = std::move(batch), last]() mutable {
    Committed(registrar_->ImportFirms(batch, *report_), last);
  });
  // The call cannot finish before this read is done with (reading_).
  if (!last) StartRead(&row_);
}

void ImportReactor::Committed(const absl::Status& status, bool last) {
  std::unique_lock<std::mutex> lock(mutex_);
  committing_ = false;
  if (!status.ok()) {
    failed_ = status;
    waiting_ = false;
    waiting_batch_.clear();
    if (reading_) return;  // the reading side finishes the call
    lock.unlock();
    Finish(ToGrpcStatus(status));
    return;
  }
  if (last) {
    lock.unlock();
    Finish(grpc::Status::OK);
    return;
  }
  if (waiting_) CommitWaiting(std::move(lock));
}

RejectedImport::RejectedImport(const absl::Status& status) { Finish(ToGrpcStatus(status)); }

}  // namespace kexport::registry
