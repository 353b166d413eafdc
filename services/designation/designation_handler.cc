#include "services/designation/designation_handler.h"

#include "common/unary.h"

namespace kexport::designation {
namespace {

const std::string& GetFirmDesignationMethod() {
  static const std::string* const path =
      new std::string(MethodPath(v1::Designations::service_full_name(), "GetFirmDesignation"));
  return *path;
}

}  // namespace

std::vector<std::string> DesignationHandler::RawMethods() {
  return {GetFirmDesignationMethod()};
}

grpc::ServerUnaryReactor* DesignationHandler::SubmitDesignationApplication(
    grpc::CallbackServerContext* context, const v1::SubmitDesignationApplicationRequest* request,
    v1::DesignationApplication* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [designator = designator_, request](const std::string& actor) {
        return designator->Submit(*request, actor);
      },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::SubmitReview(
    grpc::CallbackServerContext* context, const v1::SubmitReviewRequest* request,
    v1::DesignationApplication* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return designator_->SubmitReview(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::DecideDesignationApplication(
    grpc::CallbackServerContext* context, const v1::DecideDesignationApplicationRequest* request,
    v1::DesignationApplication* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [designator = designator_, request](const std::string& actor) {
        return designator->Decide(*request, actor);
      },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::WithdrawDesignationApplication(
    grpc::CallbackServerContext* context, const v1::WithdrawDesignationApplicationRequest* request,
    v1::DesignationApplication* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return designator_->Withdraw(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::RevokeDesignation(
    grpc::CallbackServerContext* context, const v1::RevokeDesignationRequest* request,
    v1::Designation* response) {
  return FinishAsActor(
      context, *actors_,
      [&](const std::string& actor) { return designator_->Revoke(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::RunAnnualReview(
    grpc::CallbackServerContext* context, const v1::RunAnnualReviewRequest* request,
    v1::AnnualReview* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [designator = designator_, request](const std::string& actor) {
        return designator->RunAnnualReview(*request, actor);
      },
      response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetDesignationApplication(
    grpc::CallbackServerContext* context, const v1::GetDesignationApplicationRequest* request,
    v1::DesignationApplication* response) {
  return FinishUnary(context, designator_->GetApplication(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::ListDesignationApplications(
    grpc::CallbackServerContext* context, const v1::ListDesignationApplicationsRequest* request,
    v1::ListDesignationApplicationsResponse* response) {
  return FinishUnary(context, designator_->ListApplications(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetDesignation(
    grpc::CallbackServerContext* context, const v1::GetDesignationRequest* request,
    v1::Designation* response) {
  return FinishUnary(context, designator_->GetDesignation(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetFirmDesignation(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  return FinishRaw<v1::GetFirmDesignationRequest>(
      GetFirmDesignationMethod(), context, request, response, [this](const v1::GetFirmDesignationRequest& parsed) {
        return designator_->GetFirmDesignationBytes(parsed);
      });
}

grpc::ServerUnaryReactor* DesignationHandler::ListDesignations(
    grpc::CallbackServerContext* context, const v1::ListDesignationsRequest* request,
    v1::ListDesignationsResponse* response) {
  return FinishUnary(context, designator_->ListDesignations(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetAnnualReview(
    grpc::CallbackServerContext* context, const v1::GetAnnualReviewRequest* request,
    v1::AnnualReview* response) {
  return FinishUnary(context, designator_->GetAnnualReview(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetDesignationStatistics(
    grpc::CallbackServerContext* context, const v1::GetDesignationStatisticsRequest* request,
    v1::DesignationStatistics* response) {
  return FinishUnary(context, designator_->GetStatistics(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetGradeIncentives(
    grpc::CallbackServerContext* context, const v1::GetGradeIncentivesRequest* request,
    v1::GradeIncentives* response) {
  return FinishUnary(context, designator_->GetGradeIncentives(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::ListGradeIncentives(
    grpc::CallbackServerContext* context, const v1::ListGradeIncentivesRequest* request,
    v1::ListGradeIncentivesResponse* response) {
  return FinishUnary(context, designator_->ListGradeIncentives(*request), response);
}

grpc::ServerUnaryReactor* DesignationHandler::GetDesignationPolicy(
    grpc::CallbackServerContext* context, const v1::GetDesignationPolicyRequest* request,
    v1::DesignationPolicy* response) {
  return FinishUnary(context, designator_->GetPolicy(*request), response);
}

}  // namespace kexport::designation
