#include "services/designation/designator.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/brn.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/record_version.h"
#include "common/order_by.h"
#include "common/page_token.h"
#include "common/proto_bytes.h"
#include "common/text.h"
#include "services/designation/designation_names.h"
#include "services/designation/designation_timeline.h"
#include "services/designation/designation_validation.h"
#include "services/designation/evidence_rules.h"

namespace kexport::designation {
namespace {

// The actor of what the service does by itself.
constexpr char kSystem[] = "system";

absl::Status WrongState(absl::string_view reason, absl::string_view name,
                        v1::DesignationApplicationState state) {
  std::string state_name = v1::DesignationApplicationState_Name(state);
  return WithErrorMetadata(
      FailedPreconditionError(reason, absl::StrCat(name, " is ", state_name)),
      {{"state", state_name}});
}

void Transition(v1::DesignationApplication& application,
                v1::DesignationApplicationState to, const std::string& actor,
                const std::string& reason, const std::string& method,
                const std::string& request_id, absl::Time now) {
  v1::StateTransition* transition = application.add_history();
  transition->set_from_state(application.state());
  transition->set_to_state(to);
  transition->set_actor(actor);
  transition->set_reason(reason);
  transition->set_method(method);
  transition->set_request_id(request_id);
  *transition->mutable_transition_time() = ToTimestamp(now);
  application.set_state(to);
  *application.mutable_update_time() = ToTimestamp(now);
}

void Event(v1::Designation& designation, v1::DesignationState to, v1::Grade grade,
           const std::string& actor, const std::string& reason,
           const std::string& method, const std::string& request_id, absl::Time now) {
  v1::DesignationEvent* event = designation.add_history();
  event->set_sequence(designation.history_size());
  event->set_from_state(designation.state());
  event->set_to_state(to);
  event->set_from_grade(designation.grade());
  event->set_to_grade(grade);
  event->set_actor(actor);
  event->set_reason(reason);
  event->set_method(method);
  event->set_request_id(request_id);
  *event->mutable_event_time() = ToTimestamp(now);
  designation.set_state(to);
  designation.set_grade(grade);
  *designation.mutable_update_time() = ToTimestamp(now);
}

// Where a firm's look-up on `day` is cached, e.g.
// `firm-designation:firms/1248100998:20261203` (a number: formatting a
// date costs a cached look-up more than its hash-map probe).
std::string FirmKey(const std::string& firm, absl::CivilDay day) {
  return absl::StrCat("firm-designation:", firm, ":",
                      day.year() * 10000 + day.month() * 100 + day.day());
}

// Bytes from Redis are served only if they are the look-up asked for.
bool IsLookUp(absl::string_view bytes, const std::string& firm, absl::CivilDay day) {
  v1::GetFirmDesignationResponse response;
  return ParseBytes(bytes, response) && response.firm() == firm &&
         response.as_of().year() == day.year() &&
         response.as_of().month() == day.month() && response.as_of().day() == day.day();
}

// A built-in registry check of the pre-screen (it passed: the submission
// would have failed otherwise).
v1::RuleResult RegistryCheck(const std::string& id, const std::string& description,
                             const std::string& observed, const std::string& firm) {
  v1::RuleResult check;
  check.set_rule_id(id);
  check.set_description(description);
  check.set_passed(true);
  check.set_observed_value(1);
  check.set_observed(observed);
  check.set_source(firm);
  check.set_explanation(observed);
  return check;
}

}  // namespace

Designator::Designator(DesignationStore* store, FirmDirectory* firms,
                       const Policy* policy, Cache* cache, absl::Duration cache_ttl,
                       Clock clock)
    : store_(store),
      firms_(firms),
      policy_(policy),
      cache_(cache),
      firm_lookups_(cache, cache_ttl),
      clock_(std::move(clock)),
      applied_requests_([store](const std::string& id) {
        return store->FindAppliedRequest(id);
      }) {}

absl::CivilDay Designator::Today() const { return KoreanDay(clock_()); }

absl::Status Designator::Commit(DesignationWrite& write,
                                const std::vector<std::string>& firms) {
  // The day the change is dated, taken before it commits: if midnight
  // passes meanwhile, both that day's and the new day's look-ups go.
  const absl::CivilDay change_day = Today();
  absl::Status committed = store_->Commit(write);
  // Dropped even after a failed commit: it may have landed.
  if (cache_ != nullptr) {
    for (const std::string& firm : firms) {
      firm_lookups_.Invalidate(FirmKey(firm, change_day));
      if (Today() != change_day) {
        firm_lookups_.Invalidate(FirmKey(firm, Today()));
      }
    }
  }
  return committed;
}

absl::StatusOr<v1::DesignationApplication> Designator::ApplicationForChange(
    absl::string_view name, const std::string& etag) {
  ASSIGN_OR_RETURN(std::string id, RecordId(name, kApplicationsPrefix, "name"));
  ASSIGN_OR_RETURN(std::optional<v1::DesignationApplication> application,
                   store_->GetApplication(id));
  if (!application) {
    return NotFoundError("APPLICATION_NOT_FOUND", absl::StrCat(name, " not found"));
  }
  if (!etag.empty() && etag != application->etag()) {
    return RecordChangedError(application->name());
  }
  return *std::move(application);
}

absl::StatusOr<v1::DesignationApplication> Designator::Submit(
    const v1::SubmitDesignationApplicationRequest& request, const std::string& actor) {
  const absl::CivilDay today = Today();
  RETURN_IF_ERROR(ValidateSubmission(request, today));
  std::string fingerprint = RequestFingerprint("SubmitDesignationApplication", request);
  return ApplyOnce<v1::DesignationApplication>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::DesignationApplication> {
        const v1::DesignationPolicy& rules = policy_->rules;
        const std::string& firm = request.application().firm();
        const v1::DesignationKind kind = request.application().kind();
        ASSIGN_OR_RETURN(std::string brn, BrnFromName(firm, "application.firm"));
        ASSIGN_OR_RETURN(std::optional<FirmFacts> facts, firms_->Lookup(brn));

        // Eligibility, from the registry: every failed check is named.
        std::vector<std::string> failed;
        if (!facts) {
          failed.push_back("firm-known");
        } else {
          if (facts->firm.state() != registry::v1::FIRM_STATE_ACTIVE) {
            failed.push_back("firm-active");
          }
          bool size_ok = std::find(rules.eligible_size_classes().begin(),
                                   rules.eligible_size_classes().end(),
                                   static_cast<int>(facts->firm.size_class())) !=
                         rules.eligible_size_classes().end();
          if (!size_ok) {
            failed.push_back("size-class");
          }
          if (rules.require_procurement_bidder() &&
              !facts->firm.procurement_bidder().registered()) {
            failed.push_back("procurement-bidder");
          }
        }
        if (!failed.empty()) {
          return WithErrorMetadata(
              FailedPreconditionError(
                  "FIRM_NOT_ELIGIBLE",
                  absl::StrCat(firm, " is not eligible: ", absl::StrJoin(failed, ", "),
                               " failed")),
              {{"checks", absl::StrJoin(failed, ",")}});
        }
        ASSIGN_OR_RETURN(std::optional<v1::DesignationApplication> open,
                         store_->OpenApplication(firm));
        if (open) {
          return AlreadyExistsError(
              "APPLICATION_IN_PROGRESS",
              absl::StrCat(firm, " already has ", open->name(), " in progress"));
        }

        // The kind must fit the firm's record.
        ASSIGN_OR_RETURN(std::vector<v1::Designation> held, store_->FirmDesignations(firm));
        const v1::Designation* active = nullptr;
        const v1::Designation* renewable = nullptr;
        for (const v1::Designation& designation : held) {
          v1::Designation now_state = AsOf(designation, today);
          if (now_state.state() == v1::DESIGNATION_STATE_ACTIVE) {
            active = &designation;
          }
          bool within_window =
              now_state.state() == v1::DESIGNATION_STATE_EXPIRED &&
              today <= LastDayAfterYears(ToCivilDay(designation.valid_until()) + 1,
                                         rules.reapply_window_years());
          if (now_state.state() == v1::DESIGNATION_STATE_ACTIVE || within_window) {
            renewable = &designation;
          }
        }
        if (kind == v1::DESIGNATION_KIND_NEW && active != nullptr) {
          return FailedPreconditionError(
              "KIND_NOT_ALLOWED",
              absl::StrCat(firm, " holds ", active->name(), ": apply for RE_DESIGNATION"));
        }
        if (kind == v1::DESIGNATION_KIND_RE_DESIGNATION && renewable == nullptr) {
          return FailedPreconditionError(
              "KIND_NOT_ALLOWED",
              absl::StrCat(firm, " has no designation active or expired within ",
                           rules.reapply_window_years(), " years: apply as NEW"));
        }

        const absl::Time now = clock_();
        v1::DesignationApplication application;
        application.set_name(ApplicationName(NewRecordId()));
        application.set_firm(firm);
        application.set_kind(kind);
        if (kind == v1::DESIGNATION_KIND_RE_DESIGNATION) {
          application.set_previous_designation(renewable->name());
        }
        *application.mutable_evidence() = request.application().evidence();
        application.mutable_evidence()->DiscardUnknownFields();
        application.set_policy_revision(rules.revision());
        *application.mutable_submit_time() = ToTimestamp(now);
        Transition(application, v1::DESIGNATION_APPLICATION_STATE_SUBMITTED, actor,
                   "submitted", "SubmitDesignationApplication", request.request_id(), now);

        // The pre-screen, explained check by check.
        EvidenceMetrics metrics =
            MeasureEvidence(application.evidence(),
                            absl::CivilDay(today.year() - rules.evidence_lookback_years(),
                                           today.month(), today.day()),
                            today, facts->ExportTotal(static_cast<int32_t>(today.year() - 1)));
        v1::PrescreenResult* prescreen = application.mutable_prescreen();
        *prescreen->add_checks() = RegistryCheck("firm-active", "The firm is in business",
                                                 "state=active", firm);
        *prescreen->add_checks() = RegistryCheck(
            "size-class", "SME or mid-size firm",
            absl::StrCat("size_class=",
                         registry::v1::SizeClass_Name(facts->firm.size_class())),
            firm);
        if (rules.require_procurement_bidder()) {
          *prescreen->add_checks() = RegistryCheck(
              "procurement-bidder", "Registered bidder on the e-procurement system",
              "procurement_bidder=registered", firm);
        }
        bool passed = true;
        std::string failed_check;
        for (const v1::EvidenceRule& rule : rules.prescreen_criteria()) {
          v1::RuleResult check = JudgeRule(rule, metrics, kind, application.name());
          if (!check.passed() && passed) {
            passed = false;
            failed_check = rule.id();
          }
          *prescreen->add_checks() = std::move(check);
        }
        std::string fast_track;
        for (const v1::EvidenceRule& rule : rules.fast_track_conditions()) {
          v1::RuleResult check = JudgeRule(rule, metrics, kind, application.name());
          if (check.passed() && fast_track.empty()) {
            fast_track = rule.id();
          }
          *prescreen->add_fast_track_checks() = std::move(check);
        }
        prescreen->set_passed(passed);
        prescreen->set_firm_etag(facts->firm.etag());
        *prescreen->mutable_evaluate_time() = ToTimestamp(now);
        if (!passed) {
          Transition(application, v1::DESIGNATION_APPLICATION_STATE_PRESCREEN_FAILED,
                     kSystem, absl::StrCat("check ", failed_check, " failed"),
                     "SubmitDesignationApplication", request.request_id(), now);
        } else if (!fast_track.empty()) {
          application.set_fast_track(true);
          Transition(application, v1::DESIGNATION_APPLICATION_STATE_IN_COMMITTEE, kSystem,
                     absl::StrCat("fast track: ", fast_track),
                     "SubmitDesignationApplication", request.request_id(), now);
        } else {
          Transition(application, v1::DESIGNATION_APPLICATION_STATE_IN_FIRST_REVIEW,
                     kSystem, "pre-screen passed", "SubmitDesignationApplication",
                     request.request_id(), now);
        }
        DesignationWrite write;
        write.applications.push_back(application);
        application.set_etag(NextEtag(""));
        write.request_id = request.request_id();
        write.applied = {fingerprint, application.SerializeAsString()};
        RETURN_IF_ERROR(Commit(write, {}));
        return application;
      });
}

