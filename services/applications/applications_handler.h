// The gRPC face of the applications service: resolves the caller, asks the
// office that owns the call, and turns its result into a response or a gRPC
// error with details. No rules here. Every call runs on `workers`: most of
// them wait (on the registry, the designation service, the ledger, a group
// commit), and gRPC's own callback threads must not.
#pragma once

#include "common/actor.h"
#include "common/unary.h"
#include "common/workers.h"
#include "kexport/applications/v1/applications.grpc.pb.h"
#include "services/applications/application_desk.h"
#include "services/applications/award_office.h"
#include "services/applications/ban_list.h"
#include "services/applications/program_office.h"
#include "services/applications/selection_desk.h"

namespace kexport::applications {

// The offices behind the calls.
struct Offices {
  ProgramOffice* programs;
  ApplicationDesk* desk;
  SelectionDesk* selections;
  AwardOffice* awards;
  BanList* bans;
};

class ApplicationsHandler final : public v1::Applications::CallbackService {
 public:
  ApplicationsHandler(Offices offices, const ActorResolver* actors, Workers* workers)
      : programs_(offices.programs),
        desk_(offices.desk),
        selections_(offices.selections),
        awards_(offices.awards),
        bans_(offices.bans),
        actors_(actors),
        workers_(workers) {}

