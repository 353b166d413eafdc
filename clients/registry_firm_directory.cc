#include "clients/registry_firm_directory.h"

#include <atomic>

#include "clients/await.h"
#include "clients/grpc_errors.h"
#include "common/brn.h"
#include "common/client.h"

namespace kexport::clients {

// The firm and its export records, asked for at once; the last answer to
// arrive completes the look-up.
struct RegistryFirmDirectory::PendingLookup {
  std::unique_ptr<grpc::ClientContext> firm_context;
  std::unique_ptr<grpc::ClientContext> exports_context;
  registry::v1::GetFirmRequest get;
  registry::v1::ListExportRecordsRequest list;
  FirmFacts facts;
  registry::v1::ListExportRecordsResponse records;
  grpc::Status firm_status;
  grpc::Status exports_status;
  std::atomic<int> unanswered{2};
  LookupDone done;

  void Answered() {
    if (--unanswered > 0) return;
    // Freed first: the caller may be gone (and gRPC shut down) once answered.
    LookupDone answer = std::move(done);
    auto result = Result();
    delete this;
    answer(std::move(result));
  }

  absl::StatusOr<std::optional<FirmFacts>> Result() {
    // An unknown firm has no export records either: its NOT_FOUND decides.
    if (firm_status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    if (!firm_status.ok()) return FromGrpc("registry", firm_status);
    if (!exports_status.ok()) return FromGrpc("registry", exports_status);
    facts.exports.assign(std::make_move_iterator(records.mutable_export_records()->begin()),
                         std::make_move_iterator(records.mutable_export_records()->end()));
    return std::move(facts);
  }
};

RegistryFirmDirectory::RegistryFirmDirectory(const std::string& address,
                                             absl::Duration timeout, std::string actor)
    : stub_(registry::v1::FirmRegistry::NewStub(MakeChannel(
          address, {"kexport.registry.v1.FirmRegistry/GetFirm",
                    "kexport.registry.v1.FirmRegistry/ListExportRecords"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

absl::StatusOr<std::optional<FirmFacts>> RegistryFirmDirectory::Lookup(const std::string& brn) {
  return Await<absl::StatusOr<std::optional<FirmFacts>>>(
      [&](LookupDone done) { LookupAsync(brn, std::move(done)); });
}

void RegistryFirmDirectory::LookupAsync(const std::string& brn, LookupDone done) {
  auto* pending = new PendingLookup;
  pending->done = std::move(done);
  pending->get.set_name(FirmName(brn));
  pending->list.set_parent(pending->get.name());
  pending->list.set_page_size(100);
  pending->firm_context = MakeCallContext(nullptr, timeout_, actor_);
  pending->exports_context = MakeCallContext(nullptr, timeout_, actor_);
  stub_->async()->GetFirm(pending->firm_context.get(), &pending->get, &pending->facts.firm,
                          [pending](grpc::Status status) {
                            pending->firm_status = std::move(status);
                            pending->Answered();
                          });
  stub_->async()->ListExportRecords(pending->exports_context.get(), &pending->list,
                                    &pending->records, [pending](grpc::Status status) {
                                      pending->exports_status = std::move(status);
                                      pending->Answered();
                                    });
}

}  // namespace kexport::clients