void Designator::CloseFirstReview(v1::DesignationApplication& application,
                                  absl::Time now, const std::string& request_id) {
  const v1::DesignationPolicy& rules = policy_->rules;
  v1::FirstReviewResult* result = application.mutable_first_review();
  const int64_t reviews = application.reviews_size();
  bool criteria_passed = true;
  std::vector<std::string> below;
  for (const v1::ReviewCriterion& criterion : rules.review_criteria()) {
    int64_t points = 0;
    for (const v1::Review& review : application.reviews()) {
      for (const v1::CriterionScore& score : review.scores()) {
        if (score.criterion_id() == criterion.id()) points += score.points();
      }
    }
    v1::CriterionResult* scored = result->add_criteria();
    scored->set_criterion_id(criterion.id());
    scored->set_title(criterion.title());
    scored->set_weight_bp(criterion.weight_bp());
    scored->set_mean_score_bp(
        static_cast<int32_t>(10000 * points / (reviews * criterion.max_points())));
    scored->set_weighted_score_x100(int64_t{scored->mean_score_bp()} *
                                    criterion.weight_bp() / 10000);
    scored->set_passed(scored->mean_score_bp() >= criterion.min_score_bp());
    if (!scored->passed()) {
      criteria_passed = false;
      below.push_back(criterion.id());
    }
    result->set_base_score_x100(result->base_score_x100() + scored->weighted_score_x100());
  }
  // Evidence counts as of the submission, however long the review takes.
  const absl::CivilDay submitted = KoreanDay(FromTimestamp(application.submit_time()));
  EvidenceMetrics metrics = MeasureEvidence(
      application.evidence(),
      absl::CivilDay(submitted.year() - rules.evidence_lookback_years(), submitted.month(),
                     submitted.day()),
      submitted, 0);
  Bonuses bonuses = JudgeBonuses(rules, metrics, application.kind(), application.name());
  for (v1::RuleResult& bonus : bonuses.rules) {
    *result->add_bonuses() = std::move(bonus);
  }
  result->set_bonus_x100(bonuses.total_x100);
  result->set_total_score_x100(result->base_score_x100() + result->bonus_x100());
  result->set_pass_score_x100(rules.pass_score_x100());
  bool total_passed = result->total_score_x100() >= rules.pass_score_x100();
  result->set_passed(total_passed && criteria_passed);
  auto points = [](int64_t x100) {
    return absl::StrCat(x100 / 100, ".", absl::StrFormat("%02d", x100 % 100));
  };
  result->set_explanation(
      !criteria_passed
          ? absl::StrCat("below the minimum on ", absl::StrJoin(below, ", "))
          : absl::StrCat("total ", points(result->total_score_x100()),
                         total_passed ? " reaches " : " below ",
                         points(rules.pass_score_x100())));
  *result->mutable_close_time() = ToTimestamp(now);
  Transition(application,
             result->passed() ? v1::DESIGNATION_APPLICATION_STATE_IN_COMMITTEE
                              : v1::DESIGNATION_APPLICATION_STATE_FIRST_REVIEW_FAILED,
             kSystem, result->explanation(), "SubmitReview", request_id, now);
}

