// Resource names and request validation of the applications service: valid
// requests pass, and every bad field is named by its path in the request.
#include "services/applications/applications_validation.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/applications/applications_names.h"

namespace kexport::applications {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kFirm[] = "firms/1248100998";
constexpr char kRound[] = "programs/voucher/rounds/2026-1";
constexpr char kApplication[] = "applications/0123456789abcdefghijklmn";
constexpr char kAward[] = "awards/0123456789abcdefghijklmn";

template <typename Message>
Message Parse(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

// The fields an INVALID_ARGUMENT names, in order; empty for OK.
std::vector<std::string> Fields(const absl::Status& status) {
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  std::vector<std::string> fields;
  for (const FieldViolation& violation : ErrorFieldViolations(status)) {
    fields.push_back(violation.field);
  }
  return fields;
}

// The reason given for `field` in `status`, empty when it is not named.
std::string ReasonFor(const absl::Status& status, absl::string_view field) {
  for (const FieldViolation& violation : ErrorFieldViolations(status)) {
    if (violation.field == field) return violation.reason;
  }
  return "";
}

v1::Program ValidProgram() {
  return Parse<v1::Program>(R"pb(
    title_ko: "수출바우처"
    title_en: "Export voucher"
    description: "Vouchers for export services."
    lead_agency: AGENCY_MSS
    partner_agencies: [ AGENCY_KOTRA, AGENCY_KCL ]
    fiscal_year: 2026
    budget_account: "accounts/voucher-2026-budget"
    support_items { id: "foreign-certification" title: "Foreign certification (CE, FDA)" }
    support_items { id: "marketing" title: "Marketing" }
    per_firm_cap_won: 40000000
    per_service_cap_won: 20000000
    capacity: 500
    state_share_bp: 7000
    subsidy_share_bands { min_sales_won: 0 max_sales_won: 1000000000 state_share_bp: 7000 }
    subsidy_share_bands { min_sales_won: 5000000000 state_share_bp: 5000 }
    subsidy_share_bands { min_sales_won: 1000000000 max_sales_won: 5000000000 state_share_bp: 6000 }
    eligibility_rules {
      id: "sme"
      description: "A small or medium firm"
      size_class { size_classes: [ SIZE_CLASS_SMALL, SIZE_CLASS_MEDIUM ] }
    }
    eligibility_rules {
      id: "not-banned"
      description: "Not banned"
      not_banned {}
    }
    questions { id: "plan" text: "Your export plan" required: true max_length: 100 }
    questions { id: "notes" text: "Anything else" }
  )pb");
}

v1::CreateProgramRequest ValidProgramCreation() {
  v1::CreateProgramRequest request;
  *request.mutable_program() = ValidProgram();
  request.set_program_id("voucher");
  request.set_request_id("create-voucher");
  return request;
}

v1::Round ValidRound() {
  return Parse<v1::Round>(R"pb(
    title: "2026 first recruitment"
    description: "Two tracks."
    apply_start_time { seconds: 1767225600 }
    apply_end_time { seconds: 1769904000 }
    capacity: 100
    budget_won: 2000000000
    max_request_won: 20000000
    eligibility_rules {
      id: "startup"
      description: "At most 7 years old"
      firm_age { max_years: 7 }
    }
    selection_policy {
      seed_source: "Lotto 6/45 draw 1210, main numbers ascending"
      scored_ranking {
        criteria {
          id: "market-entry-will"
          title: "Will to enter overseas procurement"
          max_points: 100
          weight_bp: 6000
          min_score_bp: 5000
        }
        criteria { id: "capability" title: "Capability" max_points: 50 weight_bp: 4000 }
        min_total_score_bp: 6000
        min_reviews: 2
        bonuses {
          condition {
            id: "first-timer"
            description: "No public contract yet"
            procurement_history { max_contract_count: 0 }
          }
          value: 500
        }
        tie_break { kind: TIE_BREAK_KIND_CRITERION_SCORE criterion_id: "market-entry-will" }
        tie_break { kind: TIE_BREAK_KIND_EARLIER_SUBMISSION }
      }
    }
  )pb");
}

v1::CreateRoundRequest ValidRoundCreation() {
  v1::CreateRoundRequest request;
  request.set_parent("programs/voucher");
  *request.mutable_round() = ValidRound();
  request.set_round_id("2026-1");
  request.set_request_id("create-round");
  return request;
}

v1::Application ValidApplication() {
  v1::Application application = Parse<v1::Application>(R"pb(
    requested_items { support_item_id: "marketing" cost_won: 10000000 description: "Catalogue" }
    requested_items { support_item_id: "foreign-certification" cost_won: 30000000 }
    answers { key: "plan" value: "Enter Viet Nam through KOTRA" }
    prior_year_sales_won: 800000000
    sales_evidence_ref: "FS-2025-001"
  )pb");
  application.set_firm(kFirm);
  application.set_round(kRound);
  return application;
}

v1::CreateApplicationRequest ValidApplicationCreation() {
  v1::CreateApplicationRequest request;
  *request.mutable_application() = ValidApplication();
  request.set_request_id("create-application");
  return request;
}

// ---------------------------------------------------------------- names

TEST(NamesTest, ProgramNames) {
  EXPECT_EQ(ProgramName("voucher"), "programs/voucher");
  EXPECT_EQ(*ParseProgramName("programs/voucher", "parent"), "voucher");
  std::string longest(40, 'a');
  EXPECT_EQ(*ParseProgramName("programs/" + longest, "parent"), longest);
  EXPECT_TRUE(ProgramIdValid("star-500"));
  for (const std::string& bad : std::vector<std::string>{
           "", "voucher", "programs/", "programs/Voucher", "programs/1st", "programs/-x",
           "programs/voucher/rounds/1", "program/voucher", "programs/" + longest + "a"}) {
    absl::StatusOr<std::string> parsed = ParseProgramName(bad, "parent");
    EXPECT_EQ(Fields(parsed.status()), std::vector<std::string>{"parent"}) << bad;
  }
}

TEST(NamesTest, RoundAndSelectionNames) {
  RoundRef round{"voucher", "2026-1"};
  EXPECT_EQ(round.Name(), kRound);
  EXPECT_EQ(round.ProgramName(), "programs/voucher");
  EXPECT_EQ(round.SelectionName(), "programs/voucher/rounds/2026-1/selection");

  absl::StatusOr<RoundRef> parsed = ParseRoundName(kRound, "round");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->program, "voucher");
  EXPECT_EQ(parsed->round, "2026-1");
  absl::StatusOr<RoundRef> selection =
      ParseSelectionName("programs/voucher/rounds/2026-1/selection", "name");
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->Name(), kRound);

