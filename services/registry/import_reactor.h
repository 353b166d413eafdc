// The server side of ImportFirms: streams rows into the registrar in
// batches, bounded in rows and bytes so a stream of huge rows cannot exhaust
// memory; the response reports every row. A batch is checked as it is read
// and commits on a worker while the next one is read and checked, so reading
// and the store overlap: at most two batches are in memory, and they commit
// in the order they were read.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/workers.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "services/registry/registrar.h"

namespace kexport::registry {

class ImportReactor final : public grpc::ServerReadReactor<v1::ImportFirmsRequest> {
 public:
  // A store transaction takes at most this many rows or bytes of rows,
  // whichever comes first.
  static constexpr size_t kBatchRows = 500;
  static constexpr size_t kBatchBytes = 4 * 1024 * 1024;

  ImportReactor(Registrar* registrar, Workers* committers, std::string actor,
                v1::ImportFirmsResponse* report);

  void OnReadDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override { delete this; }

 private:
  using Batch = std::vector<CheckedImportRow>;

  // Finishes the call with the failed commit's status, if there is one,
  // releasing `lock` (held on mutex_) to do so.
  bool FinishIfFailed(std::unique_lock<std::mutex>& lock);
  // Commits the waiting batch on a worker; reads on meanwhile unless it is
  // the last. Called with no commit in flight.
  void CommitWaiting(std::unique_lock<std::mutex> lock);
  void Committed(const absl::Status& status, bool last);

  Registrar* registrar_;
  Workers* committers_;
  std::string actor_;
  v1::ImportFirmsResponse* report_;  // written by one commit at a time

  // Touched only by the reading side.
  v1::ImportFirmsRequest row_;  // the read in flight
  std::vector<v1::ImportFirmsRequest> filling_;
  size_t filling_bytes_ = 0;
  int64_t rows_read_ = 0;  // before filling_

  std::mutex mutex_;
  bool committing_ = false;
  // A read is in flight or its batch is being checked: the reading side
  // finishes the call if a commit fails meanwhile.
  bool reading_ = false;
  bool waiting_ = false;  // `waiting_batch_` holds a batch to commit next
  bool waiting_last_ = false;
  Batch waiting_batch_;
  absl::Status failed_;  // the first failed commit's; no batch commits after it
  bool cancelled_ = false;
};

// Rejects a stream before reading it (e.g. a malformed actor).
class RejectedImport final : public grpc::ServerReadReactor<v1::ImportFirmsRequest> {
 public:
  explicit RejectedImport(const absl::Status& status);
  void OnDone() override { delete this; }
};

}  // namespace kexport::registry