absl::StatusOr<v1::DesignationApplication> Designator::SubmitReview(
    const v1::SubmitReviewRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateReview(request, policy_->rules));
  std::string fingerprint = RequestFingerprint("SubmitReview", request);
  return ApplyOnce<v1::DesignationApplication>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::DesignationApplication> {
        ASSIGN_OR_RETURN(v1::DesignationApplication application,
                         ApplicationForChange(request.name(), request.etag()));
        if (application.state() != v1::DESIGNATION_APPLICATION_STATE_IN_FIRST_REVIEW) {
          return WrongState("NOT_IN_FIRST_REVIEW", application.name(), application.state());
        }
        for (const v1::Review& review : application.reviews()) {
          if (review.reviewer() == actor) {
            return AlreadyExistsError("REVIEW_EXISTS",
                                      absl::StrCat(actor, " has reviewed it already"));
          }
        }
        const absl::Time now = clock_();
        v1::Review* review = application.add_reviews();
        *review->mutable_scores() = request.review().scores();
        review->set_comment(request.review().comment());
        review->set_reviewer(actor);
        *review->mutable_review_time() = ToTimestamp(now);
        *application.mutable_update_time() = ToTimestamp(now);
        if (application.reviews_size() >= policy_->rules.min_reviews()) {
          CloseFirstReview(application, now, request.request_id());
        }
        DesignationWrite write;
        write.applications.push_back(application);
        application.set_etag(NextEtag(application.etag()));
        write.request_id = request.request_id();
        write.applied = {fingerprint, application.SerializeAsString()};
        RETURN_IF_ERROR(Commit(write, {}));
        return application;
      });
}

