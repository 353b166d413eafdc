// Measures a firm's export effort and results and judges the policy's rules
// on them, each judgement explained: pre-screen criteria, fast-track
// conditions, bonus points and grades.
//
//   EvidenceMetrics metrics = MeasureEvidence(evidence, from, until, export_total);
//   v1::RuleResult check = JudgeRule(rule, metrics, kind, source);
//   v1::GradeAssessment grade = AssessGrade(policy, metrics, kind, source);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "kexport/designation/v1/designation.pb.h"

namespace kexport::designation {

struct EvidenceMetrics {
  std::map<v1::EvidenceMetric, int64_t> values;
  // The period the dated entries were counted in.
  absl::CivilDay from;
  absl::CivilDay until;

  int64_t Get(v1::EvidenceMetric metric) const {
    auto it = values.find(metric);
    return it == values.end() ? 0 : it->second;
  }
};

// Counts `evidence` dated within [from, until]; `export_total_usd_cents` is
// the registry's export total of the latest complete year.
EvidenceMetrics MeasureEvidence(const v1::DesignationEvidence& evidence,
                                absl::CivilDay from, absl::CivilDay until,
                                int64_t export_total_usd_cents);

// Whether `rule` holds for an application of `kind`, and why.
v1::RuleResult JudgeRule(const v1::EvidenceRule& rule,
                         const EvidenceMetrics& metrics, v1::DesignationKind kind,
                         const std::string& source);

// The bonus rules with their points, and the total after the policy's cap.
struct Bonuses {
  std::vector<v1::RuleResult> rules;
  int64_t total_x100 = 0;
};
Bonuses JudgeBonuses(const v1::DesignationPolicy& policy,
                     const EvidenceMetrics& metrics, v1::DesignationKind kind,
                     const std::string& source);

// The best grade among the passing grade rules, else the default.
v1::GradeAssessment AssessGrade(const v1::DesignationPolicy& policy,
                                const EvidenceMetrics& metrics,
                                v1::DesignationKind kind, const std::string& source);

}  // namespace kexport::designation
