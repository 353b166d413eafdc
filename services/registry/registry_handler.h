// The gRPC face of the registry: decodes calls, asks the Registrar, and turns
// its results into responses and gRPC errors with details. No rules here.
#pragma once

#include <string>
#include <vector>

#include "common/actor.h"
#include "common/workers.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "services/registry/registrar.h"

namespace kexport::registry {

// GetFirm is a raw method: a cache hit goes out as the cached bytes, not
// parsed into a Firm only to be serialized again (docs/performance.md).
class RegistryHandler final
    : public v1::FirmRegistry::WithRawCallbackMethod_GetFirm<v1::FirmRegistry::CallbackService> {
 public:
  RegistryHandler(Registrar* registrar, const ActorResolver* actors)
      : registrar_(registrar), actors_(actors) {}

  // The raw methods, which log for themselves (ServeOptions::logged_by_handler).
  static std::vector<std::string> RawMethods();

  grpc::ServerUnaryReactor* CreateFirm(grpc::CallbackServerContext* context,
                                       const v1::CreateFirmRequest* request,
                                       Firm* response) override;
  grpc::ServerUnaryReactor* GetFirm(grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request,
                                    grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* BatchGetFirms(
      grpc::CallbackServerContext* context,
      const v1::BatchGetFirmsRequest* request,
      v1::BatchGetFirmsResponse* response) override;
  grpc::ServerUnaryReactor* ListFirms(grpc::CallbackServerContext* context,
                                      const v1::ListFirmsRequest* request,
                                      v1::ListFirmsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateFirm(grpc::CallbackServerContext* context,
                                       const v1::UpdateFirmRequest* request,
                                       Firm* response) override;
  grpc::ServerUnaryReactor* CloseFirm(grpc::CallbackServerContext* context,
                                      const v1::CloseFirmRequest* request,
                                      Firm* response) override;
  grpc::ServerUnaryReactor* ReopenFirm(grpc::CallbackServerContext* context,
                                       const v1::ReopenFirmRequest* request,
                                       Firm* response) override;
  grpc::ServerUnaryReactor* RecordExports(
      grpc::CallbackServerContext* context,
      const v1::RecordExportsRequest* request, ExportRecord* response) override;
  grpc::ServerUnaryReactor* ListExportRecords(
      grpc::CallbackServerContext* context,
      const v1::ListExportRecordsRequest* request,
      v1::ListExportRecordsResponse* response) override;
  grpc::ServerUnaryReactor* ListFirmChanges(
      grpc::CallbackServerContext* context,
      const v1::ListFirmChangesRequest* request,
      v1::ListFirmChangesResponse* response) override;
  grpc::ServerReadReactor<v1::ImportFirmsRequest>* ImportFirms(
      grpc::CallbackServerContext* context,
      v1::ImportFirmsResponse* response) override;

 private:
  Registrar* registrar_;
  const ActorResolver* actors_;
  // Commit import batches while their streams read on.
  Workers import_committers_{2};
};

}  // namespace kexport::registry
