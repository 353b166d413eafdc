#include "services/registry/registry_handler.h"

#include "common/grpc_status.h"
#include "common/unary.h"
#include "services/registry/import_reactor.h"

namespace kexport::registry {
namespace {

const std::string& GetFirmMethod() {
  static const std::string* const path =
      new std::string(MethodPath(v1::FirmRegistry::service_full_name(), "GetFirm"));
  return *path;
}

}  // namespace

std::vector<std::string> RegistryHandler::RawMethods() { return {GetFirmMethod()}; }

grpc::ServerUnaryReactor* RegistryHandler::CreateFirm(
    grpc::CallbackServerContext* context, const v1::CreateFirmRequest* request,
    Firm* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return registrar_->CreateFirm(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* RegistryHandler::GetFirm(grpc::CallbackServerContext* context,
                                                   const grpc::ByteBuffer* request,
                                                   grpc::ByteBuffer* response) {
  return FinishRaw<v1::GetFirmRequest>(
      GetFirmMethod(), context, request, response,
      [this](const v1::GetFirmRequest& parsed) { return registrar_->GetFirmBytes(parsed); });
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
  return new ImportReactor(registrar_, &import_committers_, *std::move(actor), response);
}

}  // namespace kexport::registry