  for (const std::string& bad : std::vector<std::string>{
           "programs/voucher", "programs/voucher/rounds/", "programs/voucher/round/2026-1",
           "programs/Voucher/rounds/2026-1", "programs/voucher/rounds/2026_1",
           "programs/voucher/rounds/2026-1/selection", "/programs/voucher/rounds/2026-1",
           "programs/voucher/rounds/" + std::string(64, 'a')}) {
    EXPECT_EQ(Fields(ParseRoundName(bad, "round").status()), std::vector<std::string>{"round"})
        << bad;
  }
  for (std::string bad : {kRound, "programs/voucher/rounds/2026-1/selection/x",
                          "programs/voucher/rounds/2026-1/selections"}) {
    EXPECT_EQ(Fields(ParseSelectionName(bad, "name").status()), std::vector<std::string>{"name"})
        << bad;
  }
}

TEST(NamesTest, RecordNames) {
  std::string id = "0123456789abcdefghijklmn";
  ASSERT_EQ(id.size(), kRecordIdLength);
  EXPECT_EQ(ApplicationName(id), kApplication);
  EXPECT_EQ(AwardName(id), kAward);
  EXPECT_EQ(BanName(id), "bans/" + id);
  EXPECT_EQ(*ParseApplicationName(kApplication, "name"), id);
  EXPECT_EQ(*ParseAwardName(kAward, "award"), id);
  EXPECT_EQ(*ParseBanName("bans/" + id, "name"), id);

  for (const std::string& bad :
       std::vector<std::string>{"applications/" + id.substr(1), "applications/" + id + "x",
                                "applications/0123456789ABCDEFGHIJKLMN",
                                "applications/0123456789abcdefghijklm-", std::string(kAward), id}) {
    EXPECT_EQ(Fields(ParseApplicationName(bad, "name").status()), std::vector<std::string>{"name"})
        << bad;
  }
  EXPECT_FALSE(ParseAwardName(kApplication, "award").ok());
  EXPECT_FALSE(ParseBanName(kAward, "name").ok());
}

TEST(NamesTest, FirmNamesCarryAValidRegistrationNumber) {
  EXPECT_EQ(*ParseFirmName(kFirm, "firm"), "1248100998");
  for (const char* bad : {"firms/1248100997", "firms/124-81-00998", "1248100998", "firms/"}) {
    EXPECT_EQ(Fields(ParseFirmName(bad, "ban.firm").status()), std::vector<std::string>{"ban.firm"})
        << bad;
  }
}

// ------------------------------------------------------------ programmes

TEST(ValidationProgramTest, AValidProgrammePasses) {
  EXPECT_TRUE(ValidateProgramCreation(ValidProgramCreation()).ok());
}

TEST(ValidationProgramTest, OutputOnlyFieldsAreIgnored) {
  v1::CreateProgramRequest request = ValidProgramCreation();
  request.mutable_program()->set_name("not a name");
  request.mutable_program()->set_etag("x");
  request.mutable_program()->set_created_by("someone");
  request.mutable_program()->mutable_create_time()->set_nanos(-5);
  EXPECT_TRUE(ValidateProgramCreation(request).ok());
}

TEST(ValidationProgramTest, EachBadFieldIsNamed) {
  struct Case {
    std::string field;
    std::function<void(v1::CreateProgramRequest&)> spoil;
  };
  using R = v1::CreateProgramRequest;
  std::vector<Case> cases = {
      {"program_id", [](R& r) { r.set_program_id(""); }},
      {"program_id", [](R& r) { r.set_program_id("1voucher"); }},
      {"program_id", [](R& r) { r.set_program_id("Voucher"); }},
      {"program_id", [](R& r) { r.set_program_id(std::string(41, 'v')); }},
      {"request_id", [](R& r) { r.clear_request_id(); }},
      {"request_id", [](R& r) { r.set_request_id("white space"); }},
      {"program", [](R& r) { r.clear_program(); }},
      {"program.title_ko", [](R& r) { r.mutable_program()->set_title_ko("  "); }},
      {"program.title_en", [](R& r) { r.mutable_program()->set_title_en(std::string(201, 'a')); }},
      {"program.description",
       [](R& r) { r.mutable_program()->set_description(std::string(2001, 'a')); }},
      {"program.lead_agency", [](R& r) { r.mutable_program()->clear_lead_agency(); }},
      {"program.lead_agency",
       [](R& r) { r.mutable_program()->set_lead_agency(static_cast<v1::Agency>(99)); }},
      {"program.partner_agencies[2]",
       [](R& r) { r.mutable_program()->add_partner_agencies(v1::AGENCY_KOTRA); }},
      {"program.partner_agencies[2]",
       [](R& r) { r.mutable_program()->add_partner_agencies(v1::AGENCY_MSS); }},
      {"program.partner_agencies[2]",
       [](R& r) { r.mutable_program()->add_partner_agencies(v1::AGENCY_UNSPECIFIED); }},
      {"program.fiscal_year", [](R& r) { r.mutable_program()->set_fiscal_year(1999); }},
      {"program.fiscal_year", [](R& r) { r.mutable_program()->set_fiscal_year(2101); }},
      {"program.budget_account",
       [](R& r) { r.mutable_program()->set_budget_account("voucher-2026-budget"); }},
      {"program.budget_account",
       [](R& r) { r.mutable_program()->set_budget_account("accounts/-budget"); }},
      {"program.budget_account",
       [](R& r) { r.mutable_program()->set_budget_account("accounts/Budget"); }},
      {"program.budget_account",
       [](R& r) { r.mutable_program()->set_budget_account("accounts/" + std::string(64, 'b')); }},
      {"program.support_items", [](R& r) { r.mutable_program()->clear_support_items(); }},
      {"program.support_items",
       [](R& r) {
         for (int i = 0; i < 49; ++i) {
           auto* item = r.mutable_program()->add_support_items();
           item->set_id(absl::StrCat("item-", i));
           item->set_title("Item");
         }
       }},
      {"program.support_items[1].id",
       [](R& r) {
         r.mutable_program()->mutable_support_items(1)->set_id("foreign-certification");
       }},
      {"program.support_items[0].id",
       [](R& r) { r.mutable_program()->mutable_support_items(0)->set_id("Foreign"); }},
      {"program.support_items[0].id",
       [](R& r) { r.mutable_program()->mutable_support_items(0)->clear_id(); }},
      {"program.support_items[1].title",
       [](R& r) { r.mutable_program()->mutable_support_items(1)->clear_title(); }},
      {"program.per_firm_cap_won", [](R& r) { r.mutable_program()->set_per_firm_cap_won(0); }},
      {"program.per_service_cap_won",
       [](R& r) { r.mutable_program()->set_per_service_cap_won(-1); }},
      {"program.capacity", [](R& r) { r.mutable_program()->set_capacity(-1); }},
      {"program.state_share_bp", [](R& r) { r.mutable_program()->set_state_share_bp(0); }},
      {"program.state_share_bp", [](R& r) { r.mutable_program()->set_state_share_bp(10001); }},
      {"program.subsidy_share_bands[0].min_sales_won",
       [](R& r) { r.mutable_program()->mutable_subsidy_share_bands(0)->set_min_sales_won(-1); }},
      {"program.subsidy_share_bands[2].max_sales_won",
       [](R& r) {
         r.mutable_program()->mutable_subsidy_share_bands(2)->set_max_sales_won(1000000000);
       }},
      {"program.subsidy_share_bands[1].state_share_bp",
       [](R& r) { r.mutable_program()->mutable_subsidy_share_bands(1)->set_state_share_bp(0); }},
      {"program.eligibility_rules",
       [](R& r) {
         for (int i = 0; i < 49; ++i) {
           auto* rule = r.mutable_program()->add_eligibility_rules();
           *rule = r.program().eligibility_rules(1);
           rule->set_id(absl::StrCat("rule-", i));
         }
       }},
      {"program.eligibility_rules[1].id",
       [](R& r) { r.mutable_program()->mutable_eligibility_rules(1)->set_id("sme"); }},
      {"program.questions",
       [](R& r) {
         for (int i = 0; i < 29; ++i) {
           auto* question = r.mutable_program()->add_questions();
           question->set_id(absl::StrCat("q-", i));
           question->set_text("?");
         }
       }},
      {"program.questions[1].id",
       [](R& r) { r.mutable_program()->mutable_questions(1)->set_id("plan"); }},
      {"program.questions[1].id",
       [](R& r) { r.mutable_program()->mutable_questions(1)->set_id("no spaces"); }},
      {"program.questions[0].text",
       [](R& r) { r.mutable_program()->mutable_questions(0)->set_text(std::string(1001, 'q')); }},
      {"program.questions[0].max_length",
       [](R& r) { r.mutable_program()->mutable_questions(0)->set_max_length(4001); }},
      {"program.questions[0].max_length",
       [](R& r) { r.mutable_program()->mutable_questions(0)->set_max_length(-1); }},
  };
  for (const Case& c : cases) {
    v1::CreateProgramRequest request = ValidProgramCreation();
    c.spoil(request);
    EXPECT_THAT(Fields(ValidateProgramCreation(request)), ElementsAre(c.field)) << c.field;
  }
}

