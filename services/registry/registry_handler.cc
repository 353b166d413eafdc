#include "services/registry/registry_handler.h"

#include <atomic>
#include <vector>

#include "common/grpc_status.h"
#include "common/unary.h"

namespace kexport::registry {
namespace {

// Streams rows into the registrar in batches, bounded in rows and bytes so a
// stream of huge rows cannot exhaust memory; the response reports every row.
class ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportFirmsRequest> {
 public:
  ImportReactor(Registrar* registrar, std::string actor,
                v1::ImportFirmsResponse* report)
      : registrar_(registrar), actor_(std::move(actor)), report_(report) {
    StartRead(&row_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      batch_bytes_ += row_.ByteSizeLong();
      batch_.push_back(std::move(row_));
      row_.Clear();
      bool full = batch_.size() >= RegistryHandler::kImportBatchRows ||
                  batch_bytes_ >= RegistryHandler::kImportBatchBytes;
      if (!full || Flush()) {
        StartRead(&row_);
      }
      return;
    }
    // The client gave up: do not commit more for a caller that is gone.
    if (cancelled_) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    if (Flush()) {
      Finish(grpc::Status::OK);
    }
  }

  void OnCancel() override { cancelled_ = true; }
  void OnDone() override { delete this; }

 private:
  // False (and the call finished) when the store failed.
  bool Flush() {
    absl::Status status =
        registrar_->ImportFirms(batch_, next_row_, actor_, *report_);
    next_row_ += static_cast<int64_t>(batch_.size());
    batch_.clear();
    batch_bytes_ = 0;
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return false;
    }
    return true;
  }

  Registrar* registrar_;
  std::string actor_;
  v1::ImportFirmsResponse* report_;
  v1::ImportFirmsRequest row_;
  std::vector<v1::ImportFirmsRequest> batch_;
  size_t batch_bytes_ = 0;
  int64_t next_row_ = 0;
  std::atomic<bool> cancelled_{false};
};

// Rejects a stream before reading it (e.g. a malformed actor).
class RejectedImport final
    : public grpc::ServerReadReactor<v1::ImportFirmsRequest> {
 public:
  explicit RejectedImport(const absl::Status& status) {
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerUnaryReactor* RegistryHandler::CreateFirm(
    grpc::CallbackServerContext* context, const v1::CreateFirmRequest* request,
    Firm* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->CreateFirm(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::GetFirm(
    grpc::CallbackServerContext* context, const v1::GetFirmRequest* request,
    Firm* response) {
  return FinishUnary(context, registrar_->GetFirm(*request), response);
}

grpc::ServerUnaryReactor* RegistryHandler::BatchGetFirms(
    grpc::CallbackServerContext* context,
    const v1::BatchGetFirmsRequest* request,
    v1::BatchGetFirmsResponse* response) {
  return FinishUnary(context, registrar_->BatchGetFirms(*request), response);
}

grpc::ServerUnaryReactor* RegistryHandler::ListFirms(
    grpc::CallbackServerContext* context, const v1::ListFirmsRequest* request,
    v1::ListFirmsResponse* response) {
  return FinishUnary(context, registrar_->ListFirms(*request), response);
}

grpc::ServerUnaryReactor* RegistryHandler::UpdateFirm(
    grpc::CallbackServerContext* context, const v1::UpdateFirmRequest* request,
    Firm* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->UpdateFirm(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::CloseFirm(
    grpc::CallbackServerContext* context, const v1::CloseFirmRequest* request,
    Firm* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->CloseFirm(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::ReopenFirm(
    grpc::CallbackServerContext* context, const v1::ReopenFirmRequest* request,
    Firm* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->ReopenFirm(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::RecordExports(
    grpc::CallbackServerContext* context,
    const v1::RecordExportsRequest* request, ExportRecord* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->RecordExports(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::ListExportRecords(
    grpc::CallbackServerContext* context,
    const v1::ListExportRecordsRequest* request,
    v1::ListExportRecordsResponse* response) {
  return FinishUnary(context, registrar_->ListExportRecords(*request), response);
}

grpc::ServerUnaryReactor* RegistryHandler::ListFirmChanges(
    grpc::CallbackServerContext* context,
    const v1::ListFirmChangesRequest* request,
    v1::ListFirmChangesResponse* response) {
  return FinishUnary(context, registrar_->ListFirmChanges(*request), response);
}

grpc::ServerReadReactor<v1::ImportFirmsRequest>* RegistryHandler::ImportFirms(
    grpc::CallbackServerContext* context, v1::ImportFirmsResponse* response) {
  absl::StatusOr<std::string> actor = actors_->Resolve(*context);
  if (!actor.ok()) {
    return new RejectedImport(actor.status());
  }
  return new ImportReactor(registrar_, *std::move(actor), response);
}

}  // namespace kexport::registry
