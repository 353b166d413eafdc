#include "services/applications/open_data.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/text.h"

namespace kexport::applications {
namespace {

struct AgencyInfo {
  v1::Agency agency;
  const char* acronym;
  const char* english_name;
};

// Official English names, as the proto's Agency comments give them.
constexpr AgencyInfo kAgencies[] = {
    {v1::AGENCY_PPS, "PPS", "Public Procurement Service"},
    {v1::AGENCY_MSS, "MSS", "Ministry of SMEs and Startups"},
    {v1::AGENCY_MOTIE, "MOTIE", "Ministry of Trade, Industry and Energy"},
    {v1::AGENCY_KOTRA, "KOTRA", "Korea Trade-Investment Promotion Agency"},
    {v1::AGENCY_KCL, "KCL", "Korea Conformity Laboratories"},
    {v1::AGENCY_KIAT, "KIAT", "Korea Institute for Advancement of Technology"},
    {v1::AGENCY_KEIT, "KEIT", "Korea Evaluation Institute of Industrial Technology"},
    {v1::AGENCY_KSURE, "KSURE", "Korea Trade Insurance Corporation"},
};

const AgencyInfo* FindAgency(v1::Agency agency) {
  for (const AgencyInfo& info : kAgencies) {
    if (info.agency == agency) return &info;
  }
  return nullptr;
}

// Letters and digits only, for comparing names regardless of spacing and
// case (`홍 길동` in `홍길동상회`, `Hong Gildong` in `HONG GILDONG TRADING`).
std::string Folded(absl::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u) || absl::ascii_ispunct(u)) continue;
    out += absl::ascii_tolower(u);
  }
  return out;
}

std::string AwardId(const v1::Award& award) {
  return std::string(absl::StripPrefix(award.name(), "awards/"));
}

std::string RecipientBrn(const v1::Award& award, const registry::v1::Firm& firm) {
  if (!firm.brn().empty()) return firm.brn();
  return std::string(absl::StripPrefix(award.firm(), "firms/"));
}

std::string Description(const v1::Program& program, const v1::Application& application) {
  std::vector<std::string> items;
  for (const v1::RequestedItem& requested : application.requested_items()) {
    std::string title = requested.support_item_id();
    for (const v1::SupportItem& item : program.support_items()) {
      if (item.id() == requested.support_item_id()) {
        title = item.title();
        break;
      }
    }
    items.push_back(std::move(title));
  }
  std::string description(absl::StripAsciiWhitespace(program.description()));
  if (items.empty()) return description;
  if (!description.empty()) {
    char last = description.back();
    absl::StrAppend(&description, last == '.' || last == '!' || last == '?' ? " " : ". ");
  }
  absl::StrAppend(&description, "Items awarded: ", absl::StrJoin(items, "; "), ".");
  return description;
}

}  // namespace

std::map<v1::Agency, std::string> DefaultAgencyIds() {
  std::map<v1::Agency, std::string> ids;
  for (const AgencyInfo& info : kAgencies) {
    ids[info.agency] = absl::StrCat("KR-GOV-", info.acronym);
  }
  return ids;
}

std::string AgencyEnglishName(v1::Agency agency) {
  const AgencyInfo* info = FindAgency(agency);
  return info != nullptr ? info->english_name : "Unspecified agency";
}

bool BrnIdentifiesPerson(absl::string_view brn) {
  if (brn.size() != 10) return true;
  for (char c : brn) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return true;
  }
  int kind = (brn[3] - '0') * 10 + (brn[4] - '0');
  return kind < 81 || kind > 88;
}

std::string OpenDataFirmName(const registry::v1::Firm& firm) {
  std::string korean(absl::StripAsciiWhitespace(firm.legal_name_ko()));
  std::string english(absl::StripAsciiWhitespace(firm.legal_name_en()));
  // A one-letter "name" would match nearly anything.
  std::string representative = Folded(firm.representative());
  if (BrnIdentifiesPerson(firm.brn()) && CharacterCount(representative) >= 2 &&
      (absl::StrContains(Folded(korean), representative) ||
       absl::StrContains(Folded(english), representative))) {
    return "개인사업자 (Individual business)";
  }
  if (korean.empty()) return english;
  if (english.empty() || english == korean) return korean;
  return absl::StrCat(korean, " (", english, ")");
}

v1::OpenDataGrant OpenDataGrantOf(const v1::Award& award, const v1::Application& application,
                                  const v1::Program& program, const v1::Round& round,
                                  const registry::v1::Firm& firm,
                                  const OpenDataSettings& settings) {
  const std::string award_id = AwardId(award);
  v1::OpenDataGrant grant;
  grant.set_id(absl::StrCat(settings.prefix, "-", award_id));
  grant.set_title(round.title().empty() ? program.title_en()
                                        : absl::StrCat(program.title_en(), ": ", round.title()));
  grant.set_description(Description(program, application));
  grant.set_currency("KRW");
  grant.set_amount_awarded(award.amount_won());
  if (award.has_award_date()) *grant.mutable_award_date() = award.award_date();

  // Only the fields named here are read from the firm: never its
  // representative (except to withhold a name), contact or other records.
  registry::v1::Firm named;
  named.set_brn(RecipientBrn(award, firm));
  named.set_legal_name_ko(firm.legal_name_ko());
  named.set_legal_name_en(firm.legal_name_en());
  named.set_representative(firm.representative());
  v1::OpenDataOrganization* recipient = grant.mutable_recipient_organization();
  recipient->set_id(BrnIdentifiesPerson(named.brn())
                        ? absl::StrCat(settings.prefix, "-org-", award_id)
                        : absl::StrCat("KR-BRN-", named.brn()));
  recipient->set_name(OpenDataFirmName(named));

  v1::OpenDataOrganization* funder = grant.mutable_funding_organization();
  auto id = settings.agency_ids.find(program.lead_agency());
  if (id != settings.agency_ids.end() && !id->second.empty()) {
    funder->set_id(id->second);
  } else {
    const AgencyInfo* info = FindAgency(program.lead_agency());
    funder->set_id(
        absl::StrCat(settings.prefix, "-agency-",
                     absl::AsciiStrToLower(info != nullptr ? info->acronym : "unspecified")));
  }
  funder->set_name(AgencyEnglishName(program.lead_agency()));
  return grant;
}

}  // namespace kexport::applications