TEST(ValidationProgramTest, ShareBandsMustNotOverlap) {
  v1::CreateProgramRequest request = ValidProgramCreation();
  // [0, 1B), [5B, ...), [1B, 5B): touching bands do not overlap.
  ASSERT_TRUE(ValidateProgramCreation(request).ok());

  request.mutable_program()->mutable_subsidy_share_bands(2)->set_min_sales_won(900000000);
  absl::Status status = ValidateProgramCreation(request);
  EXPECT_THAT(Fields(status), ElementsAre("program.subsidy_share_bands[2]"));
  EXPECT_THAT(ReasonFor(status, "program.subsidy_share_bands[2]"),
              HasSubstr("overlaps subsidy_share_bands[0]"));

  // An unbounded band overlaps every band above its lower bound.
  request = ValidProgramCreation();
  request.mutable_program()->mutable_subsidy_share_bands(0)->set_max_sales_won(0);
  EXPECT_THAT(
      Fields(ValidateProgramCreation(request)),
      UnorderedElementsAre("program.subsidy_share_bands[1]", "program.subsidy_share_bands[2]"));
}

TEST(ValidationProgramTest, SeveralBadFieldsAreReportedTogether) {
  v1::CreateProgramRequest request = ValidProgramCreation();
  request.set_program_id("Voucher");
  request.mutable_program()->clear_title_ko();
  request.mutable_program()->mutable_support_items(1)->set_id("foreign-certification");
  request.mutable_program()->mutable_eligibility_rules(0)->mutable_size_class()->add_size_classes(
      v1::SIZE_CLASS_SMALL);
  request.mutable_program()->mutable_questions(1)->set_max_length(5000);
  request.set_request_id("");
  absl::Status status = ValidateProgramCreation(request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(status),
              ElementsAre("program_id", "program.title_ko", "program.support_items[1].id",
                          "program.eligibility_rules[0].size_class.size_classes[2]",
                          "program.questions[1].max_length", "request_id"));
}

// Every rule type's bad forms, as a programme's first rule.
TEST(ValidationRuleTest, EachRuleTypeRejectsItsBadForms) {
  struct Case {
    std::string rule;   // text format of the rule's type, after id and description
    std::string field;  // under program.eligibility_rules[0]
  };
  std::vector<Case> cases = {
      {"", "rule"},
      {"size_class {}", "size_class.size_classes"},
      {"size_class { size_classes: [ SIZE_CLASS_SMALL, SIZE_CLASS_SMALL ] }",
       "size_class.size_classes[1]"},
      {"size_class { size_classes: [ SIZE_CLASS_UNSPECIFIED ] }", "size_class.size_classes[0]"},
      {"size_class { size_classes: [ 9 ] }", "size_class.size_classes[0]"},
      {"sector {}", "sector"},
      {"sector { ksic_revision: 11 }", "sector"},
      {"sector { sectors: \"Beauty\" }", "sector.sectors[0]"},
      {"sector { ksic_prefixes: \"26\" ksic_revision: 11 }", "sector.ksic_prefixes[0]"},
      {"sector { ksic_prefixes: \"V1\" ksic_revision: 11 }", "sector.ksic_prefixes[0]"},
      {"sector { ksic_prefixes: [ \"C\", \"C261101\" ] ksic_revision: 11 }",
       "sector.ksic_prefixes[1]"},
      {"sector { ksic_prefixes: \"C26\" }", "sector.ksic_revision"},
      {"export_band { year: 1999 }", "export_band.year"},
      {"export_band { min_usd_cents: -1 }", "export_band.min_usd_cents"},
      {"export_band { min_usd_cents: 500 max_usd_cents: 499 }", "export_band.max_usd_cents"},
      {"gpass_designation { min_grade: 7 }", "gpass_designation.min_grade"},
      {"gpass_designation { designated_on_or_after { year: 2026 month: 2 day: 30 } }",
       "gpass_designation.designated_on_or_after"},
      {"certificate {}", "certificate.type"},
      {"certificate { type: 42 }", "certificate.type"},
      {"firm_age { max_years: 0 }", "firm_age.max_years"},
      {"firm_age { max_years: 101 }", "firm_age.max_years"},
      {"procurement_history {}", "procurement_history"},
      {"procurement_history { max_contract_count: -1 }", "procurement_history.max_contract_count"},
      {"procurement_history { max_contract_value_won: -1 }",
       "procurement_history.max_contract_value_won"},
      {"growth_stage {}", "growth_stage.growth_stages"},
      {"growth_stage { growth_stages: [ GROWTH_STAGE_EXPANSION, GROWTH_STAGE_EXPANSION ] }",
       "growth_stage.growth_stages[1]"},
  };
  for (const Case& c : cases) {
    v1::CreateProgramRequest request = ValidProgramCreation();
    *request.mutable_program()->mutable_eligibility_rules(0) =
        Parse<v1::EligibilityRule>(absl::StrCat("id: \"r\" description: \"A rule\" ", c.rule));
    EXPECT_THAT(Fields(ValidateProgramCreation(request)),
                ElementsAre("program.eligibility_rules[0]." + c.field))
        << c.rule;
  }
}

