#include "services/applications/award_office.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_records.h"
#include "services/applications/applications_validation.h"
#include "services/applications/round_places.h"

namespace kexport::applications {
namespace {

// What disbursements recorded but not yet refused take, in total and for
// one item.
int64_t Claimed(const v1::Award& award, const std::string& item = "") {
  int64_t claimed = 0;
  for (const v1::Disbursement& disbursement : award.disbursements()) {
    bool counts = disbursement.state() != v1::DISBURSEMENT_STATE_REJECTED &&
                  (item.empty() || disbursement.support_item_id() == item);
    if (counts) claimed += disbursement.amount_won();
  }
  return claimed;
}

const v1::Disbursement* RecordedUnder(const v1::Award& award, const std::string& request_id) {
  for (const v1::Disbursement& disbursement : award.disbursements()) {
    if (disbursement.request_id() == request_id) return &disbursement;
  }
  return nullptr;
}

}  // namespace

AwardOffice::AwardOffice(ApplicationsStore* store, clients::LedgerAccounts* ledger,
                         clients::FirmDirectory* firms, LedgerOutbox* outbox,
                         OpenDataSettings open_data, absl::Duration ledger_wait, Clock clock)
    : store_(store),
      ledger_(ledger),
      firms_(firms),
      outbox_(outbox),
      open_data_(std::move(open_data)),
      ledger_wait_(ledger_wait),
      clock_(std::move(clock)),
      applied_requests_(
          [store](const std::string& id) { return store->FindAppliedRequest(id); }) {}

absl::StatusOr<v1::Award> AwardOffice::Get(const v1::GetAwardRequest& request) {
  RETURN_IF_ERROR(ParseAwardName(request.name(), "name").status());
  return FindAward(*store_, request.name());
}

absl::StatusOr<v1::ListAwardsResponse> AwardOffice::List(const v1::ListAwardsRequest& request) {
  ASSIGN_OR_RETURN(ListFilters filters, ReadListFilters(request, v1::AwardState_IsValid));
  AwardQuery query;
  query.round = filters.round;
  query.firm = filters.firm;
  query.states = filters.states;
  ASSIGN_OR_RETURN(query.page,
                   ReadPageRequest(request, request.page_size(), request.page_token()));
  ASSIGN_OR_RETURN(Page<v1::Award> page, store_->ListAwards(query));
  v1::ListAwardsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_awards()));
  return response;
}

absl::StatusOr<v1::Award> AwardOffice::AfterLedger(const std::string& name) {
  outbox_->Flush(ledger_wait_);
  return FindAward(*store_, name);
}

absl::StatusOr<v1::Award> AwardOffice::RecordDisbursement(
    const v1::RecordDisbursementRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateDisbursementRequest(request));
  std::string fingerprint = RequestFingerprint("RecordDisbursement", request);
  absl::StatusOr<v1::Award> recorded_award = ApplyOnce<v1::Award>(
          applied_requests_, request.request_id(), fingerprint,
          [&]() -> absl::StatusOr<v1::Award> {
            const absl::Time now = clock_();
            ASSIGN_OR_RETURN(v1::Award award,
                             FindAward(*store_, request.award(), request.etag()));
            if (award.state() != v1::AWARD_STATE_RESERVED &&
                award.state() != v1::AWARD_STATE_IN_PROGRESS) {
              return WrongState("AWARD_NOT_DISBURSABLE", award);
            }
            ASSIGN_OR_RETURN(v1::Application application,
                             FindApplication(*store_, award.application()));
            const v1::Disbursement& asked = request.disbursement();
            const v1::RequestedItem* item = nullptr;
            for (const v1::RequestedItem& requested : application.requested_items()) {
              if (requested.support_item_id() == asked.support_item_id()) item = &requested;
            }
            if (item == nullptr) {
              return InvalidFieldError("disbursement.support_item_id",
                                       "not an item the application requested");
            }
            const int64_t award_left = award.remaining_won() - (Claimed(award) - award.disbursed_won());
            const int64_t item_left = item->subsidy_won() - Claimed(award, item->support_item_id());
            if (asked.amount_won() > award_left) {
              return InvalidFieldError("disbursement.amount_won",
                                       absl::StrCat("exceeds what is left of the award: ",
                                                    award_left, " won"));
            }
            if (asked.amount_won() > item_left) {
              return InvalidFieldError("disbursement.amount_won",
                                       absl::StrCat("exceeds what is left of the item's subsidy: ",
                                                    item_left, " won"));
            }
            v1::Disbursement* disbursement = award.add_disbursements();
            *disbursement = asked;
            disbursement->set_sequence(award.disbursements_size());
            disbursement->set_state(v1::DISBURSEMENT_STATE_POSTING);
            disbursement->clear_ledger_result();
            disbursement->clear_posting_transfer();
            disbursement->set_recorded_by(actor);
            disbursement->set_request_id(request.request_id());
            *disbursement->mutable_record_time() = ToTimestamp(now);
            *award.mutable_update_time() = ToTimestamp(now);
            ApplicationsWrite write;
            write.awards.push_back(award);
            award.set_etag(NextEtag(award.etag()));
            write.request_id = request.request_id();
            write.applied = {fingerprint, award.SerializeAsString()};
            RETURN_IF_ERROR(store_->Commit(write));
            return award;
          });
  RETURN_IF_ERROR(recorded_award.status());
  // A retry answers as the award stands now, not as it stood when recorded.
  ASSIGN_OR_RETURN(v1::Award award, AfterLedger(request.award()));
  const v1::Disbursement* recorded = RecordedUnder(award, request.request_id());
  if (recorded != nullptr && recorded->state() == v1::DISBURSEMENT_STATE_REJECTED) {
    return WithErrorMetadata(
        FailedPreconditionError("LEDGER_REFUSED",
                                absl::StrCat("the ledger refused the posting: ",
                                             recorded->ledger_result())),
        {{"ledger_result", recorded->ledger_result()}});
  }
  return award;
}

