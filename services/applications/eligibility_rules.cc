#include "services/applications/eligibility_rules.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"

namespace kexport::applications {
namespace {

std::string WithThousands(int64_t value) {
  std::string digits = absl::StrCat(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

// Starts a result for `rule` about `firm`'s registry record.
v1::RuleResult Start(const v1::EligibilityRule& rule, const FirmSnapshot& firm) {
  v1::RuleResult result;
  result.set_rule_id(rule.id());
  result.set_description(rule.description());
  result.set_source(firm.firm.name());
  result.set_source_etag(firm.firm.etag());
  return result;
}

void Finish(v1::RuleResult& result, bool passed, std::string observed,
            std::string explanation) {
  result.set_passed(passed);
  result.set_observed(std::move(observed));
  result.set_explanation(std::move(explanation));
}

bool ValidOn(const registry::v1::Certification& certification, absl::CivilDay day) {
  if (!DateValid(certification.valid_from()) ||
      ToCivilDay(certification.valid_from()) > day) {
    return false;
  }
  return !DateValid(certification.valid_until()) ||
         ToCivilDay(certification.valid_until()) >= day;
}

template <typename Enum, typename NameOf>
std::string Names(const google::protobuf::RepeatedField<int>& values, NameOf name_of) {
  std::vector<std::string> names;
  for (int value : values) names.push_back(name_of(static_cast<Enum>(value)));
  return absl::StrJoin(names, ", ");
}

}  // namespace

std::string FormatUsd(int64_t cents) {
  std::string dollars = WithThousands(cents / 100);
  return cents % 100 == 0 ? absl::StrCat("USD ", dollars)
                          : absl::StrFormat("USD %s.%02d", dollars, std::abs(cents % 100));
}

v1::RuleResult FirmActiveCheck(const FirmSnapshot& firm) {
  v1::EligibilityRule rule;
  rule.set_id("firm-active");
  rule.set_description("The firm is in business");
  v1::RuleResult result = Start(rule, firm);
  bool active = firm.firm.state() == registry::v1::FIRM_STATE_ACTIVE;
  Finish(result, active, absl::StrCat("state=", registry::v1::FirmState_Name(firm.firm.state())),
         active ? "the firm is active" : "the firm is closed");
  return result;
}

v1::RuleResult JudgeEligibility(const v1::EligibilityRule& rule, const FirmSnapshot& firm,
                                const RuleContext& context) {
  v1::RuleResult result = Start(rule, firm);
  const registry::v1::Firm& f = firm.firm;
  switch (rule.rule_case()) {
    case v1::EligibilityRule::kSizeClass: {
      const auto& allowed = rule.size_class().size_classes();
      bool passed = std::find(allowed.begin(), allowed.end(),
                              static_cast<int>(f.size_class())) != allowed.end();
      std::string size = registry::v1::SizeClass_Name(f.size_class());
      Finish(result, passed, absl::StrCat("size_class=", size),
             absl::StrCat(size, passed ? " is one of " : " is not one of ",
                          Names<v1::SizeClass>(allowed, [](v1::SizeClass s) {
                            return v1::SizeClass_Name(s);
                          })));
      break;
    }
    case v1::EligibilityRule::kSector: {
      const v1::SectorRule& sector = rule.sector();
      std::vector<std::string> matched;
      for (const std::string& s : f.sectors()) {
        if (std::find(sector.sectors().begin(), sector.sectors().end(), s) !=
            sector.sectors().end()) {
          matched.push_back(s);
        }
      }
      bool revision_fits = f.ksic().revision() == sector.ksic_revision();
      for (const std::string& prefix : sector.ksic_prefixes()) {
        if (revision_fits && absl::StartsWith(f.ksic().code(), prefix)) {
          matched.push_back(absl::StrCat("KSIC ", prefix));
        }
      }
      std::string observed = absl::StrCat("sectors=", absl::StrJoin(f.sectors(), "|"),
                                          "; ksic=", f.ksic().code(), "; ksic_revision=",
                                          f.ksic().revision());
      std::string why =
          !matched.empty() ? absl::StrCat("matches ", absl::StrJoin(matched, ", "))
          : !sector.ksic_prefixes().empty() && !revision_fits
              ? absl::StrCat("no sector matches, and the firm's KSIC code is of revision ",
                             f.ksic().revision(), ", the rule's of ",
                             sector.ksic_revision())
              : "no sector or KSIC prefix matches";
      Finish(result, !matched.empty(), observed, why);
      break;
    }
    case v1::EligibilityRule::kExportBand: {
      const v1::ExportBandRule& band = rule.export_band();
      int32_t year = band.year() != 0 ? band.year() : context.default_export_year;
      int64_t total = 0;
      bool found = false;
      for (const auto& record : firm.exports) {
        if (record.year() == year && !record.superseded()) {
          total = record.total_usd_cents();
          found = true;
        }
      }
      bool passed = total >= band.min_usd_cents() &&
                    (band.max_usd_cents() == 0 || total <= band.max_usd_cents());
      std::string range =
          band.max_usd_cents() == 0
              ? absl::StrCat("at least ", FormatUsd(band.min_usd_cents()))
              : absl::StrCat(FormatUsd(band.min_usd_cents()), "-",
                             FormatUsd(band.max_usd_cents()).substr(4));
      Finish(result, passed,
             absl::StrCat("export_total_usd_cents(", year, ")=", total,
                          found ? "" : " (no record)"),
             absl::StrCat(year, " exports ", FormatUsd(total), passed ? " within " : " outside ",
                          range));
      break;
    }
    case v1::EligibilityRule::kGpassDesignation: {
      const v1::GpassDesignationRule& gpass = rule.gpass_designation();
      if (!firm.designation) {
        Finish(result, false, "designation=none", "no G-PASS designation in force");
        break;
      }
      const designation::v1::Designation& d = *firm.designation;
      result.set_source(d.name());
      result.set_source_etag(d.etag());
      // Grades count down from A (1): B accepts A and B.
      bool grade_ok = gpass.min_grade() == v1::GPASS_GRADE_UNSPECIFIED ||
                      (d.grade() != designation::v1::GRADE_UNSPECIFIED &&
                       static_cast<int>(d.grade()) <= static_cast<int>(gpass.min_grade()));
      bool date_ok = !DateValid(gpass.designated_on_or_after()) ||
                     ToCivilDay(d.valid_from()) >= ToCivilDay(gpass.designated_on_or_after());
      std::string grade = designation::v1::Grade_Name(d.grade());
      Finish(result, grade_ok && date_ok,
             absl::StrCat("designation=", d.name(), "; grade=", grade, "; valid_from=",
                          absl::FormatCivilTime(ToCivilDay(d.valid_from()))),
             !grade_ok ? absl::StrCat(grade, " is below the minimum ",
                                      v1::GpassGrade_Name(gpass.min_grade()))
             : !date_ok ? "designated before the date the rule requires"
                        : absl::StrCat("designated, ", grade));
      break;
    }
    case v1::EligibilityRule::kCertificate: {
      int type = rule.certificate().type();
      std::string valid;
      for (const auto& certification : f.certifications()) {
        if (static_cast<int>(certification.type()) == type &&
            ValidOn(certification, context.submission_day)) {
          valid = certification.number();
        }
      }
      std::string name = v1::CertificationType_Name(static_cast<v1::CertificationType>(type));
      Finish(result, !valid.empty(),
             absl::StrCat("certificate=", valid.empty() ? "none" : valid),
             valid.empty() ? absl::StrCat("no ", name, " valid on the submission date")
                           : absl::StrCat(name, " ", valid, " is valid"));
      break;
    }
    case v1::EligibilityRule::kFirmAge: {
      if (!DateValid(f.founding_date())) {
        Finish(result, false, "founding_date=unknown", "the founding date is not recorded");
        break;
      }
      absl::CivilDay founded = ToCivilDay(f.founding_date());
      int64_t years = context.submission_day.year() - founded.year();
      if (absl::CivilDay(context.submission_day.year(), founded.month(), founded.day()) >
          context.submission_day) {
        --years;  // not yet this year's anniversary
      }
      bool passed = years <= rule.firm_age().max_years();
      Finish(result, passed,
             absl::StrCat("founding_date=", absl::FormatCivilTime(founded), "; age_years=", years),
             absl::StrCat(years, " whole years old, at most ", rule.firm_age().max_years()));
      break;
    }
    case v1::EligibilityRule::kProcurementHistory: {
      const v1::ProcurementHistoryRule& limits = rule.procurement_history();
      const auto& history = f.procurement_history();
      std::vector<std::string> over;
      if (limits.has_max_contract_value_won() &&
          history.contract_value_krw() > limits.max_contract_value_won()) {
        over.push_back(absl::StrCat("value ", WithThousands(history.contract_value_krw()),
                                    " won above ", WithThousands(limits.max_contract_value_won())));
      }
      if (limits.has_max_contract_count() &&
          history.contract_count() > limits.max_contract_count()) {
        over.push_back(absl::StrCat(history.contract_count(), " contracts, at most ",
                                    limits.max_contract_count()));
      }
      Finish(result, over.empty(),
             absl::StrCat("contract_count=", history.contract_count(),
                          "; contract_value_krw=", history.contract_value_krw()),
             over.empty() ? "within the limits" : absl::StrJoin(over, "; "));
      break;
    }
    case v1::EligibilityRule::kGrowthStage: {
      const auto& stages = rule.growth_stage().growth_stages();
      bool passed = std::find(stages.begin(), stages.end(),
                              static_cast<int>(f.growth_stage())) != stages.end();
      std::string stage = registry::v1::GrowthStage_Name(f.growth_stage());
      Finish(result, passed, absl::StrCat("growth_stage=", stage),
             absl::StrCat(stage, passed ? " is one of " : " is not one of ",
                          Names<v1::GrowthStage>(stages, [](v1::GrowthStage s) {
                            return v1::GrowthStage_Name(s);
                          })));
      break;
    }
    case v1::EligibilityRule::kNotBanned:
      Finish(result, !firm.banned, absl::StrCat("banned=", firm.banned ? "yes" : "no"),
             firm.banned ? "an active ban covers the firm" : "no ban");
      break;
    default:
      Finish(result, false, "", "the rule has no condition");
  }
  return result;
}

}  // namespace kexport::applications