  grpc::ServerUnaryReactor* CreateProgram(grpc::CallbackServerContext* context,
                                          const v1::CreateProgramRequest* request,
                                          v1::Program* response) override;
  grpc::ServerUnaryReactor* GetProgram(grpc::CallbackServerContext* context,
                                       const v1::GetProgramRequest* request,
                                       v1::Program* response) override;
  grpc::ServerUnaryReactor* ListPrograms(grpc::CallbackServerContext* context,
                                         const v1::ListProgramsRequest* request,
                                         v1::ListProgramsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProgram(grpc::CallbackServerContext* context,
                                          const v1::UpdateProgramRequest* request,
                                          v1::Program* response) override;
  grpc::ServerUnaryReactor* CreateRound(grpc::CallbackServerContext* context,
                                        const v1::CreateRoundRequest* request,
                                        v1::Round* response) override;
  grpc::ServerUnaryReactor* GetRound(grpc::CallbackServerContext* context,
                                     const v1::GetRoundRequest* request,
                                     v1::Round* response) override;
  grpc::ServerUnaryReactor* ListRounds(grpc::CallbackServerContext* context,
                                       const v1::ListRoundsRequest* request,
                                       v1::ListRoundsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRound(grpc::CallbackServerContext* context,
                                        const v1::UpdateRoundRequest* request,
                                        v1::Round* response) override;
  grpc::ServerUnaryReactor* FinalizeRound(grpc::CallbackServerContext* context,
                                          const v1::FinalizeRoundRequest* request,
                                          v1::Round* response) override;
  grpc::ServerUnaryReactor* CreateApplication(grpc::CallbackServerContext* context,
                                              const v1::CreateApplicationRequest* request,
                                              v1::Application* response) override;
  grpc::ServerUnaryReactor* UpdateApplication(grpc::CallbackServerContext* context,
                                              const v1::UpdateApplicationRequest* request,
                                              v1::Application* response) override;
  grpc::ServerUnaryReactor* SubmitApplication(grpc::CallbackServerContext* context,
                                              const v1::SubmitApplicationRequest* request,
                                              v1::Application* response) override;
  grpc::ServerUnaryReactor* WithdrawApplication(grpc::CallbackServerContext* context,
                                                const v1::WithdrawApplicationRequest* request,
                                                v1::Application* response) override;
  grpc::ServerUnaryReactor* CancelApplication(grpc::CallbackServerContext* context,
                                              const v1::CancelApplicationRequest* request,
                                              v1::Application* response) override;
  grpc::ServerUnaryReactor* GetApplication(grpc::CallbackServerContext* context,
                                           const v1::GetApplicationRequest* request,
                                           v1::Application* response) override;
  grpc::ServerUnaryReactor* ListApplications(grpc::CallbackServerContext* context,
                                             const v1::ListApplicationsRequest* request,
                                             v1::ListApplicationsResponse* response) override;
  grpc::ServerUnaryReactor* ReviewApplication(grpc::CallbackServerContext* context,
                                              const v1::ReviewApplicationRequest* request,
                                              v1::Application* response) override;
  grpc::ServerUnaryReactor* PreviewSelectionCommitment(
      grpc::CallbackServerContext* context, const v1::PreviewSelectionCommitmentRequest* request,
      v1::SelectionCommitment* response) override;
  grpc::ServerUnaryReactor* RunSelection(grpc::CallbackServerContext* context,
                                         const v1::RunSelectionRequest* request,
                                         v1::Selection* response) override;
  grpc::ServerUnaryReactor* GetSelection(grpc::CallbackServerContext* context,
                                         const v1::GetSelectionRequest* request,
                                         v1::Selection* response) override;
  grpc::ServerUnaryReactor* VerifySelection(grpc::CallbackServerContext* context,
                                            const v1::VerifySelectionRequest* request,
                                            v1::VerifySelectionResponse* response) override;
  grpc::ServerUnaryReactor* ListSelectionEntries(
      grpc::CallbackServerContext* context, const v1::ListSelectionEntriesRequest* request,
      v1::ListSelectionEntriesResponse* response) override;
  grpc::ServerUnaryReactor* ListSelectionInputs(
      grpc::CallbackServerContext* context, const v1::ListSelectionInputsRequest* request,
      v1::ListSelectionInputsResponse* response) override;
  grpc::ServerUnaryReactor* ListAwards(grpc::CallbackServerContext* context,
                                       const v1::ListAwardsRequest* request,
                                       v1::ListAwardsResponse* response) override;
  grpc::ServerUnaryReactor* GetAward(grpc::CallbackServerContext* context,
                                     const v1::GetAwardRequest* request,
                                     v1::Award* response) override;
  grpc::ServerUnaryReactor* RecordDisbursement(grpc::CallbackServerContext* context,
                                               const v1::RecordDisbursementRequest* request,
                                               v1::Award* response) override;
  grpc::ServerUnaryReactor* CompleteAward(grpc::CallbackServerContext* context,
                                          const v1::CompleteAwardRequest* request,
                                          v1::Award* response) override;
  grpc::ServerUnaryReactor* ReleaseAward(grpc::CallbackServerContext* context,
                                         const v1::ReleaseAwardRequest* request,
                                         v1::Award* response) override;
  grpc::ServerUnaryReactor* ExportOpenData(grpc::CallbackServerContext* context,
                                           const v1::ExportOpenDataRequest* request,
                                           v1::ExportOpenDataResponse* response) override;
  grpc::ServerUnaryReactor* BanFirm(grpc::CallbackServerContext* context,
                                    const v1::BanFirmRequest* request,
                                    v1::FirmBan* response) override;
  grpc::ServerUnaryReactor* GetFirmBan(grpc::CallbackServerContext* context,
                                       const v1::GetFirmBanRequest* request,
                                       v1::FirmBan* response) override;
  grpc::ServerUnaryReactor* ListFirmBans(grpc::CallbackServerContext* context,
                                         const v1::ListFirmBansRequest* request,
                                         v1::ListFirmBansResponse* response) override;

 private:
  // Runs `(office->*method)(*request)` on the workers and answers with it.
  template <typename Office, typename Request, typename Response>
  grpc::ServerUnaryReactor* OnWorker(grpc::CallbackServerContext* context, Office* office,
                                     absl::StatusOr<Response> (Office::*method)(const Request&),
                                     const Request* request, Response* response) {
    return FinishOnWorker(
        *workers_, context, [office, method, request] { return (office->*method)(*request); },
        response);
  }

  // The same for a change, which also takes the resolved caller.
  template <typename Office, typename Request, typename Response>
  grpc::ServerUnaryReactor* OnWorker(grpc::CallbackServerContext* context, Office* office,
                                     absl::StatusOr<Response> (Office::*method)(const Request&,
                                                                                const std::string&),
                                     const Request* request, Response* response) {
    return FinishAsActorOnWorker(
        *workers_, context, *actors_,
        [office, method, request](const std::string& actor) {
          return (office->*method)(*request, actor);
        },
        response);
  }

  ProgramOffice* programs_;
  ApplicationDesk* desk_;
  SelectionDesk* selections_;
  AwardOffice* awards_;
  BanList* bans_;
  const ActorResolver* actors_;
  Workers* workers_;
};

}  // namespace kexport::applications
