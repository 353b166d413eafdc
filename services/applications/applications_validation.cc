#include "services/applications/applications_validation.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/field_checker.h"
#include "common/idempotency.h"
#include "common/ksic.h"
#include "common/money.h"
#include "common/text.h"
#include "google/protobuf/util/time_util.h"
#include "services/applications/applications_names.h"

namespace kexport::applications {
namespace {

using google::protobuf::RepeatedPtrField;
using IdSet = absl::flat_hash_set<absl::string_view>;

constexpr int64_t kMaxBasisPoints = 10000;
// A service's cost, won: a thousand trillion is beyond any programme and
// keeps the sum of 20 items far from overflowing.
constexpr int64_t kMaxCostWon = 1'000'000'000'000'000;
// What ApplicationQuestion.max_length 0 means, and its most.
constexpr size_t kMaxAnswerLength = 4000;

// Top-level fields an update may name: every client-settable one.
constexpr absl::string_view kProgramSettable[] = {
    "title_ko",
    "title_en",
    "description",
    "lead_agency",
    "partner_agencies",
    "fiscal_year",
    "budget_account",
    "support_items",
    "per_firm_cap_won",
    "per_service_cap_won",
    "capacity",
    "state_share_bp",
    "subsidy_share_bands",
    "eligibility_rules",
    "questions",
    "apply_gpass_incentives",
};
constexpr absl::string_view kRoundSettable[] = {
    "title",      "description",     "apply_start_time",  "apply_end_time",   "capacity",
    "budget_won", "max_request_won", "eligibility_rules", "selection_policy",
};
constexpr absl::string_view kApplicationSettable[] = {
    "requested_items",
    "answers",
    "prior_year_sales_won",
    "sales_evidence_ref",
};

void Range(FieldChecker& check, absl::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    check.Fail(field, absl::StrCat(min, " to ", max));
  }
}

void Positive(FieldChecker& check, absl::string_view field, int64_t value) {
  if (value < 1) {
    check.Fail(field, "required: positive");
  }
}

// A member of the enum other than UNSPECIFIED (0). Proto3 enums are open:
// an unknown number survives parsing.
bool KnownEnum(FieldChecker& check, absl::string_view field, int value, bool (*valid)(int)) {
  if (value == 0 || !valid(value)) {
    check.Fail(field, "required: a known value other than UNSPECIFIED");
    return false;
  }
  return true;
}

// At least one known member of the enum, none repeated.
void EnumSet(FieldChecker& check, absl::string_view field,
             const google::protobuf::RepeatedField<int>& values, bool (*valid)(int)) {
  if (values.empty()) {
    check.Fail(field, "at least one");
  }
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    std::string entry = absl::StrCat(field, "[", i, "]");
    if (KnownEnum(check, entry, values[i], valid) && !seen.insert(values[i]).second) {
      check.Fail(entry, "repeated");
    }
  }
}

// 1 to 63 characters of [a-z0-9-]. True when so.
bool Id(FieldChecker& check, absl::string_view field, absl::string_view id) {
  if (id.empty()) {
    check.Fail(field, "required");
    return false;
  }
  if (!IsLowerSlug(id, 63)) {
    check.Fail(field, "1 to 63 characters of [a-z0-9-]");
    return false;
  }
  return true;
}

// An id as above, not yet in `ids`, to which it is added.
void UniqueId(FieldChecker& check, absl::string_view field, absl::string_view id, IdSet& ids) {
  if (Id(check, field, id) && !ids.insert(id).second) {
    check.Fail(field, "repeated");
  }
}

// Checks each entry of the list `field` with `one(entry_checker, index)`,
// unless there are more than `max`: then only the count is reported.
template <typename CheckOne>
void Each(FieldChecker& check, absl::string_view field, int size, int max, CheckOne one) {
  if (size > max) {
    check.Fail(field, absl::StrCat("at most ", max));
    return;
  }
  for (int i = 0; i < size; ++i) {
    one(check.Nested(absl::StrCat(field, "[", i, "]")), i);
  }
}

