#include "services/applications/application_desk.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/order_by.h"
#include "common/random_id.h"
#include "common/record_version.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/applications/application_figures.h"
#include "services/applications/application_states.h"
#include "services/applications/applications_names.h"
#include "services/applications/applications_records.h"
#include "services/applications/applications_validation.h"
#include "services/applications/round_places.h"

namespace kexport::applications {
namespace {

using google::protobuf::util::FieldMaskUtil;

// The fields a draft's owner fills in; the service computes the rest.
void KeepDraftFields(const v1::Application& from, v1::Application& to) {
  *to.mutable_requested_items() = from.requested_items();
  for (v1::RequestedItem& item : *to.mutable_requested_items()) item.clear_subsidy_won();
  *to.mutable_answers() = from.answers();
  to.set_prior_year_sales_won(from.prior_year_sales_won());
  to.set_sales_evidence_ref(from.sales_evidence_ref());
}

// Scores count toward a round only when it ranks by them.
bool Scored(const v1::Round& round) { return round.selection_policy().has_scored_ranking(); }

std::string FailedRules(const v1::EligibilityResult& eligibility) {
  std::string failed;
  for (const v1::RuleResult& rule : eligibility.rule_results()) {
    if (!rule.passed()) {
      absl::StrAppend(&failed, failed.empty() ? "" : "; ", "rule ", rule.rule_id(),
                      " failed: ", rule.explanation());
    }
  }
  return failed;
}

}  // namespace

ApplicationDesk::ApplicationDesk(ApplicationsStore* store, clients::FirmDirectory* firms,
                                 EligibilityCheck* eligibility, LedgerOutbox* outbox, Clock clock)
    : store_(store),
      firms_(firms),
      eligibility_(eligibility),
      outbox_(outbox),
      clock_(std::move(clock)),
      applied_requests_(
          [store](const std::string& id) { return store->FindAppliedRequest(id); }) {}

absl::StatusOr<v1::Application> ApplicationDesk::Commit(ApplicationsWrite& write,
                                                        v1::Application application,
                                                        const std::string& fingerprint) {
  application.set_etag(NextEtag(application.etag()));
  write.applied = {fingerprint, application.SerializeAsString()};
  RETURN_IF_ERROR(store_->Commit(write));
  return application;
}

absl::StatusOr<v1::Application> ApplicationDesk::Create(
    const v1::CreateApplicationRequest& request, const std::string& actor) {
  const v1::Application& draft = request.application();
  ASSIGN_OR_RETURN(RoundRef ref, ParseRoundName(draft.round(), "application.round"));
  std::string fingerprint = RequestFingerprint("CreateApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Application> {
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(v1::Program program, FindProgram(*store_, ref.ProgramName()));
        RETURN_IF_ERROR(ValidateApplicationCreation(request, program));
        ASSIGN_OR_RETURN(v1::Round round, FindRound(*store_, draft.round(), now));
        if (round.state() != v1::ROUND_STATE_UPCOMING && round.state() != v1::ROUND_STATE_OPEN) {
          return WrongState("ROUND_NOT_ACCEPTING", round, round.state());
        }
        ASSIGN_OR_RETURN(std::string brn, ParseFirmName(draft.firm(), "application.firm"));
        ASSIGN_OR_RETURN(std::optional<clients::FirmFacts> firm, firms_->Lookup(brn));
        if (!firm) {
          return NotFoundError("FIRM_NOT_FOUND",
                               absl::StrCat(draft.firm(), " is not in the registry"));
        }
        v1::Application application;
        application.set_name(ApplicationName(RandomId(24)));
        application.set_firm(draft.firm());
        application.set_round(draft.round());
        application.set_program(ref.ProgramName());
        KeepDraftFields(draft, application);
        application.set_created_by(actor);
        *application.mutable_create_time() = ToTimestamp(now);
        Transition(application, v1::APPLICATION_STATE_DRAFT,
                   {actor, "CreateApplication", request.request_id(), now}, "draft created");
        ApplicationsWrite write;
        write.applications.push_back(application);
        write.request_id = request.request_id();
        return Commit(write, application, fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Update(
    const v1::UpdateApplicationRequest& request) {
  RETURN_IF_ERROR(ParseApplicationName(request.application().name(), "application.name").status());
  std::string fingerprint = RequestFingerprint("UpdateApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Application> {
        ASSIGN_OR_RETURN(v1::Application application,
                         FindApplication(*store_, request.application().name(),
                                         request.application().etag()));
        ASSIGN_OR_RETURN(v1::Program program, FindProgram(*store_, application.program()));
        v1::Application merged = application;
        if (FieldMaskUtil::IsValidFieldMask<v1::Application>(request.update_mask())) {
          FieldMaskUtil::MergeOptions options;
          options.set_replace_repeated_fields(true);
          FieldMaskUtil::MergeMessageTo(request.application(), request.update_mask(), options,
                                        &merged);
        }
        RETURN_IF_ERROR(ValidateApplicationUpdate(request, merged, program));
        if (application.state() != v1::APPLICATION_STATE_DRAFT) {
          return WrongState("NOT_DRAFT", application);
        }
        KeepDraftFields(merged, application);
        *application.mutable_update_time() = ToTimestamp(clock_());
        ApplicationsWrite write;
        write.applications.push_back(application);
        write.request_id = request.request_id();
        return Commit(write, application, fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Submit(
    const v1::SubmitApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateSubmission(request));
  std::string fingerprint = RequestFingerprint("SubmitApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Application> {
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(v1::Application application,
                         FindApplication(*store_, request.name(), request.etag()));
        if (application.state() != v1::APPLICATION_STATE_DRAFT) {
          return WrongState("NOT_DRAFT", application);
        }
        ASSIGN_OR_RETURN(v1::Round round, FindRound(*store_, application.round(), now));
        if (round.state() != v1::ROUND_STATE_OPEN) {
          return WrongState("OUTSIDE_WINDOW", round, round.state());
        }
        ASSIGN_OR_RETURN(v1::Program program, FindProgram(*store_, application.program()));
        RETURN_IF_ERROR(CheckReadyToSubmit(application, program));
        ASSIGN_OR_RETURN(Eligibility judged,
                         eligibility_->Judge(application, program, round, now));
        *application.mutable_eligibility() = std::move(judged.result);
        application.set_per_firm_cap_won(judged.per_firm_cap_won);
        PriceApplication(program, round, application);
        if (application.requested_amount_won() == 0) {
          return FailedPreconditionError(
              "NOTHING_REQUESTED", "the requested items come to no state support at all");
        }
        *application.mutable_submit_time() = ToTimestamp(now);
        const Change change{actor, "SubmitApplication", request.request_id(), now};
        Transition(application, v1::APPLICATION_STATE_SUBMITTED, change, "submitted");
        if (application.eligibility().eligible()) {
          Transition(application, v1::APPLICATION_STATE_UNDER_REVIEW, change,
                     "every eligibility rule passed");
        } else {
          Transition(application, v1::APPLICATION_STATE_INELIGIBLE, change,
                     FailedRules(application.eligibility()));
        }
        if (Scored(round)) ScoreApplication(round.selection_policy().scored_ranking(), application);
        ApplicationsWrite write;
        write.applications.push_back(application);
        // Judged while the round was open: if its selection ran meanwhile,
        // this submission must not land in it.
        write.unchanged_rounds.push_back(round);
        write.request_id = request.request_id();
        return Commit(write, application, fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Leave(const std::string& name,
                                                       const std::string& etag,
                                                       v1::ApplicationState to,
                                                       const std::string& reason,
                                                       const Change& change,
                                                       const std::string& fingerprint) {
  ASSIGN_OR_RETURN(v1::Application application, FindApplication(*store_, name, etag));
  if (!IsOpen(application.state()) ||
      application.state() == v1::APPLICATION_STATE_IN_PROGRESS) {
    return WrongState(application.state() == v1::APPLICATION_STATE_IN_PROGRESS
                          ? "AWARD_IN_PROGRESS"
                          : "APPLICATION_FINAL",
                      application);
  }
  ApplicationsWrite write;
  write.request_id = change.request_id;
  ASSIGN_OR_RETURN(
      bool freed,
      LeaveRound(*store_, application, to, change, reason,
                 to == v1::APPLICATION_STATE_WITHDRAWN ? "withdrew" : "cancelled", write));
  ASSIGN_OR_RETURN(v1::Application answer, Commit(write, application, fingerprint));
  if (freed) outbox_->Wake();
  return answer;
}

absl::StatusOr<v1::Application> ApplicationDesk::Withdraw(
    const v1::WithdrawApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateWithdrawal(request));
  std::string fingerprint = RequestFingerprint("WithdrawApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint, [&] {
        return Leave(request.name(), request.etag(), v1::APPLICATION_STATE_WITHDRAWN,
                     request.reason(),
                     {actor, "WithdrawApplication", request.request_id(), clock_()},
                     fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Cancel(
    const v1::CancelApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateCancellation(request));
  std::string fingerprint = RequestFingerprint("CancelApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint, [&] {
        return Leave(request.name(), request.etag(), v1::APPLICATION_STATE_CANCELLED,
                     request.reason(),
                     {actor, "CancelApplication", request.request_id(), clock_()}, fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Review(
    const v1::ReviewApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ParseApplicationName(request.name(), "name").status());
  std::string fingerprint = RequestFingerprint("ReviewApplication", request);
  return ApplyOnce<v1::Application>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Application> {
        const absl::Time now = clock_();
        ASSIGN_OR_RETURN(v1::Application application,
                         FindApplication(*store_, request.name(), request.etag()));
        ASSIGN_OR_RETURN(v1::Round round, FindRound(*store_, application.round(), now));
        if (!Scored(round)) {
          return FailedPreconditionError(
              "ROUND_NOT_SCORED", absl::StrCat(round.name(), " does not rank by scores"));
        }
        const v1::ScoredRankingPolicy& policy = round.selection_policy().scored_ranking();
        RETURN_IF_ERROR(ValidateReview(request, policy));
        if (application.state() != v1::APPLICATION_STATE_UNDER_REVIEW) {
          return WrongState("NOT_UNDER_REVIEW", application);
        }
        if (round.state() != v1::ROUND_STATE_OPEN && round.state() != v1::ROUND_STATE_CLOSED) {
          return WrongState("ROUND_SELECTED", round, round.state());
        }
        auto& reviews = *application.mutable_reviews();
        reviews.erase(std::remove_if(reviews.begin(), reviews.end(),
                                     [&](const v1::Review& r) { return r.reviewer() == actor; }),
                      reviews.end());
        v1::Review* review = application.add_reviews();
        *review = request.review();
        review->set_reviewer(actor);
        *review->mutable_review_time() = ToTimestamp(now);
        ScoreApplication(policy, application);
        *application.mutable_update_time() = ToTimestamp(now);
        ApplicationsWrite write;
        write.applications.push_back(application);
        write.request_id = request.request_id();
        return Commit(write, application, fingerprint);
      });
}

absl::StatusOr<v1::Application> ApplicationDesk::Get(const v1::GetApplicationRequest& request) {
  RETURN_IF_ERROR(ParseApplicationName(request.name(), "name").status());
  return FindApplication(*store_, request.name());
}

absl::StatusOr<v1::ListApplicationsResponse> ApplicationDesk::List(
    const v1::ListApplicationsRequest& request) {
  ASSIGN_OR_RETURN(ListFilters filters, ReadListFilters(request, v1::ApplicationState_IsValid));
  ApplicationQuery query;
  query.round = filters.round;
  query.firm = filters.firm;
  query.states = filters.states;
  ASSIGN_OR_RETURN(OrderBy order, ParseOrderBy(request.order_by(), {"create_time"}));
  query.descending = order.descending;
  ASSIGN_OR_RETURN(query.page,
                   ReadPageRequest(request, request.page_size(), request.page_token()));
  ASSIGN_OR_RETURN(Page<v1::Application> page, store_->ListApplications(query));
  v1::ListApplicationsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_applications()));
  return response;
}

}  // namespace kexport::applications
