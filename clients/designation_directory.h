// The G-PASS designation a firm holds today and what its grade is worth,
// from the designation service, behind an interface for the services that
// check eligibility.
//
//   ASSIGN_OR_RETURN(std::optional<Designation> d, designations.InForce(firm));
//   ASSIGN_OR_RETURN(GradeIncentives incentives, designations.Incentives(d->grade()));
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kexport/designation/v1/designation.grpc.pb.h"

namespace kexport::clients {

class DesignationDirectory {
 public:
  using InForceDone =
      std::function<void(absl::StatusOr<std::optional<designation::v1::Designation>>)>;

  virtual ~DesignationDirectory() = default;
  // The designation in force today, nullopt when none; UNAVAILABLE or
  // DEADLINE_EXCEEDED when the service cannot answer in time.
  virtual absl::StatusOr<std::optional<designation::v1::Designation>> InForce(
      const std::string& firm) = 0;
  // As InForce, answering `done` (on one of gRPC's callback threads, or
  // before returning); see FirmDirectory::LookupAsync before waiting for it.
  virtual void InForceAsync(const std::string& firm, InForceDone done) {
    done(InForce(firm));
  }
  // The incentives the service's configuration grants `grade`.
  virtual absl::StatusOr<designation::v1::GradeIncentives> Incentives(
      designation::v1::Grade grade) = 0;
};

class GrpcDesignationDirectory final : public DesignationDirectory {
 public:
  // `actor` names the calling service in the designation service's records.
  GrpcDesignationDirectory(const std::string& address, absl::Duration timeout, std::string actor);
  absl::StatusOr<std::optional<designation::v1::Designation>> InForce(
      const std::string& firm) override;
  void InForceAsync(const std::string& firm, InForceDone done) override;
  absl::StatusOr<designation::v1::GradeIncentives> Incentives(
      designation::v1::Grade grade) override;

 private:
  struct PendingInForce;

  std::unique_ptr<designation::v1::Designations::Stub> stub_;
  absl::Duration timeout_;
  std::string actor_;
};

}  // namespace kexport::clients