TEST(ValidationRuleTest, EachRuleTypeAcceptsItsGoodForms) {
  v1::CreateProgramRequest request = ValidProgramCreation();
  request.mutable_program()->clear_eligibility_rules();
  int n = 0;
  for (const char* rule : {
           "size_class { size_classes: [ SIZE_CLASS_SMALL ] }",
           "sector { sectors: \"beauty\" }",
           "sector { ksic_prefixes: [ \"C\", \"C2\", \"C26\", \"C26110\" ] ksic_revision: 11 }",
           "export_band { year: 2025 min_usd_cents: 500000000 max_usd_cents: 1000000000 }",
           "export_band { min_usd_cents: 500 max_usd_cents: 500 }",
           "gpass_designation {}",
           "gpass_designation { min_grade: GPASS_GRADE_B designated_on_or_after { year: 2026 "
           "month: 1 day: 1 } }",
           "certificate { type: CERTIFICATION_TYPE_TECHNOLOGY_PRODUCT }",
           "firm_age { max_years: 7 }",
           "procurement_history { max_contract_count: 0 }",
           "procurement_history { max_contract_value_won: 500000000 }",
           "growth_stage { growth_stages: [ GROWTH_STAGE_PREPARATION ] }",
           "not_banned {}",
       }) {
    *request.mutable_program()->add_eligibility_rules() = Parse<v1::EligibilityRule>(
        absl::StrCat("id: \"rule-", n++, "\" description: \"A rule\" ", rule));
  }
  EXPECT_THAT(Fields(ValidateProgramCreation(request)), IsEmpty());
}

TEST(ValidationRuleTest, IdAndDescriptionAreRequired) {
  v1::CreateProgramRequest request = ValidProgramCreation();
  v1::EligibilityRule* rule = request.mutable_program()->mutable_eligibility_rules(0);
  rule->clear_id();
  rule->set_description(std::string(301, 'd'));
  EXPECT_THAT(
      Fields(ValidateProgramCreation(request)),
      ElementsAre("program.eligibility_rules[0].id", "program.eligibility_rules[0].description"));
  rule->set_id("Not-A-Slug");
  rule->clear_description();
  EXPECT_THAT(
      Fields(ValidateProgramCreation(request)),
      ElementsAre("program.eligibility_rules[0].id", "program.eligibility_rules[0].description"));
}

TEST(ValidationProgramTest, UpdateMaskNamesOnlySettableFields) {
  v1::UpdateProgramRequest request;
  *request.mutable_program() = ValidProgram();
  request.mutable_program()->set_name("programs/voucher");
  request.mutable_update_mask()->add_paths("per_firm_cap_won");
  request.mutable_update_mask()->add_paths("eligibility_rules");
  request.set_request_id("update-1");
  v1::Program merged = ValidProgram();
  EXPECT_TRUE(ValidateProgramUpdate(request, merged).ok());

  for (const char* path : {"name", "etag", "created_by", "create_time", "update_time", "nonsense",
                           "support_items.title"}) {
    v1::UpdateProgramRequest bad = request;
    bad.mutable_update_mask()->add_paths(path);
    EXPECT_THAT(Fields(ValidateProgramUpdate(bad, merged)), ElementsAre("update_mask")) << path;
  }
  v1::UpdateProgramRequest empty = request;
  empty.clear_update_mask();
  EXPECT_THAT(Fields(ValidateProgramUpdate(empty, merged)), ElementsAre("update_mask"));

  v1::UpdateProgramRequest unnamed = request;
  unnamed.mutable_program()->set_name("voucher");
  unnamed.clear_request_id();
  merged.set_per_firm_cap_won(-1);
  EXPECT_THAT(Fields(ValidateProgramUpdate(unnamed, merged)),
              ElementsAre("program.name", "program.per_firm_cap_won", "request_id"));
}

// ---------------------------------------------------------------- rounds

TEST(ValidationRoundTest, AValidRoundOfEachPolicyPasses) {
  EXPECT_THAT(Fields(ValidateRoundCreation(ValidRoundCreation(), ValidProgram())), IsEmpty());

  v1::CreateRoundRequest lottery = ValidRoundCreation();
  *lottery.mutable_round()->mutable_selection_policy() = Parse<v1::SelectionPolicy>(R"pb(
    seed_source: "Lotto 6/45 draw 1210"
    weighted_lottery {
      base_weight: 1
      priority_weights {
        condition {
          id: "first-timer"
          description: "No public contract yet"
          procurement_history { max_contract_count: 0 }
        }
        value: 2
      }
    }
  )pb");
  EXPECT_THAT(Fields(ValidateRoundCreation(lottery, ValidProgram())), IsEmpty());

  v1::CreateRoundRequest first_come = ValidRoundCreation();
  *first_come.mutable_round()->mutable_selection_policy() =
      Parse<v1::SelectionPolicy>(R"pb(seed_source: "Lotto"
                                      first_come_first_served {})pb");
  EXPECT_THAT(Fields(ValidateRoundCreation(first_come, ValidProgram())), IsEmpty());
}

