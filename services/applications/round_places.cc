#include "services/applications/round_places.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "services/applications/applications_records.h"
#include "services/applications/eligibility_check.h"

namespace kexport::applications {
namespace {

// What the round's awards take from what the draw may award: the whole
// amount while an award is open, what was disbursed once it ended.
int64_t Committed(const std::vector<v1::Award>& awards) {
  int64_t committed = 0;
  for (const v1::Award& award : awards) {
    switch (award.state()) {
      case v1::AWARD_STATE_RESERVING:
      case v1::AWARD_STATE_RESERVED:
      case v1::AWARD_STATE_IN_PROGRESS:
        committed += award.amount_won();
        break;
      case v1::AWARD_STATE_COMPLETED:
      case v1::AWARD_STATE_RELEASED:
        committed += award.disbursed_won();
        break;
      default:
        break;
    }
  }
  return committed;
}

// The round's awards as `write` leaves them.
absl::StatusOr<std::vector<v1::Award>> AwardsAfter(ApplicationsStore& store,
                                                   const std::string& round,
                                                   const ApplicationsWrite& write) {
  ASSIGN_OR_RETURN(std::vector<v1::Award> stored, store.RoundAwards(round));
  std::map<std::string, v1::Award> awards;
  for (v1::Award& award : stored) awards[award.name()] = std::move(award);
  for (const v1::Award& award : write.awards) {
    if (award.round() == round) awards[award.name()] = award;
  }
  std::vector<v1::Award> result;
  for (auto& [name, award] : awards) result.push_back(std::move(award));
  return result;
}

// Whether a ban that started after the application was judged bars it now.
absl::StatusOr<bool> Banned(ApplicationsStore& store, const v1::Application& application,
                            absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<v1::FirmBan> bans, store.FirmBans(application.firm()));
  return std::any_of(bans.begin(), bans.end(), [&](const v1::FirmBan& ban) {
    return BanCovers(ban, application.program(), KoreanDay(now));
  });
}

}  // namespace

v1::Award NewAward(const v1::Application& application, absl::Time now) {
  v1::Award award;
  const absl::string_view id = absl::StripPrefix(application.name(), "applications/");
  award.set_name(absl::StrCat("awards/", id));
  award.set_application(application.name());
  award.set_firm(application.firm());
  award.set_round(application.round());
  award.set_amount_won(application.requested_amount_won());
  award.set_state_share_bp(application.state_share_bp());
  award.set_remaining_won(application.requested_amount_won());
  award.set_state(v1::AWARD_STATE_RESERVING);
  *award.mutable_create_time() = ToTimestamp(now);
  *award.mutable_update_time() = ToTimestamp(now);
  return award;
}

absl::Status EndAward(v1::Award& award, v1::AwardState to, const std::string& reason,
                      absl::Time now) {
  if (award.state() == v1::AWARD_STATE_RESERVING) {
    return WrongState("AWARD_RESERVING", award);
  }
  if (award.state() != v1::AWARD_STATE_RESERVED && award.state() != v1::AWARD_STATE_IN_PROGRESS) {
    return WrongState("AWARD_FINAL", award);
  }
  for (const v1::Disbursement& disbursement : award.disbursements()) {
    if (disbursement.state() == v1::DISBURSEMENT_STATE_POSTING) {
      return WrongState("DISBURSEMENT_POSTING", award);
    }
  }
  award.set_state(to);
  award.set_state_reason(reason);
  award.set_released_won(award.released_won() + award.remaining_won());
  award.set_remaining_won(0);
  *award.mutable_update_time() = ToTimestamp(now);
  return absl::OkStatus();
}

absl::StatusOr<bool> LeaveRound(ApplicationsStore& store, v1::Application& application,
                                v1::ApplicationState to, const Change& change,
                                const std::string& reason, const std::string& promotion_reason,
                                ApplicationsWrite& write) {
  const bool held_place = HoldsPlace(application.state());
  if (held_place && !application.award().empty()) {
    ASSIGN_OR_RETURN(v1::Award award, FindAward(store, application.award()));
    RETURN_IF_ERROR(EndAward(award, v1::AWARD_STATE_RELEASED, reason, change.time));
    write.awards.push_back(std::move(award));
  }
  Transition(application, to, change, reason);
  write.applications.push_back(application);
  if (held_place) {
    RETURN_IF_ERROR(PromoteNext(store, application, change, promotion_reason, write));
  }
  return held_place;
}

absl::Status PromoteNext(ApplicationsStore& store, const v1::Application& leaving,
                         const Change& change, const std::string& reason,
                         ApplicationsWrite& write) {
  // The round's selection as `write` leaves it.
  auto written = std::find_if(write.selections.begin(), write.selections.end(),
                              [&](const v1::Selection& selection) {
                                return selection.name() == leaving.round() + "/selection";
                              });
  if (written == write.selections.end()) {
    ASSIGN_OR_RETURN(v1::Selection stored, FindSelection(store, leaving.round()));
    written = write.selections.insert(written, std::move(stored));
  }
  v1::Selection& selection = *written;
  ASSIGN_OR_RETURN(std::vector<v1::Award> awards, AwardsAfter(store, leaving.round(), write));
  const int64_t room = selection.commitment().budget_available_won() - Committed(awards);
  for (const v1::SelectionEntry& entry : selection.entries()) {
    if (entry.outcome() != v1::SELECTION_OUTCOME_WAITLISTED) continue;
    ASSIGN_OR_RETURN(v1::Application candidate, FindApplication(store, entry.application()));
    if (candidate.state() != v1::APPLICATION_STATE_WAITLISTED ||
        candidate.requested_amount_won() > room) {
      continue;
    }
    ASSIGN_OR_RETURN(bool banned, Banned(store, candidate, change.time));
    if (banned) continue;
    std::string why = absl::StrCat(leaving.name(), " ", reason, " (", change.actor, ")");
    Transition(candidate, v1::APPLICATION_STATE_SELECTED, change, absl::StrCat("promoted: ", why));
    v1::Award award = NewAward(candidate, change.time);
    candidate.set_award(award.name());
    v1::Promotion* promotion = selection.add_promotions();
    promotion->set_application(candidate.name());
    promotion->set_replaced_application(leaving.name());
    promotion->set_reason(why);
    *promotion->mutable_promote_time() = ToTimestamp(change.time);
    write.applications.push_back(std::move(candidate));
    write.awards.push_back(std::move(award));
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace kexport::applications
