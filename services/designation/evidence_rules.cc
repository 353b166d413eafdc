#include "services/designation/evidence_rules.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"
#include "common/money.h"

namespace kexport::designation {
namespace {

bool Within(const google::type::Date& date, absl::CivilDay from,
            absl::CivilDay until) {
  if (!DateValid(date)) {
    return false;
  }
  absl::CivilDay day = ToCivilDay(date);
  return day >= from && day <= until;
}

// `overseas_bids` from EVIDENCE_METRIC_OVERSEAS_BIDS.
std::string MetricWord(v1::EvidenceMetric metric) {
  std::string name = v1::EvidenceMetric_Name(metric);
  return absl::AsciiStrToLower(name.substr(sizeof("EVIDENCE_METRIC_") - 1));
}

}  // namespace

EvidenceMetrics MeasureEvidence(const v1::DesignationEvidence& evidence,
                                absl::CivilDay from, absl::CivilDay until,
                                int64_t export_total_usd_cents) {
  EvidenceMetrics metrics;
  metrics.from = from;
  metrics.until = until;
  auto& v = metrics.values;
  for (const auto& bid : evidence.overseas_bids()) {
    v[v1::EVIDENCE_METRIC_OVERSEAS_BIDS] += Within(bid.date(), from, until);
  }
  for (const auto& contract : evidence.contracts_won()) {
    if (!Within(contract.date(), from, until)) continue;
    v[v1::EVIDENCE_METRIC_CONTRACTS_WON] += 1;
    // Saturates rather than overflows: 200 contracts may each be huge.
    int64_t& value = v[v1::EVIDENCE_METRIC_CONTRACTS_WON_USD_CENTS];
    value = CheckedAdd(value, contract.amount_usd_cents()).value_or(INT64_MAX);
    v[v1::EVIDENCE_METRIC_AGENCY_SUPPORTED_EXPORTS] +=
        !contract.supported_by_program().empty();
  }
  for (const auto& certification : evidence.foreign_certifications()) {
    v[v1::EVIDENCE_METRIC_FOREIGN_CERTIFICATIONS] +=
        Within(certification.issued_on(), from, until);
  }
  for (const auto& mission : evidence.market_missions()) {
    v[v1::EVIDENCE_METRIC_MARKET_MISSIONS] += Within(mission.end_date(), from, until);
  }
  for (const auto& pilot : evidence.overseas_pilots()) {
    v[v1::EVIDENCE_METRIC_OVERSEAS_PILOT_SUCCESSES] +=
        pilot.outcome() == v1::PILOT_OUTCOME_SUCCEEDED &&
        Within(pilot.concluded_on(), from, until);
  }
  v[v1::EVIDENCE_METRIC_EXPORT_TRAINING_HOURS] = evidence.export_training_hours();
  v[v1::EVIDENCE_METRIC_INNOVATIVE_PROCUREMENT] = evidence.innovative_procurement();
  v[v1::EVIDENCE_METRIC_E_B2G_PARTICIPATION] = evidence.e_b2g_participant();
  v[v1::EVIDENCE_METRIC_EXPORT_TOTAL_USD_CENTS] = export_total_usd_cents;
  return metrics;
}

v1::RuleResult JudgeRule(const v1::EvidenceRule& rule,
                         const EvidenceMetrics& metrics, v1::DesignationKind kind,
                         const std::string& source) {
  v1::RuleResult result;
  result.set_rule_id(rule.id());
  result.set_description(rule.description());
  result.set_source(source);
  int64_t value = 0;
  std::vector<std::string> observed;
  for (int metric : rule.metrics()) {
    auto m = static_cast<v1::EvidenceMetric>(metric);
    value += metrics.Get(m);
    observed.push_back(absl::StrCat(MetricWord(m), "=", metrics.Get(m)));
  }
  result.set_observed_value(value);
  result.set_observed(absl::StrJoin(observed, "; "));
  bool applies = rule.kinds().empty() ||
                 std::find(rule.kinds().begin(), rule.kinds().end(), kind) !=
                     rule.kinds().end();
  if (!applies) {
    result.set_passed(false);
    result.set_explanation(absl::StrCat("applies to other kinds of application than ",
                                        v1::DesignationKind_Name(kind)));
    return result;
  }
  result.set_passed(value >= rule.min_value());
  result.set_explanation(absl::StrCat(
      result.observed(), " between ", absl::FormatCivilTime(metrics.from), " and ",
      absl::FormatCivilTime(metrics.until), ": ", value, ", at least ", rule.min_value(),
      " required"));
  return result;
}

Bonuses JudgeBonuses(const v1::DesignationPolicy& policy,
                     const EvidenceMetrics& metrics, v1::DesignationKind kind,
                     const std::string& source) {
  Bonuses bonuses;
  for (const v1::BonusRule& bonus : policy.bonuses()) {
    v1::RuleResult result = JudgeRule(bonus.condition(), metrics, kind, source);
    if (result.passed()) {
      int64_t points = std::min(result.observed_value() * bonus.points_per_unit_x100(),
                                bonus.max_points_x100());
      result.set_points_x100(points);
      bonuses.total_x100 += points;
    }
    bonuses.rules.push_back(std::move(result));
  }
  if (policy.max_bonus_x100() > 0) {
    bonuses.total_x100 = std::min(bonuses.total_x100, policy.max_bonus_x100());
  }
  return bonuses;
}

v1::GradeAssessment AssessGrade(const v1::DesignationPolicy& policy,
                                const EvidenceMetrics& metrics,
                                v1::DesignationKind kind, const std::string& source) {
  v1::GradeAssessment assessment;
  v1::Grade best = policy.default_grade();
  std::string because = "no grade rule passed: the default grade";
  for (const v1::GradeRule& rule : policy.grade_rules()) {
    v1::RuleResult result = JudgeRule(rule.condition(), metrics, kind, source);
    result.set_grade(rule.grade());
    // Grades count down: A (1) is better than C (3).
    if (result.passed() && rule.grade() < best) {
      best = rule.grade();
      because = absl::StrCat(rule.condition().id(), " passed (", result.observed(), ")");
    }
    *assessment.add_rule_results() = std::move(result);
  }
  assessment.set_grade(best);
  assessment.set_explanation(
      absl::StrCat(because, ": ", v1::Grade_Name(best).substr(sizeof("GRADE_") - 1)));
  *assessment.mutable_evidence_from() = ToDate(metrics.from);
  *assessment.mutable_evidence_until() = ToDate(metrics.until);
  assessment.set_policy_revision(policy.revision());
  return assessment;
}

}  // namespace kexport::designation