TEST(ValidationRoundTest, EachBadFieldIsNamed) {
  struct Case {
    std::vector<std::string> fields;
    std::function<void(v1::CreateRoundRequest&)> spoil;
  };
  using R = v1::CreateRoundRequest;
  const std::string scored = "round.selection_policy.scored_ranking.";
  auto ranking = [](R& r) {
    return r.mutable_round()->mutable_selection_policy()->mutable_scored_ranking();
  };
  std::vector<Case> cases = {
      {{"parent"}, [](R& r) { r.set_parent("programs/voucher/rounds/x"); }},
      {{"round_id"}, [](R& r) { r.set_round_id(""); }},
      {{"round_id"}, [](R& r) { r.set_round_id("2026/1"); }},
      {{"request_id"}, [](R& r) { r.set_request_id(std::string(65, 'r')); }},
      {{"round"}, [](R& r) { r.clear_round(); }},
      {{"round.title"}, [](R& r) { r.mutable_round()->clear_title(); }},
      {{"round.description"},
       [](R& r) { r.mutable_round()->set_description(std::string(2001, 'd')); }},
      {{"round.apply_start_time"}, [](R& r) { r.mutable_round()->clear_apply_start_time(); }},
      {{"round.apply_end_time"},
       [](R& r) { *r.mutable_round()->mutable_apply_end_time() = r.round().apply_start_time(); }},
      {{"round.apply_end_time"},
       [](R& r) { r.mutable_round()->mutable_apply_end_time()->set_nanos(-1); }},
      {{"round.capacity"}, [](R& r) { r.mutable_round()->set_capacity(0); }},
      {{"round.budget_won"}, [](R& r) { r.mutable_round()->set_budget_won(-1); }},
      {{"round.max_request_won"}, [](R& r) { r.mutable_round()->set_max_request_won(-1); }},
      {{"round.eligibility_rules"},
       [](R& r) {
         for (int i = 0; i < 20; ++i) {
           auto* rule = r.mutable_round()->add_eligibility_rules();
           *rule = r.round().eligibility_rules(0);
           rule->set_id(absl::StrCat("rule-", i));
         }
       }},
      {{"round.eligibility_rules[0].firm_age.max_years"},
       [](R& r) {
         r.mutable_round()->mutable_eligibility_rules(0)->mutable_firm_age()->set_max_years(0);
       }},
      {{"round.selection_policy"}, [](R& r) { r.mutable_round()->clear_selection_policy(); }},
      {{"round.selection_policy.policy"},
       [](R& r) { r.mutable_round()->mutable_selection_policy()->clear_scored_ranking(); }},
      {{"round.selection_policy.seed_source"},
       [](R& r) { r.mutable_round()->mutable_selection_policy()->clear_seed_source(); }},
      {{"round.selection_policy.seed_source"},
       [](R& r) {
         r.mutable_round()->mutable_selection_policy()->set_seed_source(std::string(301, 's'));
       }},
      {{scored + "criteria"},
       [&](R& r) {
         ranking(r)->clear_criteria();
         ranking(r)->clear_tie_break();
       }},
      {{scored + "criteria"},
       [&](R& r) {
         for (int i = 0; i < 19; ++i) *ranking(r)->add_criteria() = ranking(r)->criteria(1);
       }},
      {{scored + "criteria[1].id"},
       [&](R& r) { ranking(r)->mutable_criteria(1)->set_id("market-entry-will"); }},
      {{scored + "criteria[1].id"}, [&](R& r) { ranking(r)->mutable_criteria(1)->clear_id(); }},
      {{scored + "criteria[0].title"},
       [&](R& r) { ranking(r)->mutable_criteria(0)->clear_title(); }},
      {{scored + "criteria[0].max_points"},
       [&](R& r) { ranking(r)->mutable_criteria(0)->set_max_points(0); }},
      {{scored + "criteria[0].max_points"},
       [&](R& r) { ranking(r)->mutable_criteria(0)->set_max_points(1001); }},
      {{scored + "criteria[0].weight_bp", scored + "criteria"},
       [&](R& r) { ranking(r)->mutable_criteria(0)->set_weight_bp(0); }},
      {{scored + "criteria[0].min_score_bp"},
       [&](R& r) { ranking(r)->mutable_criteria(0)->set_min_score_bp(10001); }},
      {{scored + "min_total_score_bp"}, [&](R& r) { ranking(r)->set_min_total_score_bp(-1); }},
      {{scored + "min_reviews"}, [&](R& r) { ranking(r)->set_min_reviews(11); }},
      {{scored + "bonuses"},
       [&](R& r) {
         for (int i = 0; i < 10; ++i) *ranking(r)->add_bonuses() = ranking(r)->bonuses(0);
       }},
      {{scored + "bonuses[0].condition"},
       [&](R& r) { ranking(r)->mutable_bonuses(0)->clear_condition(); }},
      {{scored + "bonuses[0].condition.procurement_history"},
       [&](R& r) {
         ranking(r)
             ->mutable_bonuses(0)
             ->mutable_condition()
             ->mutable_procurement_history()
             ->Clear();
       }},
      {{scored + "bonuses[0].value"}, [&](R& r) { ranking(r)->mutable_bonuses(0)->set_value(0); }},
      {{scored + "bonuses[0].value"},
       [&](R& r) { ranking(r)->mutable_bonuses(0)->set_value(10001); }},
      {{scored + "tie_break[1].kind"},
       [&](R& r) { ranking(r)->mutable_tie_break(1)->clear_kind(); }},
      {{scored + "tie_break[0].criterion_id"},
       [&](R& r) { ranking(r)->mutable_tie_break(0)->clear_criterion_id(); }},
      {{scored + "tie_break[0].criterion_id"},
       [&](R& r) { ranking(r)->mutable_tie_break(0)->set_criterion_id("unknown"); }},
      {{scored + "tie_break[1].criterion_id"},
       [&](R& r) { ranking(r)->mutable_tie_break(1)->set_criterion_id("capability"); }},
  };
  for (const Case& c : cases) {
    v1::CreateRoundRequest request = ValidRoundCreation();
    c.spoil(request);
    EXPECT_THAT(Fields(ValidateRoundCreation(request, ValidProgram())), ElementsAreArray(c.fields))
        << c.fields.front();
  }
}

TEST(ValidationRoundTest, WeightsMustSumTo10000) {
  v1::CreateRoundRequest request = ValidRoundCreation();
  auto* ranking = request.mutable_round()->mutable_selection_policy()->mutable_scored_ranking();
  ranking->mutable_criteria(1)->set_weight_bp(3000);
  absl::Status status = ValidateRoundCreation(request, ValidProgram());
  const std::string field = "round.selection_policy.scored_ranking.criteria";
  EXPECT_THAT(Fields(status), ElementsAre(field));
  EXPECT_THAT(ReasonFor(status, field), HasSubstr("9000"));
}

TEST(ValidationRoundTest, LotteryLimits) {
  const std::string lottery = "round.selection_policy.weighted_lottery.";
  v1::CreateRoundRequest request = ValidRoundCreation();
  auto* policy = request.mutable_round()->mutable_selection_policy()->mutable_weighted_lottery();
  policy->set_base_weight(1'000'001);
  v1::PriorityAdjustment* weight = policy->add_priority_weights();
  *weight->mutable_condition() = ValidProgram().eligibility_rules(1);
  weight->set_value(1'000'001);
  EXPECT_THAT(Fields(ValidateRoundCreation(request, ValidProgram())),
              ElementsAre(lottery + "base_weight", lottery + "priority_weights[0].value"));
  policy->set_base_weight(0);  // means 1
  weight->set_value(1'000'000);
  EXPECT_THAT(Fields(ValidateRoundCreation(request, ValidProgram())), IsEmpty());
  for (int i = 0; i < 10; ++i) *policy->add_priority_weights() = *weight;
  EXPECT_THAT(Fields(ValidateRoundCreation(request, ValidProgram())),
              ElementsAre(lottery + "priority_weights"));
}

TEST(ValidationRoundTest, RuleIdsAreUniqueAcrossProgrammeAndRound) {
  v1::CreateRoundRequest request = ValidRoundCreation();
  v1::EligibilityRule* rule = request.mutable_round()->add_eligibility_rules();
  *rule = request.round().eligibility_rules(0);
  EXPECT_THAT(Fields(ValidateRoundCreation(request, ValidProgram())),
              ElementsAre("round.eligibility_rules[1].id"));
  rule->set_id("sme");  // the programme's
  absl::Status status = ValidateRoundCreation(request, ValidProgram());
  EXPECT_THAT(Fields(status), ElementsAre("round.eligibility_rules[1].id"));
  EXPECT_THAT(ReasonFor(status, "round.eligibility_rules[1].id"), HasSubstr("programme"));
}

