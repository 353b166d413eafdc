#include "services/registry/import_reactor.h"

#include <utility>

#include "common/grpc_status.h"

namespace kexport::registry {

ImportReactor::ImportReactor(Registrar* registrar, Workers* committers, std::string actor,
                             v1::ImportFirmsResponse* report)
    : registrar_(registrar), committers_(committers), actor_(std::move(actor)), report_(report) {
  read_pending_ = true;
  StartRead(&row_);
}

void ImportReactor::OnReadDone(bool ok) {
  std::unique_lock<std::mutex> lock(mutex_);
  read_pending_ = false;
  if (!failed_.ok()) {
    grpc::Status failed = ToGrpcStatus(failed_);
    lock.unlock();
    Finish(failed);
    return;
  }
  if (ok) {
    filling_bytes_ += row_.ByteSizeLong();
    filling_.push_back(std::move(row_));
    row_.Clear();
    if (filling_.size() < kBatchRows && filling_bytes_ < kBatchBytes) {
      read_pending_ = true;
      lock.unlock();
      StartRead(&row_);
      return;
    }
  }
  waiting_batch_ = std::move(filling_);
  filling_.clear();
  filling_bytes_ = 0;
  waiting_ = true;
  waiting_last_ = !ok;
  if (!committing_) CommitWaiting(std::move(lock));
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
  read_pending_ = !last;
  lock.unlock();
  committers_->Run([this, batch = std::move(batch), last] {
    absl::Status status = registrar_->ImportFirms(batch, next_row_, actor_, *report_);
    next_row_ += static_cast<int64_t>(batch.size());
    Committed(status, last);
  });
  // The call cannot finish before this read completes (read_pending_).
  if (!last) StartRead(&row_);
}

void ImportReactor::Committed(const absl::Status& status, bool last) {
  std::unique_lock<std::mutex> lock(mutex_);
  committing_ = false;
  if (!status.ok()) {
    failed_ = status;
    waiting_ = false;
    waiting_batch_.clear();
    if (read_pending_) return;  // OnReadDone finishes the call
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