absl::StatusOr<v1::DesignationApplication> Designator::Decide(
    const v1::DecideDesignationApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateDecision(request));
  std::string fingerprint = RequestFingerprint("DecideDesignationApplication", request);
  return ApplyOnce<v1::DesignationApplication>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::DesignationApplication> {
        ASSIGN_OR_RETURN(v1::DesignationApplication application,
                         ApplicationForChange(request.name(), request.etag()));
        if (application.state() != v1::DESIGNATION_APPLICATION_STATE_IN_COMMITTEE) {
          return WrongState("NOT_IN_COMMITTEE", application.name(), application.state());
        }
        const absl::Time now = clock_();
        const absl::CivilDay today = KoreanDay(now);
        v1::CommitteeDecision* decision = application.mutable_decision();
        decision->set_outcome(request.outcome());
        decision->set_reason(request.reason());
        decision->set_committee_ref(request.committee_ref());
        decision->set_decided_by(actor);
        *decision->mutable_decide_time() = ToTimestamp(now);
        DesignationWrite write;
        if (request.outcome() == v1::DECISION_OUTCOME_REJECT) {
          Transition(application, v1::DESIGNATION_APPLICATION_STATE_REJECTED, actor,
                     request.reason(), "DecideDesignationApplication",
                     request.request_id(), now);
        } else {
          const v1::DesignationPolicy& rules = policy_->rules;
          ASSIGN_OR_RETURN(std::string brn, BrnFromName(application.firm(), "firm"));
          ASSIGN_OR_RETURN(std::optional<FirmFacts> facts, firms_->Lookup(brn));
          if (!facts) {
            return FailedPreconditionError(
                "FIRM_NOT_ELIGIBLE", absl::StrCat(application.firm(), " left the registry"));
          }
          // Graded on the evidence as of the submission.
          const absl::CivilDay submitted =
              KoreanDay(FromTimestamp(application.submit_time()));
          EvidenceMetrics metrics = MeasureEvidence(
              application.evidence(),
              absl::CivilDay(submitted.year() - rules.evidence_lookback_years(),
                             submitted.month(), submitted.day()),
              submitted, facts->ExportTotal(static_cast<int32_t>(submitted.year() - 1)));
          v1::Designation designation;
          designation.set_name(DesignationName(NewRecordId()));
          designation.set_firm(application.firm());
          designation.set_application(application.name());
          designation.set_kind(application.kind());
          *designation.mutable_valid_from() = ToDate(today);
          *designation.mutable_valid_until() =
              ToDate(LastDayAfterYears(today, rules.validity_years()));
          designation.mutable_firm_sectors()->CopyFrom(facts->firm.sectors());
          if (application.has_first_review()) {
            *designation.mutable_review_result() = application.first_review();
          }
          *designation.mutable_grade_assessment() =
              AssessGrade(rules, metrics, application.kind(), application.name());
          *designation.mutable_grade_assessment()->mutable_assess_time() = ToTimestamp(now);
          *designation.mutable_create_time() = ToTimestamp(now);
          Event(designation, v1::DESIGNATION_STATE_ACTIVE,
                designation.grade_assessment().grade(), actor, request.reason(),
                "DecideDesignationApplication", request.request_id(), now);
          // A re-designation replaces what the firm holds.
          ASSIGN_OR_RETURN(std::vector<v1::Designation> held,
                           store_->FirmDesignations(application.firm()));
          for (v1::Designation& previous : held) {
            if (AsOf(previous, today).state() == v1::DESIGNATION_STATE_ACTIVE) {
              previous.set_superseded_by(designation.name());
              previous.set_state_reason("re-designated");
              Event(previous, v1::DESIGNATION_STATE_SUPERSEDED, previous.grade(), actor,
                    "re-designated", "DecideDesignationApplication",
                    request.request_id(), now);
              write.designations.push_back(previous);
            }
          }
          write.designations.push_back(designation);
          application.set_designation(designation.name());
          Transition(application, v1::DESIGNATION_APPLICATION_STATE_APPROVED, actor,
                     request.reason(), "DecideDesignationApplication",
                     request.request_id(), now);
        }
        write.applications.push_back(application);
        write.request_id = request.request_id();
        v1::DesignationApplication answer = application;
        answer.set_etag(NextEtag(application.etag()));
        write.applied = {fingerprint, answer.SerializeAsString()};
        RETURN_IF_ERROR(Commit(write, {application.firm()}));
        return answer;
      });
}

