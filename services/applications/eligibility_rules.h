// Eligibility rules as data: each typed rule of a programme or round judged
// on a firm as the registry, the designation service and the ban list
// report it at submission, with the data seen and a plain-language reason.
// A new programme needs no code: only new rule types do.
//
//   v1::RuleResult result = JudgeEligibility(rule, firm, context);
//   // result.explanation(): "exports USD 7,120,000 within USD 5,000,000-10,000,000"
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "clients/firm_directory.h"
#include "kexport/applications/v1/applications.pb.h"
#include "kexport/designation/v1/designation.pb.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport::applications {

// What the rules look at, gathered at submission: the registry's facts
// (the firm, its current export records), and more.
struct FirmSnapshot : clients::FirmFacts {
  // The G-PASS designation in force on the submission day, if any.
  std::optional<designation::v1::Designation> designation;
  // Whether an active ban covers the firm and the programme.
  bool banned = false;
};

struct RuleContext {
  absl::CivilDay submission_day;
  // The year ExportBandRule.year 0 means: the year before the window opens.
  int32_t default_export_year = 0;
};

// The implicit first check: the firm is in business.
v1::RuleResult FirmActiveCheck(const FirmSnapshot& firm);

v1::RuleResult JudgeEligibility(const v1::EligibilityRule& rule, const FirmSnapshot& firm,
                                const RuleContext& context);

// `USD 7,120,000` or `USD 12.50` from cents.
std::string FormatUsd(int64_t cents);

}  // namespace kexport::applications