TEST(ValidationRoundTest, UpdateMaskNamesOnlySettableFields) {
  v1::UpdateRoundRequest request;
  *request.mutable_round() = ValidRound();
  request.mutable_round()->set_name(kRound);
  request.mutable_update_mask()->add_paths("title");
  request.mutable_update_mask()->add_paths("apply_end_time");
  request.set_request_id("update-round");
  v1::Round merged = ValidRound();
  EXPECT_TRUE(ValidateRoundUpdate(request, merged, ValidProgram()).ok());

  for (const char* path : {"name", "state", "etag", "fiscal_year", "budget_account",
                           "budget_summary", "created_by", "selection_policy.seed_source"}) {
    v1::UpdateRoundRequest bad = request;
    bad.mutable_update_mask()->add_paths(path);
    EXPECT_THAT(Fields(ValidateRoundUpdate(bad, merged, ValidProgram())),
                ElementsAre("update_mask"))
        << path;
  }
  request.clear_update_mask();
  request.mutable_round()->set_name("programs/voucher");
  merged.set_capacity(0);
  EXPECT_THAT(Fields(ValidateRoundUpdate(request, merged, ValidProgram())),
              ElementsAre("round.name", "update_mask", "round.capacity"));
}

// ---------------------------------------------------------- applications

TEST(ValidationApplicationTest, AValidApplicationPasses) {
  EXPECT_THAT(Fields(ValidateApplicationCreation(ValidApplicationCreation(), ValidProgram())),
              IsEmpty());
  // A draft may start with only firm and round.
  v1::CreateApplicationRequest draft;
  draft.mutable_application()->set_firm(kFirm);
  draft.mutable_application()->set_round(kRound);
  draft.set_request_id("draft");
  EXPECT_THAT(Fields(ValidateApplicationCreation(draft, ValidProgram())), IsEmpty());
}

TEST(ValidationApplicationTest, OutputOnlyFieldsAreIgnored) {
  v1::CreateApplicationRequest request = ValidApplicationCreation();
  v1::Application* application = request.mutable_application();
  application->set_name("whatever");
  application->set_program("programs/other");
  application->set_state(static_cast<v1::ApplicationState>(77));
  application->set_requested_amount_won(-5);
  application->mutable_requested_items(0)->set_subsidy_won(-1);
  application->set_total_score_bp(-1);
  EXPECT_THAT(Fields(ValidateApplicationCreation(request, ValidProgram())), IsEmpty());
}

TEST(ValidationApplicationTest, EachBadFieldIsNamed) {
  struct Case {
    std::string field;
    std::function<void(v1::Application&)> spoil;
  };
  using A = v1::Application;
  std::vector<Case> cases = {
      {"application.firm", [](A& a) { a.set_firm("firms/1248100997"); }},
      {"application.firm", [](A& a) { a.clear_firm(); }},
      {"application.round", [](A& a) { a.set_round("programs/voucher"); }},
      {"application.requested_items[0].support_item_id",
       [](A& a) { a.mutable_requested_items(0)->set_support_item_id("consulting"); }},
      {"application.requested_items[0].support_item_id",
       [](A& a) { a.mutable_requested_items(0)->clear_support_item_id(); }},
      {"application.requested_items[1].support_item_id",
       [](A& a) { a.mutable_requested_items(1)->set_support_item_id("marketing"); }},
      {"application.requested_items[0].cost_won",
       [](A& a) { a.mutable_requested_items(0)->set_cost_won(0); }},
      {"application.requested_items[0].cost_won",
       [](A& a) { a.mutable_requested_items(0)->set_cost_won(1'000'000'000'000'001); }},
      {"application.requested_items[1].description",
       [](A& a) { a.mutable_requested_items(1)->set_description(std::string(501, 'd')); }},
      {"application.requested_items",
       [](A& a) {
         for (int i = 0; i < 19; ++i) *a.add_requested_items() = a.requested_items(0);
       }},
      {"application.answers", [](A& a) { (*a.mutable_answers())["budget"] = "?"; }},
      {"application.answers[plan]",
       [](A& a) { (*a.mutable_answers())["plan"] = std::string(101, 'p'); }},
      // max_length 0 means 4000.
      {"application.answers[notes]",
       [](A& a) { (*a.mutable_answers())["notes"] = std::string(4001, 'n'); }},
      {"application.prior_year_sales_won", [](A& a) { a.set_prior_year_sales_won(-1); }},
      {"application.sales_evidence_ref",
       [](A& a) { a.set_sales_evidence_ref(std::string(201, 'e')); }},
  };
  for (const Case& c : cases) {
    v1::CreateApplicationRequest request = ValidApplicationCreation();
    c.spoil(*request.mutable_application());
    EXPECT_THAT(Fields(ValidateApplicationCreation(request, ValidProgram())), ElementsAre(c.field))
        << c.field;
  }
}

TEST(ValidationApplicationTest, AnswersAreCountedInCharacters) {
  v1::CreateApplicationRequest request = ValidApplicationCreation();
  std::string answer;
  for (int i = 0; i < 100; ++i) answer += "수";  // 300 bytes
  (*request.mutable_application()->mutable_answers())["plan"] = answer;
  EXPECT_THAT(Fields(ValidateApplicationCreation(request, ValidProgram())), IsEmpty());
  (*request.mutable_application()->mutable_answers())["plan"] = answer + "출";
  absl::Status status = ValidateApplicationCreation(request, ValidProgram());
  EXPECT_THAT(Fields(status), ElementsAre("application.answers[plan]"));
  EXPECT_THAT(ReasonFor(status, "application.answers[plan]"), HasSubstr("100"));
}

TEST(ValidationApplicationTest, UpdateMaskAndMergedContent) {
  v1::UpdateApplicationRequest request;
  request.mutable_application()->set_name(kApplication);
  request.mutable_update_mask()->add_paths("requested_items");
  request.mutable_update_mask()->add_paths("answers");
  request.mutable_update_mask()->add_paths("prior_year_sales_won");
  request.mutable_update_mask()->add_paths("sales_evidence_ref");
  request.set_request_id("update-application");
  v1::Application merged = ValidApplication();
  EXPECT_THAT(Fields(ValidateApplicationUpdate(request, merged, ValidProgram())), IsEmpty());

  for (const char* path : {"firm", "round", "state", "etag", "name", "requested_items.cost_won"}) {
    v1::UpdateApplicationRequest bad = request;
    bad.mutable_update_mask()->add_paths(path);
    EXPECT_THAT(Fields(ValidateApplicationUpdate(bad, merged, ValidProgram())),
                ElementsAre("update_mask"))
        << path;
  }
  request.clear_update_mask();
  request.mutable_application()->set_name("applications/short");
  merged.mutable_requested_items(0)->set_support_item_id("consulting");
  EXPECT_THAT(Fields(ValidateApplicationUpdate(request, merged, ValidProgram())),
              ElementsAre("application.name", "update_mask",
                          "application.requested_items[0].support_item_id"));
}

TEST(ValidationApplicationTest, SubmissionNeedsANameAndRequestId) {
  v1::SubmitApplicationRequest request;
  request.set_name(kApplication);
  request.set_request_id("submit-1");
  EXPECT_TRUE(ValidateSubmission(request).ok());
  request.set_name(kAward);
  request.clear_request_id();
  EXPECT_THAT(Fields(ValidateSubmission(request)), ElementsAre("name", "request_id"));
}

TEST(ValidationApplicationTest, ReadyToSubmit) {
  EXPECT_TRUE(CheckReadyToSubmit(ValidApplication(), ValidProgram()).ok());
  // Without bands and without sales, no evidence is needed.
  v1::Program flat = ValidProgram();
  flat.clear_subsidy_share_bands();
  v1::Application no_sales = ValidApplication();
  no_sales.clear_prior_year_sales_won();
  no_sales.clear_sales_evidence_ref();
  EXPECT_TRUE(CheckReadyToSubmit(no_sales, flat).ok());
}

TEST(ValidationApplicationTest, ARequiredAnswerMissingFailsThePrecondition) {
  v1::Application application = ValidApplication();
  application.mutable_answers()->erase("plan");
  absl::Status status = CheckReadyToSubmit(application, ValidProgram());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(status), "APPLICATION_INCOMPLETE");
  EXPECT_THAT(status.message(), HasSubstr("application.answers[plan]"));

  (*application.mutable_answers())["plan"] = " \n ";
  status = CheckReadyToSubmit(application, ValidProgram());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("application.answers[plan]"));
}

TEST(ValidationApplicationTest, SubmissionNeedsItemsEvidenceAndCurrentContent) {
  v1::Application application = ValidApplication();
  application.clear_requested_items();
  application.clear_sales_evidence_ref();
  absl::Status status = CheckReadyToSubmit(application, ValidProgram());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("application.requested_items"));
  EXPECT_THAT(status.message(), HasSubstr("application.sales_evidence_ref"));

  // Sales declared need their evidence even without bands.
  v1::Program flat = ValidProgram();
  flat.clear_subsidy_share_bands();
  application = ValidApplication();
  application.clear_sales_evidence_ref();
  EXPECT_THAT(CheckReadyToSubmit(application, flat).message(),
              HasSubstr("application.sales_evidence_ref"));

  // The programme dropped an item the draft asks for.
  v1::Program changed = ValidProgram();
  changed.mutable_support_items()->RemoveLast();
  changed.mutable_support_items(0)->set_id("marketing");
  status = CheckReadyToSubmit(ValidApplication(), changed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("application.requested_items[1].support_item_id"));
}