absl::StatusOr<v1::DesignationApplication> Designator::Withdraw(
    const v1::WithdrawDesignationApplicationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateWithdrawal(request));
  std::string fingerprint = RequestFingerprint("WithdrawDesignationApplication", request);
  return ApplyOnce<v1::DesignationApplication>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::DesignationApplication> {
        ASSIGN_OR_RETURN(v1::DesignationApplication application,
                         ApplicationForChange(request.name(), request.etag()));
        if (IsFinal(application.state())) {
          return WrongState("APPLICATION_FINAL", application.name(), application.state());
        }
        Transition(application, v1::DESIGNATION_APPLICATION_STATE_WITHDRAWN, actor,
                   request.reason(), "WithdrawDesignationApplication",
                   request.request_id(), clock_());
        v1::DesignationApplication answer = application;
        answer.set_etag(NextEtag(application.etag()));
        DesignationWrite write;
        write.applications.push_back(application);
        write.request_id = request.request_id();
        write.applied = {fingerprint, answer.SerializeAsString()};
        RETURN_IF_ERROR(Commit(write, {}));
        return answer;
      });
}

absl::StatusOr<v1::Designation> Designator::Revoke(
    const v1::RevokeDesignationRequest& request, const std::string& actor) {
  RETURN_IF_ERROR(ValidateRevocation(request));
  std::string fingerprint = RequestFingerprint("RevokeDesignation", request);
  return ApplyOnce<v1::Designation>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::Designation> {
        ASSIGN_OR_RETURN(std::string id, RecordId(request.name(), kDesignationsPrefix, "name"));
        ASSIGN_OR_RETURN(std::optional<v1::Designation> designation,
                         store_->GetDesignation(id));
        if (!designation) {
          return NotFoundError("DESIGNATION_NOT_FOUND",
                               absl::StrCat(request.name(), " not found"));
        }
        if (!request.etag().empty() && request.etag() != designation->etag()) {
          return RecordChangedError(designation->name());
        }
        const absl::Time now = clock_();
        v1::DesignationState state = AsOf(*designation, KoreanDay(now)).state();
        if (state != v1::DESIGNATION_STATE_ACTIVE) {
          std::string state_name = v1::DesignationState_Name(state);
          return WithErrorMetadata(
              FailedPreconditionError("DESIGNATION_NOT_ACTIVE",
                                      absl::StrCat(request.name(), " is ", state_name)),
              {{"state", state_name}});
        }
        designation->set_revocation_ground(request.ground());
        designation->set_state_reason(request.reason());
        Event(*designation, v1::DESIGNATION_STATE_REVOKED, designation->grade(), actor,
              request.reason(), "RevokeDesignation", request.request_id(), now);
        v1::Designation answer = *designation;
        answer.set_etag(NextEtag(designation->etag()));
        DesignationWrite write;
        write.designations.push_back(*designation);
        write.request_id = request.request_id();
        write.applied = {fingerprint, answer.SerializeAsString()};
        RETURN_IF_ERROR(Commit(write, {designation->firm()}));
        return answer;
      });
}

