#include "services/applications/applications_handler.h"

namespace kexport::applications {

grpc::ServerUnaryReactor* ApplicationsHandler::CreateProgram(
    grpc::CallbackServerContext* context, const v1::CreateProgramRequest* request,
    v1::Program* response) {
  return OnWorker(context, programs_, &ProgramOffice::CreateProgram, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetProgram(grpc::CallbackServerContext* context,
                                                          const v1::GetProgramRequest* request,
                                                          v1::Program* response) {
  return OnWorker(context, programs_, &ProgramOffice::GetProgram, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListPrograms(grpc::CallbackServerContext* context,
                                                            const v1::ListProgramsRequest* request,
                                                            v1::ListProgramsResponse* response) {
  return OnWorker(context, programs_, &ProgramOffice::ListPrograms, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateProgram(
    grpc::CallbackServerContext* context, const v1::UpdateProgramRequest* request,
    v1::Program* response) {
  return OnWorker(context, programs_, &ProgramOffice::UpdateProgram, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CreateRound(grpc::CallbackServerContext* context,
                                                           const v1::CreateRoundRequest* request,
                                                           v1::Round* response) {
  return OnWorker(context, programs_, &ProgramOffice::CreateRound, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetRound(grpc::CallbackServerContext* context,
                                                        const v1::GetRoundRequest* request,
                                                        v1::Round* response) {
  return OnWorker(context, programs_, &ProgramOffice::GetRound, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListRounds(grpc::CallbackServerContext* context,
                                                          const v1::ListRoundsRequest* request,
                                                          v1::ListRoundsResponse* response) {
  return OnWorker(context, programs_, &ProgramOffice::ListRounds, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateRound(grpc::CallbackServerContext* context,
                                                           const v1::UpdateRoundRequest* request,
                                                           v1::Round* response) {
  return OnWorker(context, programs_, &ProgramOffice::UpdateRound, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::FinalizeRound(
    grpc::CallbackServerContext* context, const v1::FinalizeRoundRequest* request,
    v1::Round* response) {
  return OnWorker(context, awards_, &AwardOffice::FinalizeRound, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CreateApplication(
    grpc::CallbackServerContext* context, const v1::CreateApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Create, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::UpdateApplication(
    grpc::CallbackServerContext* context, const v1::UpdateApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Update, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::SubmitApplication(
    grpc::CallbackServerContext* context, const v1::SubmitApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Submit, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::WithdrawApplication(
    grpc::CallbackServerContext* context, const v1::WithdrawApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Withdraw, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CancelApplication(
    grpc::CallbackServerContext* context, const v1::CancelApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Cancel, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetApplication(
    grpc::CallbackServerContext* context, const v1::GetApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Get, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListApplications(
    grpc::CallbackServerContext* context, const v1::ListApplicationsRequest* request,
    v1::ListApplicationsResponse* response) {
  return OnWorker(context, desk_, &ApplicationDesk::List, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ReviewApplication(
    grpc::CallbackServerContext* context, const v1::ReviewApplicationRequest* request,
    v1::Application* response) {
  return OnWorker(context, desk_, &ApplicationDesk::Review, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::PreviewSelectionCommitment(
    grpc::CallbackServerContext* context, const v1::PreviewSelectionCommitmentRequest* request,
    v1::SelectionCommitment* response) {
  return OnWorker(context, selections_, &SelectionDesk::Preview, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::RunSelection(grpc::CallbackServerContext* context,
                                                            const v1::RunSelectionRequest* request,
                                                            v1::Selection* response) {
  return OnWorker(context, selections_, &SelectionDesk::Run, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetSelection(grpc::CallbackServerContext* context,
                                                            const v1::GetSelectionRequest* request,
                                                            v1::Selection* response) {
  return OnWorker(context, selections_, &SelectionDesk::Get, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::VerifySelection(
    grpc::CallbackServerContext* context, const v1::VerifySelectionRequest* request,
    v1::VerifySelectionResponse* response) {
  return OnWorker(context, selections_, &SelectionDesk::Verify, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListSelectionEntries(
    grpc::CallbackServerContext* context, const v1::ListSelectionEntriesRequest* request,
    v1::ListSelectionEntriesResponse* response) {
  return OnWorker(context, selections_, &SelectionDesk::ListEntries, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListSelectionInputs(
    grpc::CallbackServerContext* context, const v1::ListSelectionInputsRequest* request,
    v1::ListSelectionInputsResponse* response) {
  return OnWorker(context, selections_, &SelectionDesk::ListInputs, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListAwards(grpc::CallbackServerContext* context,
                                                          const v1::ListAwardsRequest* request,
                                                          v1::ListAwardsResponse* response) {
  return OnWorker(context, awards_, &AwardOffice::List, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetAward(grpc::CallbackServerContext* context,
                                                        const v1::GetAwardRequest* request,
                                                        v1::Award* response) {
  return OnWorker(context, awards_, &AwardOffice::Get, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::RecordDisbursement(
    grpc::CallbackServerContext* context, const v1::RecordDisbursementRequest* request,
    v1::Award* response) {
  return OnWorker(context, awards_, &AwardOffice::RecordDisbursement, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::CompleteAward(
    grpc::CallbackServerContext* context, const v1::CompleteAwardRequest* request,
    v1::Award* response) {
  return OnWorker(context, awards_, &AwardOffice::Complete, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ReleaseAward(grpc::CallbackServerContext* context,
                                                            const v1::ReleaseAwardRequest* request,
                                                            v1::Award* response) {
  return OnWorker(context, awards_, &AwardOffice::Release, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ExportOpenData(
    grpc::CallbackServerContext* context, const v1::ExportOpenDataRequest* request,
    v1::ExportOpenDataResponse* response) {
  return OnWorker(context, awards_, &AwardOffice::ExportOpenData, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::BanFirm(grpc::CallbackServerContext* context,
                                                       const v1::BanFirmRequest* request,
                                                       v1::FirmBan* response) {
  return OnWorker(context, bans_, &BanList::Ban, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::GetFirmBan(grpc::CallbackServerContext* context,
                                                          const v1::GetFirmBanRequest* request,
                                                          v1::FirmBan* response) {
  return OnWorker(context, bans_, &BanList::Get, request, response);
}

grpc::ServerUnaryReactor* ApplicationsHandler::ListFirmBans(grpc::CallbackServerContext* context,
                                                            const v1::ListFirmBansRequest* request,
                                                            v1::ListFirmBansResponse* response) {
  return OnWorker(context, bans_, &BanList::List, request, response);
}

}  // namespace kexport::applications