// --------------------------------------------------------------- reviews

TEST(ValidationReviewTest, OneScorePerCriterionWithinItsPoints) {
  v1::ScoredRankingPolicy policy = ValidRound().selection_policy().scored_ranking();
  v1::ReviewApplicationRequest request = Parse<v1::ReviewApplicationRequest>(R"pb(
    review {
      scores { criterion_id: "market-entry-will" score: 100 }
      scores { criterion_id: "capability" score: 0 }
      comment: "Clear plan."
    }
    request_id: "review-1"
  )pb");
  request.set_name(kApplication);
  EXPECT_THAT(Fields(ValidateReview(request, policy)), IsEmpty());

  struct Case {
    std::vector<std::string> fields;
    std::function<void(v1::ReviewApplicationRequest&)> spoil;
  };
  using R = v1::ReviewApplicationRequest;
  std::vector<Case> cases = {
      {{"review.scores"}, [](R& r) { r.mutable_review()->mutable_scores()->RemoveLast(); }},
      {{"review.scores[1].criterion_id", "review.scores"},
       [](R& r) { r.mutable_review()->mutable_scores(1)->set_criterion_id("charm"); }},
      {{"review.scores[2].criterion_id"},
       [](R& r) { *r.mutable_review()->add_scores() = r.review().scores(0); }},
      {{"review.scores[2].criterion_id"},
       [](R& r) { r.mutable_review()->add_scores()->set_score(1); }},
      {{"review.scores[0].score"},
       [](R& r) { r.mutable_review()->mutable_scores(0)->set_score(101); }},
      {{"review.scores[1].score"},
       [](R& r) { r.mutable_review()->mutable_scores(1)->set_score(-1); }},
      {{"review.comment"}, [](R& r) { r.mutable_review()->set_comment(std::string(4001, 'c')); }},
      {{"review"}, [](R& r) { r.clear_review(); }},
      {{"name", "request_id"},
       [](R& r) {
         r.set_name("applications/x");
         r.clear_request_id();
       }},
  };
  for (const Case& c : cases) {
    v1::ReviewApplicationRequest bad = request;
    c.spoil(bad);
    EXPECT_THAT(Fields(ValidateReview(bad, policy)), ElementsAreArray(c.fields))
        << c.fields.front();
  }
}

// ------------------------------------------------- reasoned state changes

TEST(ValidationReasonedChangeTest, NameReasonAndRequestId) {
  // Each request type, with a setter for name, reason and request id.
  struct Kind {
    std::string name;  // a well-formed name for it
    std::function<absl::Status(const std::string&, const std::string&, const std::string&)>
        validate;
  };
  auto make = [](auto request, auto validate) {
    return [request, validate](const std::string& name, const std::string& reason,
                               const std::string& request_id) mutable {
      request.set_name(name);
      request.set_reason(reason);
      request.set_request_id(request_id);
      return validate(request);
    };
  };
  std::vector<Kind> kinds = {
      {kApplication, make(v1::WithdrawApplicationRequest(), ValidateWithdrawal)},
      {kApplication, make(v1::CancelApplicationRequest(), ValidateCancellation)},
      {kAward, make(v1::CompleteAwardRequest(), ValidateCompletion)},
      {kAward, make(v1::ReleaseAwardRequest(), ValidateRelease)},
      {kRound, make(v1::FinalizeRoundRequest(), ValidateFinalization)},
  };
  for (const Kind& kind : kinds) {
    EXPECT_THAT(Fields(kind.validate(kind.name, "firm gave up", "change-1")), IsEmpty())
        << kind.name;
    EXPECT_THAT(Fields(kind.validate(kind.name, "  ", "change-1")), ElementsAre("reason"));
    EXPECT_THAT(Fields(kind.validate(kind.name, std::string(501, 'r'), "change-1")),
                ElementsAre("reason"));
    EXPECT_THAT(Fields(kind.validate("bans/0123456789abcdefghijklmn", "", "a b")),
                ElementsAre("name", "reason", "request_id"))
        << kind.name;
  }
}

// ------------------------------------------------------------- selection

