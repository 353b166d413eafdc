#include "services/designation/designation_validation.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/brn.h"
#include "common/field_checker.h"
#include "common/idempotency.h"
#include "common/macros.h"

namespace kexport::designation {
namespace {

constexpr int kMaxEntries = 200;

bool CountryCodeValid(absl::string_view code) {
  return code.size() == 2 && absl::ascii_isupper(static_cast<unsigned char>(code[0])) &&
         absl::ascii_isupper(static_cast<unsigned char>(code[1]));
}

// A date that is set, real and not after `today`.
void PastDate(FieldChecker& check, absl::string_view field,
              const google::type::Date& date, absl::CivilDay today) {
  if (check.Date(field, date, /*required=*/true) && ToCivilDay(date) > today) {
    check.Fail(field, "in the future");
  }
}

void Country(FieldChecker& check, absl::string_view field, absl::string_view code,
             bool eu_allowed = false) {
  if (!CountryCodeValid(code) && !(eu_allowed && code == "EU")) {
    check.Fail(field, "ISO 3166-1 alpha-2, e.g. `KE`");
  }
}

void Tender(FieldChecker check, const v1::OverseasTender& tender, absl::CivilDay today,
            bool contract) {
  if (tender.buyer_kind() == v1::BUYER_KIND_UNSPECIFIED ||
      !v1::BuyerKind_IsValid(tender.buyer_kind())) {
    check.Fail("buyer_kind", "required: UN_AGENCY, MDB or FOREIGN_GOVERNMENT");
  }
  check.Text("buyer", tender.buyer(), 200, true);
  Country(check, "country_code", tender.country_code());
  check.Text("reference", tender.reference(), 100, true);
  PastDate(check, "date", tender.date(), today);
  check.NotNegative("amount_usd_cents", tender.amount_usd_cents());
  absl::string_view program = tender.supported_by_program();
  if (!program.empty() &&
      (!contract || !absl::ConsumePrefix(&program, "programs/") || !IsLowerSlug(program, 63))) {
    check.Fail("supported_by_program", "contracts only: `programs/{program}`");
  }
  check.Text("evidence_ref", tender.evidence_ref(), 200, true);
}

void Evidence(FieldChecker check, const v1::DesignationEvidence& evidence,
              absl::CivilDay today) {
  auto each = [&](absl::string_view list, int size, auto validate_one) {
    if (size > kMaxEntries) {
      check.Fail(list, absl::StrCat("at most ", kMaxEntries));
      return;
    }
    for (int i = 0; i < size; ++i) {
      validate_one(check.Nested(absl::StrCat(list, "[", i, "]")), i);
    }
  };
  each("overseas_bids", evidence.overseas_bids_size(), [&](FieldChecker item, int i) {
    Tender(item, evidence.overseas_bids(i), today, false);
  });
  each("contracts_won", evidence.contracts_won_size(), [&](FieldChecker item, int i) {
    Tender(item, evidence.contracts_won(i), today, true);
  });
  each("foreign_certifications", evidence.foreign_certifications_size(),
       [&](FieldChecker item, int i) {
         const auto& certification = evidence.foreign_certifications(i);
         item.Text("scheme", certification.scheme(), 60, true);
         Country(item, "country_code", certification.country_code(), true);
         item.Text("number", certification.number(), 60, true);
         item.Text("issuer", certification.issuer(), 100, true);
         PastDate(item, "issued_on", certification.issued_on(), today);
         item.Text("evidence_ref", certification.evidence_ref(), 200, true);
       });
  each("market_missions", evidence.market_missions_size(), [&](FieldChecker item, int i) {
    const auto& mission = evidence.market_missions(i);
    item.Text("title", mission.title(), 200, true);
    item.Text("organizer", mission.organizer(), 100, true);
    if (mission.country_codes().empty() || mission.country_codes_size() > 20) {
      item.Fail("country_codes", "1 to 20 countries");
    }
    for (int c = 0; c < mission.country_codes_size() && c < 20; ++c) {
      Country(item, absl::StrCat("country_codes[", c, "]"), mission.country_codes(c));
    }
    PastDate(item, "end_date", mission.end_date(), today);
    item.Text("evidence_ref", mission.evidence_ref(), 200, true);
  });
  each("overseas_pilots", evidence.overseas_pilots_size(), [&](FieldChecker item, int i) {
    const auto& pilot = evidence.overseas_pilots(i);
    item.Text("product", pilot.product(), 200, true);
    item.Text("host", pilot.host(), 200, true);
    Country(item, "country_code", pilot.country_code());
    if (pilot.outcome() == v1::PILOT_OUTCOME_UNSPECIFIED ||
        !v1::PilotOutcome_IsValid(pilot.outcome())) {
      item.Fail("outcome", "required: ONGOING, SUCCEEDED or FAILED");
    } else if (pilot.outcome() != v1::PILOT_OUTCOME_ONGOING) {
      PastDate(item, "concluded_on", pilot.concluded_on(), today);
    }
    item.Text("evidence_ref", pilot.evidence_ref(), 200, true);
  });
  if (evidence.export_training_hours() < 0 || evidence.export_training_hours() > 10000) {
    check.Fail("export_training_hours", "0 to 10000 hours");
  }
  check.Text("training_evidence_ref", evidence.training_evidence_ref(), 200,
             evidence.export_training_hours() > 0);
  check.Text("innovative_procurement_ref", evidence.innovative_procurement_ref(), 60,
             evidence.innovative_procurement());
  check.Text("e_b2g_ref", evidence.e_b2g_ref(), 60, evidence.e_b2g_participant());
}

void Reason(FieldViolations& violations, absl::string_view field,
            absl::string_view reason, size_t max) {
  if (absl::StripAsciiWhitespace(reason).empty()) {
    violations.Add(std::string(field), "required");
  } else if (CharacterCount(reason) > max) {
    violations.Add(std::string(field), absl::StrCat("at most ", max, " characters"));
  }
}

}  // namespace

absl::StatusOr<std::string> RecordId(absl::string_view name, absl::string_view prefix,
                                     absl::string_view field) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, prefix) || !IsLowerSlug(id, 63)) {
    return InvalidFieldError(field, absl::StrCat("must be `", prefix, "{id}`"));
  }
  return std::string(id);
}

