#include "services/registry/firm_validation.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/brn.h"
#include "common/dates.h"
#include "common/field_checker.h"
#include "common/ksic.h"
#include "common/money.h"
#include "common/text.h"
#include "google/protobuf/util/field_mask_util.h"

namespace kexport::registry {
namespace {

using v1::Certification;
using v1::CertificationType_IsValid;
using v1::GrowthStage_IsValid;
using v1::Need_IsValid;
using v1::SizeClass_IsValid;

constexpr int kMaxSectors = 20;
constexpr int kMaxCertifications = 50;
constexpr int kMaxNeeds = 10;

void ValidateCertification(const Certification& certification,
                           FieldChecker& check) {
  if (certification.type() == v1::CERTIFICATION_TYPE_UNSPECIFIED ||
      !CertificationType_IsValid(certification.type())) {
    check.Fail("type", "required: a known certification type");
  }
  check.Text("number", certification.number(), 60, true);
  check.Text("issuer", certification.issuer(), 100, true);
  bool from = check.Date("valid_from", certification.valid_from(), true);
  bool until = check.Date("valid_until", certification.valid_until(), false);
  if (from && until &&
      ToCivilDay(certification.valid_until()) <
          ToCivilDay(certification.valid_from())) {
    check.Fail("valid_until", "before valid_from");
  }
}

// Fields a client may name in an update mask.
const absl::flat_hash_set<std::string>& UpdatableTopLevelFields() {
  static const auto* fields = new absl::flat_hash_set<std::string>{
      "legal_name_ko", "legal_name_en",  "representative",
      "size_class",    "founding_date",  "ksic",
      "sectors",       "contact",        "procurement_bidder",
      "certifications", "procurement_history", "growth_stage",
      "needs"};
  return *fields;
}

}  // namespace

void ValidateFirm(const Firm& firm, absl::string_view prefix,
                  absl::CivilDay today, FieldViolations& violations) {
  FieldChecker check(prefix, violations);
  if (std::string problem = BrnProblem(firm.brn()); !problem.empty()) {
    check.Fail("brn", problem);
  }
  check.Text("legal_name_ko", firm.legal_name_ko(), 200, true);
  check.Text("legal_name_en", firm.legal_name_en(), 200, false);
  check.Text("representative", firm.representative(), 100, true);
  if (firm.size_class() == v1::SIZE_CLASS_UNSPECIFIED ||
      !SizeClass_IsValid(firm.size_class())) {
    check.Fail("size_class", "required: SMALL, MEDIUM, MID_SIZE or LARGE");
  }
  if (check.Date("founding_date", firm.founding_date(), true) &&
      ToCivilDay(firm.founding_date()) > today) {
    check.Fail("founding_date", "in the future");
  }
  if (!KsicCodeValid(firm.ksic().code())) {
    check.Fail("ksic.code",
               "a section letter A-U followed by 2 to 5 digits, e.g. C26110");
  }
  if (!KsicRevisionValid(firm.ksic().revision())) {
    check.Fail("ksic.revision", "required: 1 to 99 (11 since 2024-07-01)");
  }

  // Past a list's limit its items are not checked one by one: the list is
  // refused as a whole, and the error stays small.
  absl::flat_hash_set<std::string> sectors;
  if (firm.sectors_size() > kMaxSectors) {
    check.Fail("sectors", absl::StrCat("at most ", kMaxSectors));
  }
  for (int i = 0; i < firm.sectors_size() && i < kMaxSectors; ++i) {
    const std::string& sector = firm.sectors(i);
    if (!IsLowerSlug(sector, 40)) {
      check.Fail(absl::StrCat("sectors[", i, "]"),
                 "1 to 40 characters of [a-z0-9-]");
    } else if (!sectors.insert(sector).second) {
      check.Fail(absl::StrCat("sectors[", i, "]"), "repeated");
    }
  }

  const auto& contact = firm.contact();
  check.Text("contact.email", contact.email(), 254, false);
  if (!contact.email().empty() && !absl::StrContains(contact.email(), '@')) {
    check.Fail("contact.email", "not an e-mail address");
  }
  check.Text("contact.phone", contact.phone(), 30, false);
  for (char c : contact.phone()) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != ' ' &&
        c != '+' && c != '-') {
      check.Fail("contact.phone", "digits, spaces, + and - only");
      break;
    }
  }
  check.Text("contact.address", contact.address(), 300, false);

  check.Text("procurement_bidder.bidder_id",
             firm.procurement_bidder().bidder_id(), 40, false);
  if (check.Date("procurement_bidder.registered_on",
                 firm.procurement_bidder().registered_on(), false) &&
      ToCivilDay(firm.procurement_bidder().registered_on()) > today) {
    check.Fail("procurement_bidder.registered_on", "in the future");
  }

  if (firm.certifications_size() > kMaxCertifications) {
    check.Fail("certifications", absl::StrCat("at most ", kMaxCertifications));
  }
  for (int i = 0; i < firm.certifications_size() && i < kMaxCertifications;
       ++i) {
    FieldChecker certification_check(
        absl::StrCat(prefix, ".certifications[", i, "]"), violations);
    ValidateCertification(firm.certifications(i), certification_check);
  }

  check.NotNegative("procurement_history.contract_count",
                    firm.procurement_history().contract_count());
  check.NotNegative("procurement_history.contract_value_krw",
                    firm.procurement_history().contract_value_krw());

  if (!GrowthStage_IsValid(firm.growth_stage())) {
    check.Fail("growth_stage", "unknown growth stage");
  }
  if (firm.needs_size() > kMaxNeeds) {
    check.Fail("needs", absl::StrCat("at most ", kMaxNeeds));
  }
  absl::flat_hash_set<int> needs;
  for (int i = 0; i < firm.needs_size() && i < kMaxNeeds; ++i) {
    int need = firm.needs(i);
    if (need == v1::NEED_UNSPECIFIED || !Need_IsValid(need)) {
      check.Fail(absl::StrCat("needs[", i, "]"), "unknown need");
    } else if (!needs.insert(need).second) {
      check.Fail(absl::StrCat("needs[", i, "]"), "repeated");
    }
  }
}