absl::StatusOr<v1::AnnualReview> Designator::RunAnnualReview(
    const v1::RunAnnualReviewRequest& request, const std::string& actor) {
  const absl::CivilDay today = Today();
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  if (request.year() < 2015 || request.year() > today.year()) {
    violations.Add("year", absl::StrCat("2015 to ", today.year()));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  std::string fingerprint = RequestFingerprint("RunAnnualReview", request);
  return ApplyOnce<v1::AnnualReview>(
      applied_requests_, request.request_id(), fingerprint,
      [&]() -> absl::StatusOr<v1::AnnualReview> {
        ASSIGN_OR_RETURN(std::optional<v1::AnnualReview> done,
                         store_->GetAnnualReview(request.year()));
        if (done) {
          return *std::move(done);
        }
        // Grades move forward in time: a later year's review stands.
        for (int32_t later = request.year() + 1; later <= today.year(); ++later) {
          ASSIGN_OR_RETURN(std::optional<v1::AnnualReview> newer,
                           store_->GetAnnualReview(later));
          if (newer) {
            return FailedPreconditionError(
                "LATER_REVIEW_EXISTS",
                absl::StrCat(newer->name(), " is recorded; ", request.year(),
                             " can no longer be reviewed"));
          }
        }
        const v1::DesignationPolicy& rules = policy_->rules;
        const absl::Time start = clock_();
        v1::AnnualReview review;
        review.set_name(absl::StrCat("annualReviews/", request.year()));
        review.set_year(request.year());
        review.set_policy_revision(rules.revision());
        review.set_run_by(actor);
        *review.mutable_start_time() = ToTimestamp(start);
        ASSIGN_OR_RETURN(std::vector<v1::Designation> all, store_->AllDesignations());
        DesignationWrite write;
        std::vector<std::string> firms;
        std::map<v1::Grade, int64_t> counts;
        const absl::CivilDay from(request.year(), 1, 1);
        const absl::CivilDay until(request.year(), 12, 31);
        for (v1::Designation& designation : all) {
          if (AsOf(designation, today).state() != v1::DESIGNATION_STATE_ACTIVE) {
            continue;
          }
          ASSIGN_OR_RETURN(std::string brn, BrnFromName(designation.firm(), "firm"));
          ASSIGN_OR_RETURN(std::optional<FirmFacts> facts, firms_->Lookup(brn));
          // What the registry holds of the year's effort and results: its
          // export record and the foreign certifications issued that year.
          EvidenceMetrics metrics;
          metrics.from = from;
          metrics.until = until;
          if (facts) {
            metrics.values[v1::EVIDENCE_METRIC_EXPORT_TOTAL_USD_CENTS] =
                facts->ExportTotal(request.year());
            for (const auto& certification : facts->firm.certifications()) {
              if (certification.type() == registry::v1::CERTIFICATION_TYPE_FOREIGN &&
                  certification.valid_from().year() == request.year()) {
                metrics.values[v1::EVIDENCE_METRIC_FOREIGN_CERTIFICATIONS] += 1;
              }
            }
          }
          v1::GradeAssessment assessment =
              AssessGrade(rules, metrics, designation.kind(), designation.firm());
          assessment.set_annual_review(review.name());
          *assessment.mutable_assess_time() = ToTimestamp(start);
          review.set_reviewed_count(review.reviewed_count() + 1);
          const v1::Grade before = designation.grade();
          const v1::Grade after = assessment.grade();
          counts[after] += 1;
          if (before == after) {
            continue;
          }
          if (after < before) {
            review.set_upgraded_count(review.upgraded_count() + 1);
          } else {
            review.set_downgraded_count(review.downgraded_count() + 1);
          }
          v1::GradeChange* change = review.add_grade_changes();
          change->set_designation(designation.name());
          change->set_firm(designation.firm());
          change->set_from_grade(before);
          change->set_to_grade(after);
          *change->mutable_assessment() = assessment;
          *designation.mutable_grade_assessment() = assessment;
          Event(designation, designation.state(), after, kSystem, assessment.explanation(),
                "RunAnnualReview", request.request_id(), start);
          write.designations.push_back(designation);
          firms.push_back(designation.firm());
        }
        // Best grade first; designations from before grades last.
        for (v1::Grade grade : {v1::GRADE_A, v1::GRADE_B, v1::GRADE_C,
                                v1::GRADE_UNSPECIFIED}) {
          if (counts[grade] > 0) {
            v1::GradeCount* by_grade = review.add_grade_counts();
            by_grade->set_grade(grade);
            by_grade->set_count(counts[grade]);
          }
        }
        *review.mutable_complete_time() = ToTimestamp(clock_());
        write.annual_review = review;
        write.request_id = request.request_id();
        write.applied = {fingerprint, review.SerializeAsString()};
        absl::Status committed = Commit(write, firms);
        if (absl::IsAlreadyExists(committed) || absl::IsAborted(committed)) {
          // Another run recorded the year first: its review stands.
          ASSIGN_OR_RETURN(std::optional<v1::AnnualReview> other,
                           store_->GetAnnualReview(request.year()));
          if (other) {
            return *std::move(other);
          }
        }
        RETURN_IF_ERROR(committed);
        return review;
      });
}

absl::StatusOr<v1::DesignationApplication> Designator::GetApplication(
    const v1::GetDesignationApplicationRequest& request) {
  ASSIGN_OR_RETURN(std::string id, RecordId(request.name(), kApplicationsPrefix, "name"));
  ASSIGN_OR_RETURN(std::optional<v1::DesignationApplication> application,
                   store_->GetApplication(id));
  if (!application) {
    return NotFoundError("APPLICATION_NOT_FOUND", absl::StrCat(request.name(), " not found"));
  }
  return *std::move(application);
}

absl::StatusOr<v1::ListDesignationApplicationsResponse> Designator::ListApplications(
    const v1::ListDesignationApplicationsRequest& request) {
  const auto& filter = request.filter();
  FieldViolations violations;
  if (!filter.firm().empty()) {
    violations.AddFrom(BrnFromName(filter.firm(), "filter.firm").status());
  }
  for (int i = 0; i < filter.states_size(); ++i) {
    if (!v1::DesignationApplicationState_IsValid(filter.states(i))) {
      violations.Add(absl::StrCat("filter.states[", i, "]"), "unknown state");
    }
  }
  if (!v1::DesignationKind_IsValid(filter.kind())) {
    violations.Add("filter.kind", "unknown kind");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(OrderBy order,
                   ParseOrderBy(request.order_by(), {"submit_time", "update_time"}));
  ApplicationQuery query;
  query.filter = filter;
  query.by_update_time = order.field == "update_time";
  query.descending = order.descending;
  ASSIGN_OR_RETURN(query.page, ReadPageRequest(request, request.page_size(),
                                               request.page_token()));
  ASSIGN_OR_RETURN(Page<v1::DesignationApplication> page, store_->ListApplications(query));
  v1::ListDesignationApplicationsResponse response;
  response.set_next_page_token(TakePage(page, query.page, response.mutable_applications()));
  return response;
}

absl::StatusOr<v1::Designation> Designator::GetDesignation(
    const v1::GetDesignationRequest& request) {
  ASSIGN_OR_RETURN(std::string id, RecordId(request.name(), kDesignationsPrefix, "name"));
  ASSIGN_OR_RETURN(std::optional<v1::Designation> designation, store_->GetDesignation(id));
  if (!designation) {
    return NotFoundError("DESIGNATION_NOT_FOUND", absl::StrCat(request.name(), " not found"));
  }
  return AsOf(*std::move(designation), Today());
}

absl::StatusOr<v1::GetFirmDesignationResponse> Designator::LookUpFirm(
    const std::string& firm, absl::CivilDay day) {
  ASSIGN_OR_RETURN(std::vector<v1::Designation> held, store_->FirmDesignations(firm));
  v1::GetFirmDesignationResponse response;
  response.set_firm(firm);
  *response.mutable_as_of() = ToDate(day);
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    if (InForceOn(*it, day)) {
      response.set_designated(true);
      *response.mutable_designation() = AsOf(*it, day);
      break;
    }
  }
  return response;
}

absl::StatusOr<std::string> Designator::GetFirmDesignationBytes(
    const v1::GetFirmDesignationRequest& request) {
  RETURN_IF_ERROR(BrnFromName(request.firm(), "firm").status());
  auto look_up = [&](absl::CivilDay day) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(v1::GetFirmDesignationResponse response, LookUpFirm(request.firm(), day));
    return response.SerializeAsString();
  };
  if (request.has_as_of()) {
    if (!DateValid(request.as_of())) {
      return InvalidFieldError("as_of", "not a real calendar date");
    }
    return look_up(ToCivilDay(request.as_of()));
  }
  const absl::CivilDay today = Today();
  if (cache_ == nullptr) return look_up(today);
  // Today's answer is cached under today's date: tomorrow asks afresh. The
  // bytes are this service's own serialization, sent as they are.
  return firm_lookups_.Get(
      FirmKey(request.firm(), today), [&] { return look_up(today); },
      [&](absl::string_view bytes) { return IsLookUp(bytes, request.firm(), today); });
}

