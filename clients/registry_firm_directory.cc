#include "clients/registry_firm_directory.h"

#include <atomic>

#include "clients/grpc_errors.h"
#include "common/brn.h"
#include "common/client.h"

namespace kexport::clients {

// The two reads of a look-up and their answers.
struct RegistryFirmDirectory::LookupCalls {
  explicit LookupCalls(const std::string& brn) {
    get.set_name(FirmName(brn));
    list.set_parent(get.name());
    list.set_page_size(100);
  }

  absl::StatusOr<std::optional<FirmFacts>> Result(const grpc::Status& firm_status,
                                                  const grpc::Status& exports_status) {
    // An unknown firm has no export records either: its NOT_FOUND decides.
    if (firm_status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    if (!firm_status.ok()) return FromGrpc("registry", firm_status);
    if (!exports_status.ok()) return FromGrpc("registry", exports_status);
    facts.exports.assign(std::make_move_iterator(records.mutable_export_records()->begin()),
                         std::make_move_iterator(records.mutable_export_records()->end()));
    return std::move(facts);
  }

  registry::v1::GetFirmRequest get;
  registry::v1::ListExportRecordsRequest list;
  FirmFacts facts;
  registry::v1::ListExportRecordsResponse records;
};

// Both reads asked at once; the last answer to arrive completes the look-up.
struct RegistryFirmDirectory::PendingLookup {
  explicit PendingLookup(const std::string& brn) : calls(brn) {}

  void Answered() {
    if (--unanswered > 0) return;
    // Freed first: the caller may be gone (and gRPC shut down) once answered.
    LookupDone answer = std::move(done);
    auto result = calls.Result(firm_status, exports_status);
    delete this;
    answer(std::move(result));
  }

  LookupCalls calls;
  std::unique_ptr<grpc::ClientContext> firm_context;
  std::unique_ptr<grpc::ClientContext> exports_context;
  grpc::Status firm_status;
  grpc::Status exports_status;
  std::atomic<int> unanswered{2};
  LookupDone done;
};

RegistryFirmDirectory::RegistryFirmDirectory(const std::string& address,
                                             absl::Duration timeout, std::string actor)
    : stub_(registry::v1::FirmRegistry::NewStub(MakeChannel(
          address, {"kexport.registry.v1.FirmRegistry/GetFirm",
                    "kexport.registry.v1.FirmRegistry/ListExportRecords"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

// Blocking calls, each on a queue of its own: safe on a gRPC callback thread
// (the designation service's handlers call it there), where waiting for a
// callback-API answer could wait for the very thread it holds.
absl::StatusOr<std::optional<FirmFacts>> RegistryFirmDirectory::Lookup(const std::string& brn) {
  LookupCalls calls(brn);
  auto context = MakeCallContext(nullptr, timeout_, actor_);
  const grpc::Status firm_status = stub_->GetFirm(context.get(), calls.get, &calls.facts.firm);
  grpc::Status exports_status;
  if (firm_status.ok()) {
    context = MakeCallContext(nullptr, timeout_, actor_);
    exports_status = stub_->ListExportRecords(context.get(), calls.list, &calls.records);
  }
  return calls.Result(firm_status, exports_status);
}

void RegistryFirmDirectory::LookupAsync(const std::string& brn, LookupDone done) {
  auto* pending = new PendingLookup(brn);
  pending->done = std::move(done);
  pending->firm_context = MakeCallContext(nullptr, timeout_, actor_);
  pending->exports_context = MakeCallContext(nullptr, timeout_, actor_);
  stub_->async()->GetFirm(pending->firm_context.get(), &pending->calls.get,
                          &pending->calls.facts.firm, [pending](grpc::Status status) {
                            pending->firm_status = std::move(status);
                            pending->Answered();
                          });
  stub_->async()->ListExportRecords(pending->exports_context.get(), &pending->calls.list,
                                    &pending->calls.records, [pending](grpc::Status status) {
                                      pending->exports_status = std::move(status);
                                      pending->Answered();
                                    });
}

}  // namespace kexport::clients