absl::Status ValidateSubmission(const v1::SubmitDesignationApplicationRequest& request,
                                absl::CivilDay today) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  const v1::DesignationApplication& application = request.application();
  violations.AddFrom(BrnFromName(application.firm(), "application.firm").status());
  if (application.kind() == v1::DESIGNATION_KIND_UNSPECIFIED ||
      !v1::DesignationKind_IsValid(application.kind())) {
    violations.Add("application.kind", "required: NEW or RE_DESIGNATION");
  }
  Evidence(FieldChecker("application.evidence", violations), application.evidence(), today);
  return violations.ToStatus();
}

absl::Status ValidateReview(const v1::SubmitReviewRequest& request,
                            const v1::DesignationPolicy& policy) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  std::set<std::string> seen;
  for (int i = 0; i < request.review().scores_size(); ++i) {
    const v1::CriterionScore& score = request.review().scores(i);
    std::string field = absl::StrCat("review.scores[", i, "]");
    const v1::ReviewCriterion* criterion = nullptr;
    for (const auto& candidate : policy.review_criteria()) {
      if (candidate.id() == score.criterion_id()) criterion = &candidate;
    }
    if (criterion == nullptr) {
      violations.Add(field + ".criterion_id", "not a criterion of the policy");
    } else if (!seen.insert(score.criterion_id()).second) {
      violations.Add(field + ".criterion_id", "scored twice");
    } else if (score.points() < 0 || score.points() > criterion->max_points()) {
      violations.Add(field + ".points",
                     absl::StrCat("0 to ", criterion->max_points(), " points"));
    }
  }
  for (const auto& criterion : policy.review_criteria()) {
    if (!seen.count(criterion.id())) {
      violations.Add("review.scores", absl::StrCat("missing a score for ", criterion.id()));
    }
  }
  if (CharacterCount(request.review().comment()) > 4000) {
    violations.Add("review.comment", "at most 4000 characters");
  }
  return violations.ToStatus();
}

absl::Status ValidateDecision(const v1::DecideDesignationApplicationRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  if (request.outcome() == v1::DECISION_OUTCOME_UNSPECIFIED ||
      !v1::DecisionOutcome_IsValid(request.outcome())) {
    violations.Add("outcome", "required: APPROVE or REJECT");
  }
  Reason(violations, "reason", request.reason(), 2000);
  if (CharacterCount(request.committee_ref()) > 100) {
    violations.Add("committee_ref", "at most 100 characters");
  }
  return violations.ToStatus();
}

absl::Status ValidateWithdrawal(const v1::WithdrawDesignationApplicationRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  Reason(violations, "reason", request.reason(), 500);
  return violations.ToStatus();
}

absl::Status ValidateRevocation(const v1::RevokeDesignationRequest& request) {
  FieldViolations violations;
  violations.AddFrom(ValidateRequestId(request.request_id()));
  if (request.ground() == v1::REVOCATION_GROUND_UNSPECIFIED ||
      !v1::RevocationGround_IsValid(request.ground())) {
    violations.Add("ground", "required: a revocation ground");
  }
  Reason(violations, "reason", request.reason(), 2000);
  return violations.ToStatus();
}

}  // namespace kexport::designation