absl::StatusOr<v1::ListDesignationsResponse> Designator::ListDesignations(
    const v1::ListDesignationsRequest& request) {
  const auto& filter = request.filter();
  FieldViolations violations;
  if (!filter.firm().empty()) {
    violations.AddFrom(BrnFromName(filter.firm(), "filter.firm").status());
  }
  if (filter.year() != 0 && (filter.year() < 2000 || filter.year() > 2100)) {
    violations.Add("filter.year", "0 (any) or 2000 to 2100");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(OrderBy order,
                   ParseOrderBy(request.order_by(), {"valid_from", "firm", "grade"}));
  ASSIGN_OR_RETURN(PageRequest page, ReadPageRequest(request, request.page_size(),
                                                     request.page_token()));
  const absl::CivilDay today = Today();
  // A firm's designations come by index; other lists read them all.
  ASSIGN_OR_RETURN(std::vector<v1::Designation> all,
                   filter.firm().empty() ? store_->AllDesignations()
                                         : store_->FirmDesignations(filter.firm()));
  // Sort key, then name: a stable keyset for paging.
  std::vector<std::pair<std::string, v1::Designation>> matching;
  for (v1::Designation& stored : all) {
    v1::Designation designation = AsOf(std::move(stored), today);
    auto any_of = [](const auto& list, auto value) {
      return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
    };
    if ((!filter.firm().empty() && designation.firm() != filter.firm()) ||
        !any_of(filter.states(), static_cast<int>(designation.state())) ||
        !any_of(filter.grades(), static_cast<int>(designation.grade()))) {
      continue;
    }
    if (filter.year() != 0) {
      absl::CivilDay first(filter.year(), 1, 1);
      absl::CivilDay last(filter.year(), 12, 31);
      absl::CivilDay from = std::max(first, ToCivilDay(designation.valid_from()));
      absl::CivilDay to = std::min(last, ToCivilDay(designation.valid_until()));
      if (std::optional<absl::CivilDay> ended = EndedOn(designation)) {
        to = std::min(to, *ended - 1);
      }
      if (from > to) continue;
    }
    if (!filter.sectors().empty() &&
        std::none_of(designation.firm_sectors().begin(), designation.firm_sectors().end(),
                     [&](const std::string& sector) {
                       return std::find(filter.sectors().begin(), filter.sectors().end(),
                                        sector) != filter.sectors().end();
                     })) {
      continue;
    }
    std::string key = order.field == "firm"    ? designation.firm()
                      : order.field == "grade" ? absl::StrCat(designation.grade())
                                               : absl::FormatCivilTime(ToCivilDay(
                                                     designation.valid_from()));
    matching.emplace_back(key + "\x1f" + designation.name(), std::move(designation));
  }
  std::sort(matching.begin(), matching.end(),
            [&](const auto& a, const auto& b) {
              return order.descending ? a.first > b.first : a.first < b.first;
            });
  v1::ListDesignationsResponse response;
  std::string last;
  for (auto& [key, designation] : matching) {
    if (!page.after.empty() &&
        (order.descending ? key >= page.after[0] : key <= page.after[0])) {
      continue;
    }
    if (response.designations_size() == page.size) {
      response.set_next_page_token(NextPageToken(page, {last}));
      break;
    }
    last = key;
    *response.add_designations() = std::move(designation);
  }
  return response;
}

absl::StatusOr<v1::AnnualReview> Designator::GetAnnualReview(
    const v1::GetAnnualReviewRequest& request) {
  absl::string_view year_text = request.name();
  int32_t year = 0;
  if (!absl::ConsumePrefix(&year_text, "annualReviews/") ||
      !absl::SimpleAtoi(year_text, &year)) {
    return InvalidFieldError("name", "must be `annualReviews/{year}`");
  }
  ASSIGN_OR_RETURN(std::optional<v1::AnnualReview> review, store_->GetAnnualReview(year));
  if (!review) {
    return NotFoundError("ANNUAL_REVIEW_NOT_FOUND", absl::StrCat(request.name(), " not run"));
  }
  return *std::move(review);
}

absl::StatusOr<v1::DesignationStatistics> Designator::GetStatistics(
    const v1::GetDesignationStatisticsRequest& request) {
  FieldViolations violations;
  for (const auto& [field, year] : {std::pair<const char*, int32_t>{"from_year", request.from_year()},
                                    {"to_year", request.to_year()}}) {
    if (year != 0 && (year < 2000 || year > 2100)) {
      violations.Add(field, "0 or 2000 to 2100");
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const absl::CivilDay today = Today();
  ASSIGN_OR_RETURN(std::vector<v1::Designation> all, store_->AllDesignations());
  int32_t first_year = static_cast<int32_t>(today.year());
  for (const v1::Designation& designation : all) {
    first_year = std::min(first_year, designation.valid_from().year());
  }
  int32_t from = request.from_year() != 0 ? request.from_year() : first_year;
  int32_t to = request.to_year() != 0 ? request.to_year() : static_cast<int32_t>(today.year());
  if (from > to || to - from >= 50) {
    return InvalidFieldError("to_year", "from_year to to_year spans 1 to 50 years");
  }
  v1::DesignationStatistics statistics;
  for (int32_t year = from; year <= to; ++year) {
    v1::YearStatistics* stats = statistics.add_years();
    stats->set_year(year);
    absl::CivilDay as_of = year == today.year() ? today : absl::CivilDay(year, 12, 31);
    *stats->mutable_as_of() = ToDate(as_of);
    std::map<std::string, v1::Grade> firms;
    for (const v1::Designation& designation : all) {
      if (InForceOn(designation, as_of)) {
        firms[designation.firm()] = GradeOn(designation, as_of);
      }
      if (designation.valid_from().year() == year) {
        if (designation.kind() == v1::DESIGNATION_KIND_RE_DESIGNATION) {
          stats->set_re_designated_count(stats->re_designated_count() + 1);
        } else {
          stats->set_newly_designated_count(stats->newly_designated_count() + 1);
        }
      }
      std::optional<absl::CivilDay> ended = EndedOn(designation);
      if (designation.state() == v1::DESIGNATION_STATE_REVOKED && ended &&
          ended->year() == year) {
        stats->set_revoked_count(stats->revoked_count() + 1);
      }
      absl::CivilDay expiry = ToCivilDay(designation.valid_until()) + 1;
      if (!ended && expiry.year() == year && expiry <= today) {
        stats->set_expired_count(stats->expired_count() + 1);
      }
    }
    stats->set_designated_firm_count(static_cast<int64_t>(firms.size()));
    std::map<v1::Grade, int64_t> by_grade;
    for (const auto& [firm, grade] : firms) by_grade[grade] += 1;
    for (const auto& [grade, count] : by_grade) {
      v1::GradeCount* counted = stats->add_by_grade();
      counted->set_grade(grade);
      counted->set_count(count);
    }
  }
  *statistics.mutable_compute_time() = ToTimestamp(clock_());
  return statistics;
}

absl::StatusOr<v1::GradeIncentives> Designator::GetGradeIncentives(
    const v1::GetGradeIncentivesRequest& request) {
  absl::string_view grade = request.name();
  if (!absl::ConsumePrefix(&grade, "gradeIncentives/") || !IsLowerSlug(grade, 1)) {
    return InvalidFieldError("name", "must be `gradeIncentives/{grade}`, e.g. `gradeIncentives/a`");
  }
  for (const v1::GradeIncentives& incentives : policy_->incentives) {
    if (incentives.name() == request.name()) {
      return incentives;
    }
  }
  return NotFoundError("GRADE_NOT_FOUND", absl::StrCat(request.name(), " not found"));
}

absl::StatusOr<v1::ListGradeIncentivesResponse> Designator::ListGradeIncentives(
    const v1::ListGradeIncentivesRequest& request) {
  RETURN_IF_ERROR(EffectivePageSize(request.page_size(), 50, 1000).status());
  if (!request.page_token().empty()) {
    return InvalidFieldError("page_token", "every grade fits on one page");
  }
  v1::ListGradeIncentivesResponse response;
  for (const v1::GradeIncentives& incentives : policy_->incentives) {
    *response.add_grade_incentives() = incentives;
  }
  return response;
}

absl::StatusOr<v1::DesignationPolicy> Designator::GetPolicy(
    const v1::GetDesignationPolicyRequest& request) {
  if (!request.name().empty() && request.name() != "designationPolicy") {
    return InvalidFieldError("name", "must be `designationPolicy`");
  }
  return policy_->rules;
}

}  // namespace kexport::designation