// Set, and within the range google.protobuf.Timestamp allows. True when so.
bool Time(FieldChecker& check, absl::string_view field, bool set,
          const google::protobuf::Timestamp& time) {
  using google::protobuf::util::TimeUtil;
  if (!set) {
    check.Fail(field, "required");
    return false;
  }
  if (time.seconds() < TimeUtil::kTimestampMinSeconds ||
      time.seconds() > TimeUtil::kTimestampMaxSeconds || time.nanos() < 0 ||
      time.nanos() > 999'999'999) {
    check.Fail(field, "not a valid timestamp");
    return false;
  }
  return true;
}

bool DateGiven(const google::type::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

// A section letter and 0 to 5 digits. common's KsicPrefixValid follows the
// classification's levels (a letter, or 2 to 5 digits); a rule may also cut
// a division in half, e.g. `C2` for divisions 20 to 29.
bool RuleKsicPrefixValid(absl::string_view prefix) {
  return KsicPrefixValid(prefix) || (prefix.size() == 2 && KsicPrefixValid(prefix.substr(0, 1)) &&
                                     absl::ascii_isdigit(static_cast<unsigned char>(prefix[1])));
}

void Sector(FieldChecker check, const v1::SectorRule& rule) {
  if (rule.sectors_size() > 50) {
    check.Fail("sectors", "at most 50");
  } else {
    for (int i = 0; i < rule.sectors_size(); ++i) {
      // The registry only writes sectors of this form, so no other can match.
      if (!IsLowerSlug(rule.sectors(i), 40)) {
        check.Fail(absl::StrCat("sectors[", i, "]"), "1 to 40 characters of [a-z0-9-]");
      }
    }
  }
  if (rule.ksic_prefixes_size() > 50) {
    check.Fail("ksic_prefixes", "at most 50");
  } else {
    for (int i = 0; i < rule.ksic_prefixes_size(); ++i) {
      if (!RuleKsicPrefixValid(rule.ksic_prefixes(i))) {
        check.Fail(absl::StrCat("ksic_prefixes[", i, "]"),
                   "a section letter A to U and 0 to 5 digits, e.g. `C26`");
      }
    }
  }
  if (!rule.ksic_prefixes().empty() && !KsicRevisionValid(rule.ksic_revision())) {
    check.Fail("ksic_revision", "required with ksic_prefixes, e.g. 11");
  }
}

void ExportBand(FieldChecker check, const v1::ExportBandRule& rule) {
  if (rule.year() != 0) {
    Range(check, "year", rule.year(), 2000, 2100);
  }
  check.NotNegative("min_usd_cents", rule.min_usd_cents());
  if (rule.max_usd_cents() != 0 && rule.max_usd_cents() < rule.min_usd_cents()) {
    check.Fail("max_usd_cents", "0 (no upper bound) or at least min_usd_cents");
  }
}

// One eligibility rule or priority condition.
void Rule(FieldChecker check, const v1::EligibilityRule& rule) {
  Id(check, "id", rule.id());
  check.Text("description", rule.description(), 300, true);
  switch (rule.rule_case()) {
    case v1::EligibilityRule::kSizeClass:
      EnumSet(check, "size_class.size_classes", rule.size_class().size_classes(),
              v1::SizeClass_IsValid);
      break;
    case v1::EligibilityRule::kSector:
      if (rule.sector().sectors().empty() && rule.sector().ksic_prefixes().empty()) {
        check.Fail("sector", "at least one sector or KSIC prefix");
      }
      Sector(check.Nested("sector"), rule.sector());
      break;
    case v1::EligibilityRule::kExportBand:
      ExportBand(check.Nested("export_band"), rule.export_band());
      break;
    case v1::EligibilityRule::kGpassDesignation:
      // UNSPECIFIED accepts any grade.
      if (!v1::GpassGrade_IsValid(rule.gpass_designation().min_grade())) {
        check.Fail("gpass_designation.min_grade", "a known grade, or unset for any");
      }
      check.Date("gpass_designation.designated_on_or_after",
                 rule.gpass_designation().designated_on_or_after(), /*required=*/false);
      break;
    case v1::EligibilityRule::kCertificate:
      KnownEnum(check, "certificate.type", rule.certificate().type(),
                v1::CertificationType_IsValid);
      break;
    case v1::EligibilityRule::kFirmAge:
      Range(check, "firm_age.max_years", rule.firm_age().max_years(), 1, 100);
      break;
    case v1::EligibilityRule::kProcurementHistory: {
      const v1::ProcurementHistoryRule& limits = rule.procurement_history();
      if (!limits.has_max_contract_value_won() && !limits.has_max_contract_count()) {
        check.Fail("procurement_history",
                   "at least one limit: max_contract_value_won or max_contract_count");
      }
      check.NotNegative("procurement_history.max_contract_value_won",
                        limits.max_contract_value_won());
      check.NotNegative("procurement_history.max_contract_count", limits.max_contract_count());
      break;
    }
    case v1::EligibilityRule::kGrowthStage:
      EnumSet(check, "growth_stage.growth_stages", rule.growth_stage().growth_stages(),
              v1::GrowthStage_IsValid);
      break;
    case v1::EligibilityRule::kNotBanned:
      break;  // nothing to set
    case v1::EligibilityRule::RULE_NOT_SET:
      check.Fail("rule", "required: one rule type, e.g. size_class or sector");
      break;
  }
}

IdSet RuleIds(const RepeatedPtrField<v1::EligibilityRule>& rules) {
  IdSet ids;
  for (const v1::EligibilityRule& rule : rules) {
    ids.insert(rule.id());
  }
  return ids;
}

// A programme's or round's rules; a round's must not reuse `programme_ids`,
// as a rule's results are known by its id.
void Rules(FieldChecker& check, const RepeatedPtrField<v1::EligibilityRule>& rules, int max,
           const IdSet& programme_ids) {
  IdSet ids;
  Each(check, "eligibility_rules", rules.size(), max, [&](FieldChecker entry, int i) {
    const v1::EligibilityRule& rule = rules[i];
    Rule(entry, rule);
    if (!IsLowerSlug(rule.id(), 63)) {
      return;  // already reported
    }
    if (programme_ids.contains(rule.id())) {
      entry.Fail("id", "already the id of a programme rule");
    } else if (!ids.insert(rule.id()).second) {
      entry.Fail("id", "repeated");
    }
  });
}

// Bands are [min, max), max 0 meaning no bound; the well-formed ones must
// not overlap.
void ShareBands(FieldChecker& check, const RepeatedPtrField<v1::SubsidyShareBand>& bands) {
  std::vector<int> well_formed;
  for (int i = 0; i < bands.size(); ++i) {
    const v1::SubsidyShareBand& band = bands[i];
    FieldChecker entry = check.Nested(absl::StrCat("subsidy_share_bands[", i, "]"));
    bool ok = true;
    if (band.min_sales_won() < 0) {
      entry.Fail("min_sales_won", "must not be negative");
      ok = false;
    }
    if (band.max_sales_won() != 0 && band.max_sales_won() <= band.min_sales_won()) {
      entry.Fail("max_sales_won", "0 (no upper bound) or more than min_sales_won");
      ok = false;
    }
    Range(entry, "state_share_bp", band.state_share_bp(), 1, kMaxBasisPoints);
    if (ok) {
      well_formed.push_back(i);
    }
  }
  auto upper = [&](int i) {
    int64_t max = bands[i].max_sales_won();
    return max == 0 ? std::numeric_limits<int64_t>::max() : max;
  };
  std::sort(well_formed.begin(), well_formed.end(), [&](int a, int b) {
    return std::make_pair(bands[a].min_sales_won(), a) <
           std::make_pair(bands[b].min_sales_won(), b);
  });
  // In order of lower bound, a band overlaps an earlier one exactly when it
  // starts below the highest upper bound so far.
  int reach = -1;
  for (int i : well_formed) {
    if (reach >= 0 && bands[i].min_sales_won() < upper(reach)) {
      check.Fail(absl::StrCat("subsidy_share_bands[", i, "]"),
                 absl::StrCat("overlaps subsidy_share_bands[", reach, "]"));
    }
    if (reach < 0 || upper(i) > upper(reach)) {
      reach = i;
    }
  }
}

void ProgramFields(FieldChecker check, const v1::Program& program) {
  check.Text("title_ko", program.title_ko(), 200, true);
  check.Text("title_en", program.title_en(), 200, true);
  check.Text("description", program.description(), 2000, false);
  KnownEnum(check, "lead_agency", program.lead_agency(), v1::Agency_IsValid);
  absl::flat_hash_set<int> partners;
  for (int i = 0; i < program.partner_agencies_size(); ++i) {
    std::string field = absl::StrCat("partner_agencies[", i, "]");
    int agency = program.partner_agencies(i);
    if (!KnownEnum(check, field, agency, v1::Agency_IsValid)) {
      continue;
    }
    if (agency == program.lead_agency()) {
      check.Fail(field, "is the lead agency");
    } else if (!partners.insert(agency).second) {
      check.Fail(field, "repeated");
    }
  }
  Range(check, "fiscal_year", program.fiscal_year(), 2000, 2100);
  // Account ids as the ledger takes them.
  absl::string_view account = program.budget_account();
  if (!absl::ConsumePrefix(&account, "accounts/") || !IsLowerSlug(account, 63) ||
      account[0] == '-') {
    check.Fail("budget_account",
               "required: `accounts/{id}`, 1 to 63 characters of [a-z0-9-] not starting "
               "with `-`");
  }
  if (program.support_items().empty()) {
    check.Fail("support_items", "at least one");
  }
  IdSet item_ids;
  Each(check, "support_items", program.support_items_size(), 50, [&](FieldChecker entry, int i) {
    UniqueId(entry, "id", program.support_items(i).id(), item_ids);
    entry.Text("title", program.support_items(i).title(), 200, true);
  });
  // Caps become ledger amounts (the cap grant), which have a most.
  Range(check, "per_firm_cap_won", program.per_firm_cap_won(), 1, kMaxTransferAmount);
  check.NotNegative("per_service_cap_won", program.per_service_cap_won());
  check.NotNegative("capacity", program.capacity());
  Range(check, "state_share_bp", program.state_share_bp(), 1, kMaxBasisPoints);
  ShareBands(check, program.subsidy_share_bands());
  Rules(check, program.eligibility_rules(), 50, /*programme_ids=*/{});
  IdSet question_ids;
  Each(check, "questions", program.questions_size(), 30, [&](FieldChecker entry, int i) {
    const v1::ApplicationQuestion& question = program.questions(i);
    UniqueId(entry, "id", question.id(), question_ids);
    entry.Text("text", question.text(), 1000, true);
    Range(entry, "max_length", question.max_length(), 0, kMaxAnswerLength);
  });
}

// A lottery weight or score bonus: a valid condition and a value of 1 to
// `max_value`.
void Adjustment(FieldChecker check, const v1::PriorityAdjustment& adjustment, int64_t max_value) {
  if (!adjustment.has_condition()) {
    check.Fail("condition", "required");
  } else {
    Rule(check.Nested("condition"), adjustment.condition());
  }
  Range(check, "value", adjustment.value(), 1, max_value);
}

void ScoredRanking(FieldChecker check, const v1::ScoredRankingPolicy& policy) {
  if (policy.criteria().empty()) {
    check.Fail("criteria", "1 to 20 criteria");
  }
  IdSet criterion_ids;
  int64_t weights = 0;
  Each(check, "criteria", policy.criteria_size(), 20, [&](FieldChecker entry, int i) {
    const v1::ScoringCriterion& criterion = policy.criteria(i);
    UniqueId(entry, "id", criterion.id(), criterion_ids);
    entry.Text("title", criterion.title(), 200, true);
    Range(entry, "max_points", criterion.max_points(), 1, 1000);
    Range(entry, "weight_bp", criterion.weight_bp(), 1, kMaxBasisPoints);
    Range(entry, "min_score_bp", criterion.min_score_bp(), 0, kMaxBasisPoints);
    weights += criterion.weight_bp();
  });
  if (!policy.criteria().empty() && policy.criteria_size() <= 20 && weights != kMaxBasisPoints) {
    check.Fail("criteria", absl::StrCat("weights sum to ", weights, " bp, not 10000"));
  }
  Range(check, "min_total_score_bp", policy.min_total_score_bp(), 0, kMaxBasisPoints);
  Range(check, "min_reviews", policy.min_reviews(), 0, 10);
  Each(check, "bonuses", policy.bonuses_size(), 10,
       [&](FieldChecker entry, int i) { Adjustment(entry, policy.bonuses(i), kMaxBasisPoints); });
  // Every criterion's id, so that a key is not blamed for a problem of the
  // criteria list reported above.
  IdSet known;
  for (const v1::ScoringCriterion& criterion : policy.criteria()) {
    known.insert(criterion.id());
  }
  for (int i = 0; i < policy.tie_break_size(); ++i) {
    const v1::TieBreakKey& key = policy.tie_break(i);
    FieldChecker entry = check.Nested(absl::StrCat("tie_break[", i, "]"));
    KnownEnum(entry, "kind", key.kind(), v1::TieBreakKind_IsValid);
    if (key.kind() != v1::TIE_BREAK_KIND_CRITERION_SCORE) {
      if (!key.criterion_id().empty()) {
        entry.Fail("criterion_id", "only for CRITERION_SCORE");
      }
    } else if (key.criterion_id().empty()) {
      entry.Fail("criterion_id", "required for CRITERION_SCORE");
    } else if (!known.contains(key.criterion_id())) {
      entry.Fail("criterion_id", "not a criterion of the policy");
    }
  }
}

void WeightedLottery(FieldChecker check, const v1::WeightedLotteryPolicy& policy) {
  constexpr int64_t kMaxWeight = 1'000'000;
  Range(check, "base_weight", policy.base_weight(), 0, kMaxWeight);
  Each(check, "priority_weights", policy.priority_weights_size(), 10,
       [&](FieldChecker entry, int i) {
         Adjustment(entry, policy.priority_weights(i), kMaxWeight);
       });
}

void Policy(FieldChecker check, const v1::SelectionPolicy& policy) {
  switch (policy.policy_case()) {
    case v1::SelectionPolicy::kScoredRanking:
      ScoredRanking(check.Nested("scored_ranking"), policy.scored_ranking());
      break;
    case v1::SelectionPolicy::kWeightedLottery:
      WeightedLottery(check.Nested("weighted_lottery"), policy.weighted_lottery());
      break;
    case v1::SelectionPolicy::kFirstComeFirstServed:
      break;  // nothing to set
    case v1::SelectionPolicy::POLICY_NOT_SET:
      check.Fail("policy", "required: scored_ranking, weighted_lottery or first_come_first_served");
      break;
  }
  check.Text("seed_source", policy.seed_source(), 300, true);
}

void RoundFields(FieldChecker check, const v1::Round& round, const v1::Program& program) {
  check.Text("title", round.title(), 200, true);
  check.Text("description", round.description(), 2000, false);
  bool start =
      Time(check, "apply_start_time", round.has_apply_start_time(), round.apply_start_time());
  bool end = Time(check, "apply_end_time", round.has_apply_end_time(), round.apply_end_time());
  if (start && end &&
      FromTimestamp(round.apply_end_time()) <= FromTimestamp(round.apply_start_time())) {
    check.Fail("apply_end_time", "must be after apply_start_time");
  }
  Positive(check, "capacity", round.capacity());
  check.NotNegative("budget_won", round.budget_won());
  check.NotNegative("max_request_won", round.max_request_won());
  Rules(check, round.eligibility_rules(), 20, RuleIds(program.eligibility_rules()));
  if (!round.has_selection_policy()) {
    check.Fail("selection_policy", "required");
  } else {
    Policy(check.Nested("selection_policy"), round.selection_policy());
  }
}

// What the firm fills in, against the programme's items and questions.
void Content(FieldChecker check, const v1::Application& application, const v1::Program& program) {
  IdSet offered;
  for (const v1::SupportItem& item : program.support_items()) {
    offered.insert(item.id());
  }
  IdSet requested;
  Each(check, "requested_items", application.requested_items_size(), 20,
       [&](FieldChecker entry, int i) {
         const v1::RequestedItem& item = application.requested_items(i);
         if (item.support_item_id().empty()) {
           entry.Fail("support_item_id", "required");
         } else if (!offered.contains(item.support_item_id())) {
           entry.Fail("support_item_id", "not a support item of the programme");
         } else if (!requested.insert(item.support_item_id()).second) {
           entry.Fail("support_item_id", "requested twice");
         }
         Range(entry, "cost_won", item.cost_won(), 1, kMaxCostWon);
         entry.Text("description", item.description(), 500, false);
       });
  absl::flat_hash_map<absl::string_view, size_t> max_lengths;
  for (const v1::ApplicationQuestion& question : program.questions()) {
    max_lengths[question.id()] =
        question.max_length() == 0 ? kMaxAnswerLength : question.max_length();
  }
  // Map order is unspecified: sorted, the same request reports the same.
  std::vector<std::pair<absl::string_view, absl::string_view>> answers(
      application.answers().begin(), application.answers().end());
  std::sort(answers.begin(), answers.end());
  for (const auto& [key, answer] : answers) {
    auto question = max_lengths.find(key);
    if (question == max_lengths.end()) {
      // The key is the caller's input, of any length: shown cut short.
      check.Fail("answers",
                 absl::StrCat("`", key.substr(0, 64), "` is not a question id of the programme"));
    } else {
      check.Text(absl::StrCat("answers[", key, "]"), answer, question->second, false);
    }
  }
  check.NotNegative("prior_year_sales_won", application.prior_year_sales_won());
  check.Text("sales_evidence_ref", application.sales_evidence_ref(), 200, false);
}

// Mask paths must be top-level fields in `settable`.
void UpdateMask(FieldViolations& violations, const google::protobuf::FieldMask& mask,
                absl::Span<const absl::string_view> settable) {
  if (mask.paths().empty()) {
    violations.Add("update_mask", "required: name the fields to change");
  }
  for (absl::string_view path : mask.paths()) {
    if (std::find(settable.begin(), settable.end(), path) == settable.end()) {
      // Echoed back cut short: it is the caller's input.
      violations.Add("update_mask",
                     absl::StrCat("`", path.substr(0, 64),
                                  "` is not a top-level field this update may change"));
    }
  }
}

// A state change with a reason, e.g. a withdrawal: the resource's name
// (parsed by the caller), the reason and the request id.
absl::Status ValidateReasonedChange(const absl::Status& name_parsed, absl::string_view reason,
                                    absl::string_view request_id) {
  FieldViolations violations;
  violations.AddFrom(name_parsed);
  if (absl::StripAsciiWhitespace(reason).empty()) {
    violations.Add("reason", "required");
  } else if (CharacterCount(reason) > 500) {
    violations.Add("reason", "at most 500 characters");
  }
  violations.AddFrom(ValidateRequestId(request_id));
  return violations.ToStatus();
}

}  // namespace