absl::StatusOr<v1::Award> AwardOffice::End(const std::string& name, const std::string& etag,
                                           v1::AwardState to,
                                           v1::ApplicationState application_to,
                                           const std::string& reason, bool promote,
                                           const Change& change,
                                           const std::string& fingerprint) {
  ASSIGN_OR_RETURN(v1::Award award, FindAward(*store_, name, etag));
  if (promote && award.disbursed_won() > 0) {
    return FailedPreconditionError("AWARD_DISBURSED",
                                   "a place is promoted only when nothing was disbursed");
  }
  RETURN_IF_ERROR(EndAward(award, to, reason, change.time));
  ASSIGN_OR_RETURN(v1::Application application, FindApplication(*store_, award.application()));
  Transition(application, application_to, change, reason);
  ApplicationsWrite write;
  write.awards.push_back(award);
  write.applications.push_back(application);
  if (promote) {
    RETURN_IF_ERROR(PromoteNext(*store_, application, change, "released", write));
  }
  award.set_etag(NextEtag(award.etag()));
  write.request_id = change.request_id;
  write.applied = {fingerprint, award.SerializeAsString()};
  RETURN_IF_ERROR(store_->Commit(write));
  return award;
}

absl::StatusOr<v1::Award> AwardOffice::Complete(const v1::CompleteAwardRequest& request,
                                                const std::string& actor) {
  RETURN_IF_ERROR(ValidateCompletion(request));
  std::string fingerprint = RequestFingerprint("CompleteAward", request);
  absl::StatusOr<v1::Award> ended =
      ApplyOnce<v1::Award>(applied_requests_, request.request_id(), fingerprint, [&] {
        return End(request.name(), request.etag(), v1::AWARD_STATE_COMPLETED,
                   v1::APPLICATION_STATE_COMPLETED, request.reason(), /*promote=*/false,
                   {actor, "CompleteAward", request.request_id(), clock_()}, fingerprint);
      });
  RETURN_IF_ERROR(ended.status());
  return AfterLedger(request.name());
}

absl::StatusOr<v1::Award> AwardOffice::Release(const v1::ReleaseAwardRequest& request,
                                               const std::string& actor) {
  RETURN_IF_ERROR(ValidateRelease(request));
  std::string fingerprint = RequestFingerprint("ReleaseAward", request);
  absl::StatusOr<v1::Award> ended =
      ApplyOnce<v1::Award>(applied_requests_, request.request_id(), fingerprint, [&] {
        return End(request.name(), request.etag(), v1::AWARD_STATE_RELEASED,
                   v1::APPLICATION_STATE_CANCELLED, request.reason(),
                   request.promote_waitlisted(),
                   {actor, "ReleaseAward", request.request_id(), clock_()}, fingerprint);
      });
  RETURN_IF_ERROR(ended.status());
  return AfterLedger(request.name());
}

