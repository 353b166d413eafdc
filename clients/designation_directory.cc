#include "clients/designation_directory.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/grpc_errors.h"
#include "common/client.h"

namespace kexport::clients {
namespace {

absl::StatusOr<std::optional<designation::v1::Designation>> InForceResult(
    const grpc::Status& status, designation::v1::GetFirmDesignationResponse& response) {
  if (!status.ok()) return FromGrpc("designation", status);
  if (!response.designated()) return std::nullopt;
  return std::move(*response.mutable_designation());
}

}  // namespace

struct GrpcDesignationDirectory::PendingInForce {
  std::unique_ptr<grpc::ClientContext> context;
  designation::v1::GetFirmDesignationRequest request;
  designation::v1::GetFirmDesignationResponse response;
  InForceDone done;
};

GrpcDesignationDirectory::GrpcDesignationDirectory(const std::string& address,
                                                   absl::Duration timeout,
                                                   std::string actor)
    : stub_(designation::v1::Designations::NewStub(MakeChannel(
          address, {"kexport.designation.v1.Designations/GetFirmDesignation",
                    "kexport.designation.v1.Designations/GetGradeIncentives"}))),
      timeout_(timeout),
      actor_(std::move(actor)) {}

absl::StatusOr<std::optional<designation::v1::Designation>> GrpcDesignationDirectory::InForce(
    const std::string& firm) {
  designation::v1::GetFirmDesignationRequest request;
  request.set_firm(firm);
  designation::v1::GetFirmDesignationResponse response;
  auto context = MakeCallContext(nullptr, timeout_, actor_);
  return InForceResult(stub_->GetFirmDesignation(context.get(), request, &response), response);
}

void GrpcDesignationDirectory::InForceAsync(const std::string& firm, InForceDone done) {
  auto* pending = new PendingInForce;
  pending->done = std::move(done);
  pending->request.set_firm(firm);
  pending->context = MakeCallContext(nullptr, timeout_, actor_);
  stub_->async()->GetFirmDesignation(pending->context.get(), &pending->request,
                                     &pending->response, [pending](grpc::Status status) {
                                       // Freed first: the caller may be gone
                                       // (and gRPC shut down) once answered.
                                       InForceDone answer = std::move(pending->done);
                                       auto result = InForceResult(status, pending->response);
                                       delete pending;
                                       answer(std::move(result));
                                     });
}

absl::StatusOr<designation::v1::GradeIncentives> GrpcDesignationDirectory::Incentives(
    designation::v1::Grade grade) {
  designation::v1::GetGradeIncentivesRequest request;
  // `gradeIncentives/a` for GRADE_A.
  request.set_name(absl::StrCat(
      "gradeIncentives/", absl::AsciiStrToLower(absl::StripPrefix(
                              designation::v1::Grade_Name(grade), "GRADE_"))));
  designation::v1::GradeIncentives response;
  auto context = MakeCallContext(nullptr, timeout_, actor_);
  grpc::Status status = stub_->GetGradeIncentives(context.get(), request, &response);
  if (!status.ok()) {
    return FromGrpc("designation", status);
  }
  return response;
}

}  // namespace kexport::clients
