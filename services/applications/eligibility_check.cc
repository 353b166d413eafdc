#include "services/applications/eligibility_check.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/strings/strip.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/macros.h"
#include "common/money.h"
#include "services/applications/eligibility_rules.h"

namespace kexport::applications {
namespace {

// The priority conditions of a round's policy with the value each grants.
std::vector<const v1::PriorityAdjustment*> PriorityConditions(const v1::SelectionPolicy& policy) {
  std::vector<const v1::PriorityAdjustment*> conditions;
  const auto& list = policy.has_weighted_lottery() ? policy.weighted_lottery().priority_weights()
                                                   : policy.scored_ranking().bonuses();
  for (const v1::PriorityAdjustment& adjustment : list) conditions.push_back(&adjustment);
  return conditions;
}

bool NeedsDesignation(const v1::Program& program, const v1::Round& round) {
  auto any = [](const auto& rules) {
    return std::any_of(rules.begin(), rules.end(), [](const v1::EligibilityRule& rule) {
      return rule.has_gpass_designation();
    });
  };
  bool priority = false;
  for (const v1::PriorityAdjustment* adjustment : PriorityConditions(round.selection_policy())) {
    priority = priority || adjustment->condition().has_gpass_designation();
  }
  return program.apply_gpass_incentives() || any(program.eligibility_rules()) ||
         any(round.eligibility_rules()) || priority;
}

// What the firm's grade is worth in `program`, recorded like a priority
// condition: score points (scored rounds only) and the per-firm cap.
v1::RuleResult IncentiveResult(const designation::v1::Incentive& incentive,
                               const designation::v1::Designation& designation, bool scored,
                               int64_t& bonus_bp, int64_t& per_firm_cap_won) {
  v1::RuleResult result;
  result.set_rule_id(absl::StrCat("gpass-incentive-", incentive.id()));
  result.set_description(incentive.description());
  result.set_passed(true);
  result.set_observed(
      absl::StrCat("grade=", designation::v1::Grade_Name(designation.grade())));
  result.set_source(designation.name());
  result.set_source_etag(designation.etag());
  switch (incentive.kind()) {
    case designation::v1::INCENTIVE_KIND_PROGRAM_PRIORITY_POINTS:
      if (scored) bonus_bp += incentive.points_x100();
      result.set_explanation(scored ? absl::StrCat("+", incentive.points_x100(),
                                                   " bp to the total score")
                                    : "points count in scored rounds only");
      break;
    case designation::v1::INCENTIVE_KIND_VOUCHER_CAP:
      if (incentive.amount_won() < 1 || incentive.amount_won() > kMaxTransferAmount) {
        result.set_explanation("not applied: the cap is not a ledger amount");
        break;
      }
      per_firm_cap_won = incentive.amount_won();
      result.set_explanation(
          absl::StrCat("per-firm cap ", incentive.amount_won(), " won for the grade"));
      break;
    default:
      result.set_explanation("does not apply to applications");
  }
  return result;
}

}  // namespace

bool BanCovers(const v1::FirmBan& ban, const std::string& program, absl::CivilDay day) {
  bool in_scope = ban.program().empty() || ban.program() == program;
  bool started = ToCivilDay(ban.start_date()) <= day;
  bool not_ended = !ban.has_end_date() || day <= ToCivilDay(ban.end_date());
  return in_scope && started && not_ended;
}

absl::StatusOr<Eligibility> EligibilityCheck::Judge(const v1::Application& application,
                                                    const v1::Program& program,
                                                    const v1::Round& round, absl::Time now) {
  const std::string brn(absl::StripPrefix(application.firm(), "firms/"));
  const bool needs_designation = NeedsDesignation(program, round);
  absl::StatusOr<std::optional<clients::FirmFacts>> facts;
  absl::StatusOr<std::optional<designation::v1::Designation>> designation = std::nullopt;
  // The registry and the designation service are asked at once: a
  // submission waits for the slower answer, not for both in turn.
  absl::BlockingCounter unanswered(needs_designation ? 2 : 1);
  firms_->LookupAsync(brn, [&](absl::StatusOr<std::optional<clients::FirmFacts>> found) {
    facts = std::move(found);
    unanswered.DecrementCount();
  });
  if (needs_designation) {
    designations_->InForceAsync(
        application.firm(),
        [&](absl::StatusOr<std::optional<designation::v1::Designation>> found) {
          designation = std::move(found);
          unanswered.DecrementCount();
        });
  }
  // The bans kept here are read while the services answer.
  absl::StatusOr<std::vector<v1::FirmBan>> bans = store_->FirmBans(application.firm());
  unanswered.Wait();
  RETURN_IF_ERROR(facts.status());
  if (!*facts) {
    return NotFoundError("FIRM_NOT_FOUND",
                         absl::StrCat(application.firm(), " is not in the registry"));
  }
  RETURN_IF_ERROR(designation.status());
  FirmSnapshot firm{{**std::move(facts)}, *std::move(designation), false};
  RETURN_IF_ERROR(bans.status());
  const absl::CivilDay today = KoreanDay(now);
  firm.banned = std::any_of(bans->begin(), bans->end(), [&](const v1::FirmBan& ban) {
    return BanCovers(ban, program.name(), today);
  });

  const RuleContext context{
      today, static_cast<int32_t>(KoreanDay(FromTimestamp(round.apply_start_time())).year() - 1)};
  Eligibility judged{v1::EligibilityResult(), program.per_firm_cap_won()};
  v1::EligibilityResult& result = judged.result;
  *result.add_rule_results() = FirmActiveCheck(firm);
  for (const auto* rules : {&program.eligibility_rules(), &round.eligibility_rules()}) {
    for (const v1::EligibilityRule& rule : *rules) {
      *result.add_rule_results() = JudgeEligibility(rule, firm, context);
    }
  }
  result.set_eligible(std::all_of(result.rule_results().begin(), result.rule_results().end(),
                                  [](const v1::RuleResult& rule) { return rule.passed(); }));

  // The lottery weighs the largest value passed (else the base weight);
  // scored rounds add up their bonuses.
  const v1::SelectionPolicy& policy = round.selection_policy();
  int64_t value = 0;
  for (const v1::PriorityAdjustment* adjustment : PriorityConditions(policy)) {
    v1::RuleResult condition = JudgeEligibility(adjustment->condition(), firm, context);
    if (condition.passed()) {
      value = policy.has_weighted_lottery() ? std::max(value, adjustment->value())
                                            : value + adjustment->value();
    }
    *result.add_priority_results() = std::move(condition);
  }
  if (policy.has_weighted_lottery() && value == 0) {
    value = std::max<int64_t>(policy.weighted_lottery().base_weight(), 1);
  }
  if (program.apply_gpass_incentives() && firm.designation) {
    ASSIGN_OR_RETURN(designation::v1::GradeIncentives grade,
                     designations_->Incentives(firm.designation->grade()));
    for (const designation::v1::Incentive& incentive : grade.incentives()) {
      if (incentive.applies_to() != program.name()) continue;
      *result.add_priority_results() =
          IncentiveResult(incentive, *firm.designation, policy.has_scored_ranking(), value,
                          judged.per_firm_cap_won);
    }
  }
  result.set_priority_value(value);
  *result.mutable_evaluate_time() = ToTimestamp(now);
  return judged;
}

}  // namespace kexport::applications