void ValidateExportRecord(const ExportRecord& record, absl::string_view prefix,
                          absl::CivilDay today, FieldViolations& violations) {
  FieldChecker check(prefix, violations);
  if (record.year() < 1950 || record.year() > today.year() + 1) {
    check.Fail("year", absl::StrCat("1950 to ", today.year() + 1));
  }
  check.NotNegative("goods_usd_cents", record.goods_usd_cents());
  check.NotNegative("indirect_usd_cents", record.indirect_usd_cents());
  check.NotNegative("ai_solutions_usd_cents", record.ai_solutions_usd_cents());
  check.NotNegative("technology_services_usd_cents",
                    record.technology_services_usd_cents());
  check.NotNegative("ip_royalties_usd_cents", record.ip_royalties_usd_cents());
  if (!CheckedSum({record.goods_usd_cents(), record.indirect_usd_cents(),
                   record.ai_solutions_usd_cents(),
                   record.technology_services_usd_cents(),
                   record.ip_royalties_usd_cents()})) {
    check.Fail("goods_usd_cents", "the amounts add up beyond int64");
  }
  check.Text("evidence_ref", record.evidence_ref(), 200, true);
}

absl::StatusOr<std::vector<std::string>> UpdatableFields(
    const google::protobuf::FieldMask& mask) {
  if (mask.paths().empty()) {
    return InvalidFieldError("update_mask", "required: name the fields to change");
  }
  std::vector<std::string> fields;
  for (const std::string& path : mask.paths()) {
    std::string top = path.substr(0, path.find('.'));
    // The path is echoed back, cut short: it is the caller's input.
    std::string shown = path.substr(0, 64);
    if (!UpdatableTopLevelFields().contains(top)) {
      return InvalidFieldError(
          "update_mask",
          absl::StrCat("`", shown, "` is unknown, output only or immutable"));
    }
    if (!google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(
            Firm::descriptor(), path, nullptr)) {
      return InvalidFieldError("update_mask",
                               absl::StrCat("`", shown, "` is not a field"));
    }
    if (std::find(fields.begin(), fields.end(), top) == fields.end()) {
      fields.push_back(top);
    }
  }
  return fields;
}

void ValidateReason(absl::string_view reason, absl::string_view field,
                    FieldViolations& violations) {
  if (absl::StripAsciiWhitespace(reason).empty()) {
    violations.Add(std::string(field), "required");
  } else if (CharacterCount(reason) > 500) {
    violations.Add(std::string(field), "at most 500 characters");
  }
}

}  // namespace kexport::registry