absl::StatusOr<v1::Round> AwardOffice::FinalizeRound(const v1::FinalizeRoundRequest& request,
                                                     const std::string& actor) {
  RETURN_IF_ERROR(ValidateFinalization(request));
  std::string fingerprint = RequestFingerprint("FinalizeRound", request);
  ASSIGN_OR_RETURN(
      v1::Round round,
      ApplyOnce<v1::Round>(
          applied_requests_, request.request_id(), fingerprint,
          [&]() -> absl::StatusOr<v1::Round> {
            const Change change{actor, "FinalizeRound", request.request_id(), clock_()};
            ASSIGN_OR_RETURN(v1::Round round,
                             FindRound(*store_, request.name(), change.time, request.etag()));
            if (round.state() != v1::ROUND_STATE_SELECTED) {
              return WrongState("ROUND_NOT_SELECTED", round, round.state());
            }
            // Asked first so that an unreachable ledger changes nothing.
            RETURN_IF_ERROR(ledger_->Available(round.budget_account()).status());
            ApplicationsWrite write;
            ASSIGN_OR_RETURN(std::vector<v1::Award> awards, store_->RoundAwards(round.name()));
            for (v1::Award& award : awards) {
              if (award.state() == v1::AWARD_STATE_RESERVING) {
                return WrongState("AWARDS_RESERVING", award);
              }
              if (award.state() != v1::AWARD_STATE_RESERVED &&
                  award.state() != v1::AWARD_STATE_IN_PROGRESS) {
                continue;
              }
              RETURN_IF_ERROR(EndAward(award, v1::AWARD_STATE_RELEASED, request.reason(),
                                       change.time));
              write.awards.push_back(std::move(award));
            }
            ASSIGN_OR_RETURN(std::vector<v1::Application> applications,
                             store_->RoundApplications(round.name()));
            for (v1::Application& application : applications) {
              if (application.state() == v1::APPLICATION_STATE_WAITLISTED ||
                  application.state() == v1::APPLICATION_STATE_AWARDED ||
                  application.state() == v1::APPLICATION_STATE_IN_PROGRESS) {
                Transition(application, v1::APPLICATION_STATE_CANCELLED, change,
                           request.reason());
                write.applications.push_back(std::move(application));
              }
            }
            round.set_state(v1::ROUND_STATE_FINALIZED);
            round.clear_budget_summary();
            *round.mutable_update_time() = ToTimestamp(change.time);
            write.rounds.push_back(round);
            round.set_etag(NextEtag(round.etag()));
            write.request_id = request.request_id();
            write.applied = {fingerprint, round.SerializeAsString()};
            RETURN_IF_ERROR(store_->Commit(write));
            return round;
          }));
  outbox_->Flush(ledger_wait_);
  RETURN_IF_ERROR(Describe(*store_, round, clock_()));
  return round;
}

absl::StatusOr<v1::ExportOpenDataResponse> AwardOffice::ExportOpenData(
    const v1::ExportOpenDataRequest& request) {
  if (request.fiscal_year() < 2000 || request.fiscal_year() > 2100) {
    return InvalidFieldError("fiscal_year", "required, 2000 to 2100");
  }
  AwardQuery query;
  query.fiscal_year = request.fiscal_year();
  if (!request.program().empty()) {
    RETURN_IF_ERROR(ParseProgramName(request.program(), "program").status());
    query.program = request.program();
  }
  query.states = {v1::AWARD_STATE_RESERVED, v1::AWARD_STATE_IN_PROGRESS,
                  v1::AWARD_STATE_COMPLETED, v1::AWARD_STATE_RELEASED};
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token(), PageLimits{500, 5000}));
  ASSIGN_OR_RETURN(Page<v1::Award> page, store_->ListAwards(query));
  std::map<std::string, v1::Program> programs;
  std::map<std::string, v1::Round> rounds;
  // A firm with several awards is asked of the registry once per page.
  std::map<std::string, registry::v1::Firm> recipients;
  v1::ExportOpenDataResponse response;
  for (const v1::Award& award : page.items) {
    if (!rounds.count(award.round())) {
      ASSIGN_OR_RETURN(rounds[award.round()], FindRound(*store_, award.round(), clock_()));
    }
    ASSIGN_OR_RETURN(RoundRef ref, ParseRoundName(award.round(), "round"));
    if (!programs.count(ref.ProgramName())) {
      ASSIGN_OR_RETURN(programs[ref.ProgramName()], FindProgram(*store_, ref.ProgramName()));
    }
    ASSIGN_OR_RETURN(v1::Application application, FindApplication(*store_, award.application()));
    if (!recipients.count(award.firm())) {
      ASSIGN_OR_RETURN(std::optional<clients::FirmFacts> firm,
                       firms_->Lookup(std::string(absl::StripPrefix(award.firm(), "firms/"))));
      recipients[award.firm()] = firm ? firm->firm : registry::v1::Firm();
    }
    *response.add_grants() =
        OpenDataGrantOf(award, application, programs[ref.ProgramName()], rounds[award.round()],
                        recipients[award.firm()], open_data_);
  }
  response.set_next_page_token(NextPageToken(query.page, page.next));
  return response;
}

}  // namespace kexport::applications
