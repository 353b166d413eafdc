// FirmDirectory over the registry's gRPC API: each look-up has a deadline,
// and only the idempotent reads it makes are retried.
//
//   RegistryFirmDirectory directory("localhost:50051", absl::Seconds(2), "designation");
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "clients/firm_directory.h"

namespace kexport::clients {

class RegistryFirmDirectory final : public FirmDirectory {
 public:
  // `actor` names the calling service in the registry's records.
  RegistryFirmDirectory(const std::string& address, absl::Duration timeout, std::string actor);

  absl::StatusOr<std::optional<FirmFacts>> Lookup(const std::string& brn) override;
  void LookupAsync(const std::string& brn, LookupDone done) override;

 private:
  struct LookupCalls;
  struct PendingLookup;

  std::unique_ptr<registry::v1::FirmRegistry::Stub> stub_;
  absl::Duration timeout_;
  std::string actor_;
};

}  // namespace kexport::clients
