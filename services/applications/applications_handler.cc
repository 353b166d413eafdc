#include "services/applications/applications_handler.h"

#include "common/unary.h"

namespace kexport::applications {

grpc::ServerUnaryReactor* ApplicationsHandler::CreateProgram(
    grpc::CallbackServerContext* context, const v1::CreateProgramRequest* request,
    v1::Program* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) {
        return programs_->CreateProgram(*request, actor);
      },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetProgram(grpc::CallbackServerContext* context,
                                                          const v1::GetProgramRequest* request,
                                                          v1::Program* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->GetProgram(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListPrograms(grpc::CallbackServerContext* context,
                                                            const v1::ListProgramsRequest* request,
                                                            v1::ListProgramsResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->ListPrograms(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateProgram(
    grpc::CallbackServerContext* context, const v1::UpdateProgramRequest* request,
    v1::Program* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->UpdateProgram(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CreateRound(grpc::CallbackServerContext* context,
                                                           const v1::CreateRoundRequest* request,
                                                           v1::Round* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return programs_->CreateRound(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetRound(grpc::CallbackServerContext* context,
                                                        const v1::GetRoundRequest* request,
                                                        v1::Round* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->GetRound(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListRounds(grpc::CallbackServerContext* context,
                                                          const v1::ListRoundsRequest* request,
                                                          v1::ListRoundsResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->ListRounds(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateRound(grpc::CallbackServerContext* context,
                                                           const v1::UpdateRoundRequest* request,
                                                           v1::Round* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return programs_->UpdateRound(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::FinalizeRound(
    grpc::CallbackServerContext* context, const v1::FinalizeRoundRequest* request,
    v1::Round* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return awards_->FinalizeRound(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CreateApplication(
    grpc::CallbackServerContext* context, const v1::CreateApplicationRequest* request,
    v1::Application* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return desk_->Create(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateApplication(
    grpc::CallbackServerContext* context, const v1::UpdateApplicationRequest* request,
    v1::Application* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return desk_->Update(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::SubmitApplication(
    grpc::CallbackServerContext* context, const v1::SubmitApplicationRequest* request,
    v1::Application* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return desk_->Submit(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::WithdrawApplication(
    grpc::CallbackServerContext* context, const v1::WithdrawApplicationRequest* request,
    v1::Application* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return desk_->Withdraw(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CancelApplication(
    grpc::CallbackServerContext* context, const v1::CancelApplicationRequest* request,
    v1::Application* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return desk_->Cancel(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetApplication(
    grpc::CallbackServerContext* context, const v1::GetApplicationRequest* request,
    v1::Application* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return desk_->Get(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListApplications(
    grpc::CallbackServerContext* context, const v1::ListApplicationsRequest* request,
    v1::ListApplicationsResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return desk_->List(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ReviewApplication(
    grpc::CallbackServerContext* context, const v1::ReviewApplicationRequest* request,
    v1::Application* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return desk_->Review(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::PreviewSelectionCommitment(
    grpc::CallbackServerContext* context, const v1::PreviewSelectionCommitmentRequest* request,
    v1::SelectionCommitment* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return selections_->Preview(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::RunSelection(grpc::CallbackServerContext* context,
                                                            const v1::RunSelectionRequest* request,
                                                            v1::Selection* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return selections_->Run(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetSelection(grpc::CallbackServerContext* context,
                                                            const v1::GetSelectionRequest* request,
                                                            v1::Selection* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return selections_->Get(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::VerifySelection(
    grpc::CallbackServerContext* context, const v1::VerifySelectionRequest* request,
    v1::VerifySelectionResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return selections_->Verify(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListAwards(grpc::CallbackServerContext* context,
                                                          const v1::ListAwardsRequest* request,
                                                          v1::ListAwardsResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return awards_->List(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetAward(grpc::CallbackServerContext* context,
                                                        const v1::GetAwardRequest* request,
                                                        v1::Award* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return awards_->Get(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::RecordDisbursement(
    grpc::CallbackServerContext* context, const v1::RecordDisbursementRequest* request,
    v1::Award* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) {
        return awards_->RecordDisbursement(*request, actor);
      },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CompleteAward(
    grpc::CallbackServerContext* context, const v1::CompleteAwardRequest* request,
    v1::Award* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return awards_->Complete(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ReleaseAward(grpc::CallbackServerContext* context,
                                                            const v1::ReleaseAwardRequest* request,
                                                            v1::Award* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return awards_->Release(*request, actor); },
      response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ExportOpenData(
    grpc::CallbackServerContext* context, const v1::ExportOpenDataRequest* request,
    v1::ExportOpenDataResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return awards_->ExportOpenData(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::BanFirm(grpc::CallbackServerContext* context,
                                                       const v1::BanFirmRequest* request,
                                                       v1::FirmBan* response) {
  return FinishAsActorOnWorker(
      *workers_, context, *actors_,
      [this, request](const std::string& actor) { return bans_->Ban(*request, actor); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetFirmBan(grpc::CallbackServerContext* context,
                                                          const v1::GetFirmBanRequest* request,
                                                          v1::FirmBan* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return bans_->Get(*request); }, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListFirmBans(grpc::CallbackServerContext* context,
                                                            const v1::ListFirmBansRequest* request,
                                                            v1::ListFirmBansResponse* response) {
  return FinishOnWorker(
      *workers_, context, [this, request] { return bans_->List(*request); }, response);
}

}  // namespace kexport::applications
