#include "clients/registry_firm_directory.h"

#include "clients/grpc_errors.h"
#include "common/brn.h"
#include "common/client.h"

namespace kexport::clients {

RegistryFirmDirectory::RegistryFirmDirectory(const std::string& address,
                                             absl::Duration timeout, std::string actor)
    : stub_(registry::v1::FirmRegistry::NewStub(MakeChannel(
          address, {"kexport.registry.v1.FirmRegistry/GetFirm",
                    "kexport.registry.v1.FirmRegistry/ListExportRecords"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

absl::StatusOr<std::optional<FirmFacts>> RegistryFirmDirectory::Lookup(
    const std::string& brn) {
  FirmFacts facts;
  registry::v1::GetFirmRequest get;
  get.set_name(FirmName(brn));
  auto context = MakeCallContext(nullptr, timeout_, actor_);
  grpc::Status status = stub_->GetFirm(context.get(), get, &facts.firm);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return std::nullopt;
  }
  if (!status.ok()) {
    return FromGrpc("registry", status);
  }
  registry::v1::ListExportRecordsRequest exports;
  exports.set_parent(get.name());
  exports.set_page_size(100);
  registry::v1::ListExportRecordsResponse records;
  context = MakeCallContext(nullptr, timeout_, actor_);
  status = stub_->ListExportRecords(context.get(), exports, &records);
  if (!status.ok()) {
    return FromGrpc("registry", status);
  }
  facts.exports.assign(records.export_records().begin(), records.export_records().end());
  return facts;
}

}  // namespace kexport::clients