absl::Status ValidateProgramCreation(const v1::CreateProgramRequest& request) {
  FieldViolations violations;
  if (!ProgramIdValid(request.program_id())) {
    violations.Add("program_id", "1 to 40 characters of [a-z0-9-], starting with a letter");
  }
  if (!request.has_program()) {
    violations.Add("program", "required");
  } else {
    ProgramFields(FieldChecker("program", violations), request.program());
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateProgramUpdate(const v1::UpdateProgramRequest& request,
                                   const v1::Program& merged) {
  FieldViolations violations;
  violations.AddFrom(ParseProgramName(request.program().name(), "program.name").status());
  UpdateMask(violations, request.update_mask(), kProgramSettable);
  ProgramFields(FieldChecker("program", violations), merged);
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateRoundCreation(const v1::CreateRoundRequest& request,
                                   const v1::Program& program) {
  FieldViolations violations;
  violations.AddFrom(ParseProgramName(request.parent(), "parent").status());
  if (!IsLowerSlug(request.round_id(), 63)) {
    violations.Add("round_id", "1 to 63 characters of [a-z0-9-]");
  }
  if (!request.has_round()) {
    violations.Add("round", "required");
  } else {
    RoundFields(FieldChecker("round", violations), request.round(), program);
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateRoundUpdate(const v1::UpdateRoundRequest& request, const v1::Round& merged,
                                 const v1::Program& program) {
  FieldViolations violations;
  violations.AddFrom(ParseRoundName(request.round().name(), "round.name").status());
  UpdateMask(violations, request.update_mask(), kRoundSettable);
  RoundFields(FieldChecker("round", violations), merged, program);
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateFinalization(const v1::FinalizeRoundRequest& request) {
  return ValidateReasonedChange(ParseRoundName(request.name(), "name").status(), request.reason(),
                                request.request_id());
}

absl::Status ValidateApplicationCreation(const v1::CreateApplicationRequest& request,
                                         const v1::Program& program) {
  FieldViolations violations;
  if (!request.has_application()) {
    violations.Add("application", "required");
  } else {
    const v1::Application& application = request.application();
    violations.AddFrom(ParseFirmName(application.firm(), "application.firm").status());
    violations.AddFrom(ParseRoundName(application.round(), "application.round").status());
    Content(FieldChecker("application", violations), application, program);
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateApplicationUpdate(const v1::UpdateApplicationRequest& request,
                                       const v1::Application& merged, const v1::Program& program) {
  FieldViolations violations;
  violations.AddFrom(
      ParseApplicationName(request.application().name(), "application.name").status());
  UpdateMask(violations, request.update_mask(), kApplicationSettable);
  Content(FieldChecker("application", violations), merged, program);
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateSubmission(const v1::SubmitApplicationRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ParseApplicationName(request.name(), "name").status());
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status CheckReadyToSubmit(const v1::Application& application, const v1::Program& program) {
  FieldViolations problems;
  FieldChecker check("application", problems);
  // Items or questions may have been removed, or answers shortened, since
  // the draft was last saved.
  Content(check, application, program);
  if (application.requested_items().empty()) {
    check.Fail("requested_items", "at least one item");
  }
  for (const v1::ApplicationQuestion& question : program.questions()) {
    auto answer = application.answers().find(question.id());
    if (question.required() && (answer == application.answers().end() ||
                                absl::StripAsciiWhitespace(answer->second).empty())) {
      check.Fail(absl::StrCat("answers[", question.id(), "]"), "required question unanswered");
    }
  }
  // A declared 0 cannot be told from a missing figure; the evidence can.
  bool bands = !program.subsidy_share_bands().empty();
  if ((bands || application.prior_year_sales_won() != 0) &&
      absl::StripAsciiWhitespace(application.sales_evidence_ref()).empty()) {
    check.Fail("sales_evidence_ref",
               bands ? "required: the programme's share depends on prior_year_sales_won"
                     : "required with prior_year_sales_won");
  }
  if (problems.empty()) {
    return absl::OkStatus();
  }
  std::vector<std::string> parts;
  for (const FieldViolation& problem : problems.all()) {
    parts.push_back(absl::StrCat(problem.field, ": ", problem.reason));
  }
  return FailedPreconditionError(
      "APPLICATION_INCOMPLETE",
      absl::StrCat("the application is not ready to submit: ", absl::StrJoin(parts, "; ")));
}

absl::Status ValidateWithdrawal(const v1::WithdrawApplicationRequest& request) {
  return ValidateReasonedChange(ParseApplicationName(request.name(), "name").status(),
                                request.reason(), request.request_id());
}

absl::Status ValidateCancellation(const v1::CancelApplicationRequest& request) {
  return ValidateReasonedChange(ParseApplicationName(request.name(), "name").status(),
                                request.reason(), request.request_id());
}

absl::Status ValidateReview(const v1::ReviewApplicationRequest& request,
                            const v1::ScoredRankingPolicy& policy) {
  FieldViolations violations;
  violations.AddFrom(ParseApplicationName(request.name(), "name").status());
  if (!request.has_review()) {
    violations.Add("review", "required");
  } else {
    FieldChecker check("review", violations);
    absl::flat_hash_map<absl::string_view, int32_t> max_points;
    for (const v1::ScoringCriterion& criterion : policy.criteria()) {
      max_points[criterion.id()] = criterion.max_points();
    }
    IdSet scored;
    for (int i = 0; i < request.review().scores_size(); ++i) {
      const v1::CriterionScore& score = request.review().scores(i);
      FieldChecker entry = check.Nested(absl::StrCat("scores[", i, "]"));
      auto criterion = max_points.find(score.criterion_id());
      if (score.criterion_id().empty()) {
        entry.Fail("criterion_id", "required");
      } else if (criterion == max_points.end()) {
        entry.Fail("criterion_id", "not a criterion of the round");
      } else if (!scored.insert(score.criterion_id()).second) {
        entry.Fail("criterion_id", "scored twice");
      } else {
        Range(entry, "score", score.score(), 0, criterion->second);
      }
    }
    for (const v1::ScoringCriterion& criterion : policy.criteria()) {
      if (!scored.contains(criterion.id())) {
        check.Fail("scores", absl::StrCat("missing a score for ", criterion.id()));
      }
    }
    check.Text("comment", request.review().comment(), 4000, false);
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateRunSelection(const v1::RunSelectionRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ParseRoundName(request.round(), "round").status());
  absl::string_view seed = request.seed_value();
  if (absl::StripAsciiWhitespace(seed).empty()) {
    violations.Add("seed_value", "required: the value the seed source published");
  } else if (seed.size() > 256 ||
             !std::all_of(seed.begin(), seed.end(), [](char c) { return c >= ' ' && c <= '~'; })) {
    violations.Add("seed_value", "1 to 256 printable ASCII characters");
  }
  if (!request.expected_inputs_sha256().empty() &&
      !IsLowerHexSha256(request.expected_inputs_sha256())) {
    violations.Add("expected_inputs_sha256", "empty, or 64 lower-case hex characters");
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateDisbursementRequest(const v1::RecordDisbursementRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ParseAwardName(request.award(), "award").status());
  if (!request.has_disbursement()) {
    violations.Add("disbursement", "required");
  } else {
    const v1::Disbursement& disbursement = request.disbursement();
    FieldChecker check("disbursement", violations);
    Positive(check, "amount_won", disbursement.amount_won());
    Id(check, "support_item_id", disbursement.support_item_id());
    check.Text("evidence_ref", disbursement.evidence_ref(), 500, true);
    if (!disbursement.evidence_sha256().empty() &&
        !IsLowerHexSha256(disbursement.evidence_sha256())) {
      check.Fail("evidence_sha256", "empty, or 64 lower-case hex characters");
    }
    check.Text("supplier", disbursement.supplier(), 200, true);
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

absl::Status ValidateCompletion(const v1::CompleteAwardRequest& request) {
  return ValidateReasonedChange(ParseAwardName(request.name(), "name").status(), request.reason(),
                                request.request_id());
}

absl::Status ValidateRelease(const v1::ReleaseAwardRequest& request) {
  return ValidateReasonedChange(ParseAwardName(request.name(), "name").status(), request.reason(),
                                request.request_id());
}

absl::Status ValidateBan(const v1::BanFirmRequest& request) {
  FieldViolations violations;
  if (!request.has_ban()) {
    violations.Add("ban", "required");
  } else {
    const v1::FirmBan& ban = request.ban();
    FieldChecker check("ban", violations);
    violations.AddFrom(ParseFirmName(ban.firm(), "ban.firm").status());
    if (!ban.program().empty()) {
      violations.AddFrom(ParseProgramName(ban.program(), "ban.program").status());
    }
    KnownEnum(check, "reason", ban.reason(), v1::BanReason_IsValid);
    check.Text("reason_detail", ban.reason_detail(), 2000, true);
    bool start = check.Date("start_date", ban.start_date(), /*required=*/true);
    if (ban.reason() == v1::BAN_REASON_FRAUD && DateGiven(ban.end_date())) {
      check.Fail("end_date", "must be unset: a fraud ban is permanent");
    } else if (check.Date("end_date", ban.end_date(), /*required=*/false) && start &&
               ToCivilDay(ban.end_date()) < ToCivilDay(ban.start_date())) {
      check.Fail("end_date", "before start_date");
    }
    check.NotNegative("penalty_won", ban.penalty_won());
    check.NotNegative("clawback_won", ban.clawback_won());
  }
  violations.AddFrom(ValidateRequestId(request.request_id()));
  return violations.ToStatus();
}

}  // namespace kexport::applications
