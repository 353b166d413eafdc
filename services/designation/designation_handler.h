// The gRPC face of G-PASS designation: resolves the caller, asks the
// Designator, and turns its results into responses and gRPC errors with
// details. No rules here. The calls that ask the registry (submission,
// decision, annual review) run on `workers`: a blocking call on one of
// gRPC's few callback threads would hold up every call queued behind it.
#pragma once

#include <string>
#include <vector>

#include "common/actor.h"
#include "common/workers.h"
#include "kexport/designation/v1/designation.grpc.pb.h"
#include "services/designation/designator.h"

namespace kexport::designation {

// GetFirmDesignation is a raw method: today's cached answer goes out as the
// cached bytes (docs/performance.md).
class DesignationHandler final
    : public v1::Designations::WithRawCallbackMethod_GetFirmDesignation<
          v1::Designations::CallbackService> {
 public:
  DesignationHandler(Designator* designator, const ActorResolver* actors, Workers* workers)
      : designator_(designator), actors_(actors), workers_(workers) {}

  // The raw methods, which log for themselves (ServeOptions::logged_by_handler).
  static std::vector<std::string> RawMethods();

  grpc::ServerUnaryReactor* SubmitDesignationApplication(
      grpc::CallbackServerContext* context,
      const v1::SubmitDesignationApplicationRequest* request,
      v1::DesignationApplication* response) override;
  grpc::ServerUnaryReactor* GetDesignationApplication(
      grpc::CallbackServerContext* context,
      const v1::GetDesignationApplicationRequest* request,
      v1::DesignationApplication* response) override;
  grpc::ServerUnaryReactor* ListDesignationApplications(
      grpc::CallbackServerContext* context,
      const v1::ListDesignationApplicationsRequest* request,
      v1::ListDesignationApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* SubmitReview(grpc::CallbackServerContext* context,
                                         const v1::SubmitReviewRequest* request,
                                         v1::DesignationApplication* response) override;
  grpc::ServerUnaryReactor* DecideDesignationApplication(
      grpc::CallbackServerContext* context,
      const v1::DecideDesignationApplicationRequest* request,
      v1::DesignationApplication* response) override;
  grpc::ServerUnaryReactor* WithdrawDesignationApplication(
      grpc::CallbackServerContext* context,
      const v1::WithdrawDesignationApplicationRequest* request,
      v1::DesignationApplication* response) override;
  grpc::ServerUnaryReactor* GetDesignation(grpc::CallbackServerContext* context,
                                           const v1::GetDesignationRequest* request,
                                           v1::Designation* response) override;
  grpc::ServerUnaryReactor* GetFirmDesignation(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* ListDesignations(
      grpc::CallbackServerContext* context, const v1::ListDesignationsRequest* request,
      v1::ListDesignationsResponse* response) override;
  grpc::ServerUnaryReactor* RevokeDesignation(grpc::CallbackServerContext* context,
                                              const v1::RevokeDesignationRequest* request,
                                              v1::Designation* response) override;
  grpc::ServerUnaryReactor* RunAnnualReview(grpc::CallbackServerContext* context,
                                            const v1::RunAnnualReviewRequest* request,
                                            v1::AnnualReview* response) override;
  grpc::ServerUnaryReactor* GetAnnualReview(grpc::CallbackServerContext* context,
                                            const v1::GetAnnualReviewRequest* request,
                                            v1::AnnualReview* response) override;
  grpc::ServerUnaryReactor* GetDesignationStatistics(
      grpc::CallbackServerContext* context,
      const v1::GetDesignationStatisticsRequest* request,
      v1::DesignationStatistics* response) override;
  grpc::ServerUnaryReactor* GetGradeIncentives(
      grpc::CallbackServerContext* context, const v1::GetGradeIncentivesRequest* request,
      v1::GradeIncentives* response) override;
  grpc::ServerUnaryReactor* ListGradeIncentives(
      grpc::CallbackServerContext* context, const v1::ListGradeIncentivesRequest* request,
      v1::ListGradeIncentivesResponse* response) override;
  grpc::ServerUnaryReactor* GetDesignationPolicy(
      grpc::CallbackServerContext* context, const v1::GetDesignationPolicyRequest* request,
      v1::DesignationPolicy* response) override;

 private:
  Designator* designator_;
  const ActorResolver* actors_;
  Workers* workers_;
};

}  // namespace kexport::designation
