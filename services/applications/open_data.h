// Awards as open data: one award mapped to a grant in the 360Giving fields
// (id, title, description, currency, amountAwarded, awardDate,
// recipientOrganization, fundingOrganization). Pure: the caller reads the
// award and what it refers to; nothing here calls a service.
//
// No personal data leaves: the firm's representative, contact, bidder id and
// certificates, the application's answers and free-text item descriptions and
// every reviewer are never published (the representative is read only to
// withhold a name containing it). An individual business's registration
// number identifies a person, so it is replaced by a per-award id.
//
//   v1::OpenDataGrant grant =
//       OpenDataGrantOf(award, application, program, round, firm, OpenDataSettings{});
//   // grant.id() == "360G-kexport-0a1b2c..."
//   // grant.recipient_organization().id() == "KR-BRN-1248100998"
#pragma once

#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "kexport/applications/v1/applications.pb.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport::applications {

// The funding agencies' 360Giving organisation identifiers by default:
// `KR-GOV-{acronym}` (`KR-GOV-PPS`, `KR-GOV-MSS`, `KR-GOV-MOTIE`,
// `KR-GOV-KOTRA`, `KR-GOV-KCL`, `KR-GOV-KIAT`, `KR-GOV-KEIT`,
// `KR-GOV-KSURE`). This is kexport's own scheme, not an org-id.guide
// register, chosen because the contract carries no identifier of the
// agencies (not even their registration numbers). A deployment with
// registered identifiers replaces the table in OpenDataSettings; nothing
// else changes.
std::map<v1::Agency, std::string> DefaultAgencyIds();

struct OpenDataSettings {
  // Publisher prefix of grant ids and of withheld recipients' ids;
  // 360Giving assigns prefixes of the form `360G-{publisher}`.
  std::string prefix = "360G-kexport";
  // Funding organisation ids by agency. An agency missing here gets
  // `{prefix}-agency-{acronym}` (e.g. `360G-kexport-agency-pps`).
  std::map<v1::Agency, std::string> agency_ids = DefaultAgencyIds();
};

// The agency's English name as published, e.g. `Public Procurement Service`
// for AGENCY_PPS; `Unspecified agency` for AGENCY_UNSPECIFIED.
std::string AgencyEnglishName(v1::Agency agency);

// True when the registration number may identify a natural person, so it
// must not be published. Only digits 4-5 (1-based; the `45` of
// `123-45-67890`) of a corporation or public body, 81 to 88 (81, 86-88
// for-profit corporations, 82 non-profit, 83 state and local government, 84
// foreign corporation, 85 branch), are publishable. Everything else is
// withheld: 01-79 individual businesses (the contract's case), and also 80
// (multi-level sales agents), 89 (unincorporated religious bodies), 90-99
// (tax-exempt individual businesses) and anything malformed.
bool BrnIdentifiesPerson(absl::string_view brn);

// The recipient's name: the Korean legal name, then the English one in
// parentheses when known and different (`주식회사 케이반도체 (K Semiconductor
// Co., Ltd.)`). For a firm whose number identifies a person (see
// BrnIdentifiesPerson) and whose name contains the representative's name,
// `개인사업자 (Individual business)` instead.
std::string OpenDataFirmName(const registry::v1::Firm& firm);

// The 360Giving grant of `award`, made under `application` to a round of
// `program` by `firm` (the registry's record, read by the caller):
// - id `{prefix}-{award id}`;
// - title `{program.title_en}: {round.title}`;
// - description the programme's description, then `Items awarded: ` and the
//   programme's titles of the application's requested items, in order,
//   joined by `; ` (an item the programme no longer lists shows its id);
// - currency `KRW`, amount_awarded = award.amount_won, award_date =
//   award.award_date;
// - recipient `KR-BRN-{brn}`, or `{prefix}-org-{award id}` when
//   BrnIdentifiesPerson(brn), named by OpenDataFirmName;
// - funder the programme's lead agency, id from `settings`, English name.
// The registration number is `firm.brn`, or the one in `award.firm` when the
// record lacks it.
v1::OpenDataGrant OpenDataGrantOf(const v1::Award& award, const v1::Application& application,
                                  const v1::Program& program, const v1::Round& round,
                                  const registry::v1::Firm& firm, const OpenDataSettings& settings);

}  // namespace kexport::applications
