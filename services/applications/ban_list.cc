#include "services/applications/ban_list.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/random_id.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_records.h"
#include "services/applications/applications_validation.h"
#include "services/applications/eligibility_check.h"
#include "services/applications/round_places.h"

namespace kexport::applications {
namespace {

// Every application of `firm`, one page of the store at a time.
absl::StatusOr<std::vector<v1::Application>> FirmApplications(ApplicationsStore& store,
                                                               const std::string& firm) {
  ApplicationQuery query;
  query.firm = firm;
  query.page.size = 1000;
  std::vector<v1::Application> applications;
  while (true) {
    ASSIGN_OR_RETURN(Page<v1::Application> page, store.ListApplications(query));
    for (v1::Application& application : page.items) applications.push_back(std::move(application));
    if (page.next.empty()) return applications;
    query.page.after = page.next;
  }
}

}  // namespace

BanList::BanList(ApplicationsStore* store, clients::FirmDirectory* firms, LedgerOutbox* outbox,
                 Clock clock)
    : store_(store),
      firms_(firms),
      outbox_(outbox),
      clock_(std::move(clock)),
      applied_requests_(
          [store](const std::string& id) { return store->FindAppliedRequest(id); }) {}

absl::StatusOr<v1::FirmBan> BanList::Ban(const v1::BanFirmRequest& request,
                                         const std::string& actor) {
  const absl::Time now = clock_();
  const absl::CivilDay today = KoreanDay(now);
  RETURN_IF_ERROR(ValidateBan(request));
  std::string fingerprint = RequestFingerprint("BanFirm", request);
  absl::StatusOr<v1::FirmBan> banned = ApplyOnce<v1::FirmBan>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::FirmBan> {
        ASSIGN_OR_RETURN(std::string brn, ParseFirmName(request.ban().firm(), "ban.firm"));
        ASSIGN_OR_RETURN(std::optional<clients::FirmFacts> firm, firms_->Lookup(brn));
        if (!firm) {
          return NotFoundError("FIRM_NOT_FOUND",
                               absl::StrCat(request.ban().firm(), " is not in the registry"));
        }
        if (!request.ban().program().empty()) {
          RETURN_IF_ERROR(FindProgram(*store_, request.ban().program()).status());
        }
        v1::FirmBan ban = request.ban();
        ban.set_name(BanName(RandomId(24)));
        ban.clear_cancelled_applications();
        ban.set_banned_by(actor);
        *ban.mutable_create_time() = ToTimestamp(now);
        ApplicationsWrite write;
        const Change change{actor, "BanFirm", request.request_id(), now};
        const std::string reason = absl::StrCat("banned: ", ban.name());
        ASSIGN_OR_RETURN(std::vector<v1::Application> applications,
                         FirmApplications(*store_, ban.firm()));
        for (v1::Application& application : applications) {
          bool in_scope = BanCovers(ban, application.program(), today) &&
                          IsOpen(application.state()) &&
                          application.state() != v1::APPLICATION_STATE_IN_PROGRESS;
          if (!in_scope) continue;
          RETURN_IF_ERROR(LeaveRound(*store_, application, v1::APPLICATION_STATE_CANCELLED,
                                     change, reason, reason, write)
                              .status());
          ban.add_cancelled_applications(application.name());
        }
        write.bans.push_back(ban);
        ban.set_active(BanCovers(ban, ban.program(), today));
        write.request_id = request.request_id();
        write.applied = {fingerprint, ban.SerializeAsString()};
        RETURN_IF_ERROR(store_->Commit(write));
        return ban;
      });
  if (banned.ok() && !banned->cancelled_applications().empty()) outbox_->Wake();
  return banned;
}

absl::StatusOr<v1::FirmBan> BanList::Get(const v1::GetFirmBanRequest& request) {
  RETURN_IF_ERROR(ParseBanName(request.name(), "name").status());
  ASSIGN_OR_RETURN(std::optional<v1::FirmBan> ban, store_->GetBan(request.name()));
  if (!ban) return NotFoundError("BAN_NOT_FOUND", absl::StrCat(request.name(), " not found"));
  ban->set_active(BanCovers(*ban, ban->program(), KoreanDay(clock_())));
  return *std::move(ban);
}

absl::StatusOr<v1::ListFirmBansResponse> BanList::List(const v1::ListFirmBansRequest& request) {
  BanQuery query;
  if (!request.firm().empty()) {
    RETURN_IF_ERROR(ParseFirmName(request.firm(), "firm").status());
    query.firm = request.firm();
  }
  const absl::CivilDay today = KoreanDay(clock_());
  if (request.active_only()) query.active_on = today;
  ASSIGN_OR_RETURN(query.page,
                   ReadPageRequest(request, request.page_size(), request.page_token()));
  ASSIGN_OR_RETURN(Page<v1::FirmBan> page, store_->ListBans(query));
  for (v1::FirmBan& ban : page.items) ban.set_active(BanCovers(ban, ban.program(), today));
  v1::ListFirmBansResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_bans()));
  return response;
}

}  // namespace kexport::applications