TEST(ValidationRunSelectionTest, SeedAndInputsHash) {
  v1::RunSelectionRequest request;
  request.set_round(kRound);
  request.set_seed_value("3,11,19,24,38,42");
  request.set_expected_inputs_sha256(std::string(64, 'a'));
  request.set_request_id("select-1");
  EXPECT_THAT(Fields(ValidateRunSelection(request)), IsEmpty());
  request.clear_expected_inputs_sha256();  // optional
  EXPECT_THAT(Fields(ValidateRunSelection(request)), IsEmpty());

  for (std::string seed :
       {std::string(""), std::string(257, '1'), std::string("3,11\t19"), std::string("삼,십일")}) {
    v1::RunSelectionRequest bad = request;
    bad.set_seed_value(seed);
    EXPECT_THAT(Fields(ValidateRunSelection(bad)), ElementsAre("seed_value")) << seed;
  }
  for (std::string hash : {std::string(64, 'A'), std::string(63, 'a'), std::string(64, 'g')}) {
    v1::RunSelectionRequest bad = request;
    bad.set_expected_inputs_sha256(hash);
    EXPECT_THAT(Fields(ValidateRunSelection(bad)), ElementsAre("expected_inputs_sha256")) << hash;
  }
  request.set_round("programs/voucher/rounds/2026-1/selection");
  request.clear_request_id();
  EXPECT_THAT(Fields(ValidateRunSelection(request)), ElementsAre("round", "request_id"));
}

// ----------------------------------------------------------------- awards

TEST(ValidationDisbursementTest, EachBadFieldIsNamed) {
  v1::RecordDisbursementRequest request = Parse<v1::RecordDisbursementRequest>(R"pb(
    disbursement {
      amount_won: 7000000
      support_item_id: "marketing"
      evidence_ref: "docs://completion/2026-0042"
      supplier: "firms/2208162517"
      state: DISBURSEMENT_STATE_POSTED
      sequence: -3
    }
    request_id: "disburse-1"
  )pb");
  request.set_award(kAward);
  EXPECT_THAT(Fields(ValidateDisbursementRequest(request)), IsEmpty());
  request.mutable_disbursement()->set_evidence_sha256(std::string(64, '0'));
  EXPECT_THAT(Fields(ValidateDisbursementRequest(request)), IsEmpty());

  struct Case {
    std::string field;
    std::function<void(v1::RecordDisbursementRequest&)> spoil;
  };
  using R = v1::RecordDisbursementRequest;
  std::vector<Case> cases = {
      {"award", [](R& r) { r.set_award(kApplication); }},
      {"request_id", [](R& r) { r.clear_request_id(); }},
      {"disbursement", [](R& r) { r.clear_disbursement(); }},
      {"disbursement.amount_won", [](R& r) { r.mutable_disbursement()->set_amount_won(0); }},
      {"disbursement.support_item_id",
       [](R& r) { r.mutable_disbursement()->clear_support_item_id(); }},
      {"disbursement.evidence_ref", [](R& r) { r.mutable_disbursement()->clear_evidence_ref(); }},
      {"disbursement.evidence_ref",
       [](R& r) { r.mutable_disbursement()->set_evidence_ref(std::string(501, 'e')); }},
      {"disbursement.evidence_sha256",
       [](R& r) { r.mutable_disbursement()->set_evidence_sha256(std::string(64, 'F')); }},
      {"disbursement.supplier", [](R& r) { r.mutable_disbursement()->set_supplier(" "); }},
      {"disbursement.supplier",
       [](R& r) { r.mutable_disbursement()->set_supplier(std::string(201, 's')); }},
  };
  for (const Case& c : cases) {
    v1::RecordDisbursementRequest bad = request;
    c.spoil(bad);
    EXPECT_THAT(Fields(ValidateDisbursementRequest(bad)), ElementsAre(c.field)) << c.field;
  }
}

// ------------------------------------------------------------------- bans

TEST(ValidationBanTest, AValidBanPasses) {
  v1::BanFirmRequest request = Parse<v1::BanFirmRequest>(R"pb(
    ban {
      program: "programs/voucher"
      reason: BAN_REASON_FALSE_STATEMENT
      reason_detail: "False sales figure, case 2026-031"
      start_date { year: 2026 month: 3 day: 1 }
      end_date { year: 2026 month: 3 day: 1 }
      penalty_won: 0
      clawback_won: 5000000
      active: true
      cancelled_applications: "not checked"
    }
    request_id: "ban-1"
  )pb");
  request.mutable_ban()->set_firm(kFirm);
  EXPECT_THAT(Fields(ValidateBan(request)), IsEmpty());

  // Fraud, permanent, from every programme.
  request.mutable_ban()->set_reason(v1::BAN_REASON_FRAUD);
  request.mutable_ban()->clear_end_date();
  request.mutable_ban()->clear_program();
  EXPECT_THAT(Fields(ValidateBan(request)), IsEmpty());

  // FRAUD with an end date is refused.
  *request.mutable_ban()->mutable_end_date() = request.ban().start_date();
  absl::Status status = ValidateBan(request);
  EXPECT_THAT(Fields(status), ElementsAre("ban.end_date"));
  EXPECT_THAT(ReasonFor(status, "ban.end_date"), HasSubstr("permanent"));
}

TEST(ValidationBanTest, EachBadFieldIsNamed) {
  v1::BanFirmRequest valid = Parse<v1::BanFirmRequest>(R"pb(
    ban {
      firm: "firms/1248100998"
      reason: BAN_REASON_BREACH_OF_AGREEMENT
      reason_detail: "Services not used as agreed"
      start_date { year: 2026 month: 3 day: 1 }
      end_date { year: 2027 month: 2 day: 28 }
    }
    request_id: "ban-2"
  )pb");
  struct Case {
    std::string field;
    std::function<void(v1::FirmBan&)> spoil;
  };
  using B = v1::FirmBan;
  std::vector<Case> cases = {
      {"ban.firm", [](B& b) { b.set_firm("firms/1248100997"); }},
      {"ban.program", [](B& b) { b.set_program("voucher"); }},
      {"ban.reason", [](B& b) { b.clear_reason(); }},
      {"ban.reason", [](B& b) { b.set_reason(static_cast<v1::BanReason>(9)); }},
      {"ban.reason_detail", [](B& b) { b.clear_reason_detail(); }},
      {"ban.reason_detail", [](B& b) { b.set_reason_detail(std::string(2001, 'd')); }},
      {"ban.start_date", [](B& b) { b.clear_start_date(); }},
      {"ban.start_date",
       [](B& b) {
         b.mutable_start_date()->set_day(31);
         b.mutable_start_date()->set_month(4);
       }},
      {"ban.end_date", [](B& b) { b.mutable_end_date()->set_day(29); }},  // 2027 is no leap year
      {"ban.end_date",
       [](B& b) {
         b.mutable_end_date()->set_year(2026);
         b.mutable_end_date()->set_month(1);
       }},
      {"ban.penalty_won", [](B& b) { b.set_penalty_won(-1); }},
      {"ban.clawback_won", [](B& b) { b.set_clawback_won(-1); }},
  };
  EXPECT_THAT(Fields(ValidateBan(valid)), IsEmpty());
  for (const Case& c : cases) {
    v1::BanFirmRequest bad = valid;
    c.spoil(*bad.mutable_ban());
    EXPECT_THAT(Fields(ValidateBan(bad)), ElementsAre(c.field)) << c.field;
  }
  v1::BanFirmRequest empty;
  EXPECT_THAT(Fields(ValidateBan(empty)), ElementsAre("ban", "request_id"));
}

}  // namespace
}  // namespace kexport::applications
