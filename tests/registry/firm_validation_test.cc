#include "services/registry/firm_validation.h"

#include "common/brn.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/sample_firms.h"

namespace kexport::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::CivilDay kToday(2026, 11, 25);

std::vector<std::string> Problems(const Firm& firm) {
  FieldViolations violations;
  ValidateFirm(firm, "firm", kToday, violations);
  std::vector<std::string> fields;
  for (const FieldViolation& violation : violations.all()) {
    fields.push_back(violation.field);
  }
  return fields;
}

Firm Valid() { return kexport::testing::SampleFirm("1248100998"); }

TEST(FirmValidationTest, TheSampleFirmIsValid) {
  EXPECT_THAT(Problems(Valid()), IsEmpty());
}

TEST(FirmValidationTest, EachBadFieldIsNamed) {
  struct Case {
    const char* field;
    std::function<void(Firm&)> spoil;
  };
  std::vector<Case> cases = {
      {"firm.brn", [](Firm& f) { f.set_brn("1248100997"); }},
      {"firm.brn", [](Firm& f) { f.set_brn("124-81-00998"); }},
      {"firm.legal_name_ko", [](Firm& f) { f.clear_legal_name_ko(); }},
      {"firm.legal_name_ko", [](Firm& f) { f.set_legal_name_ko("   "); }},
      {"firm.legal_name_ko",
       [](Firm& f) { f.set_legal_name_ko(std::string(201, 'a')); }},
      {"firm.legal_name_en",
       [](Firm& f) { f.set_legal_name_en(std::string(201, 'a')); }},
      {"firm.representative", [](Firm& f) { f.clear_representative(); }},
      {"firm.size_class", [](Firm& f) { f.clear_size_class(); }},
      {"firm.size_class",
       [](Firm& f) { f.set_size_class(static_cast<v1::SizeClass>(42)); }},
      {"firm.founding_date", [](Firm& f) { f.clear_founding_date(); }},
      {"firm.founding_date",
       [](Firm& f) {
         f.mutable_founding_date()->set_month(2);
         f.mutable_founding_date()->set_day(30);
       }},
      {"firm.founding_date",
       [](Firm& f) { f.mutable_founding_date()->set_year(2027); }},
      {"firm.ksic.code", [](Firm& f) { f.mutable_ksic()->set_code("C2"); }},
      {"firm.ksic.code", [](Firm& f) { f.mutable_ksic()->set_code("26110"); }},
      {"firm.ksic.revision", [](Firm& f) { f.mutable_ksic()->set_revision(0); }},
      {"firm.sectors[1]", [](Firm& f) { f.add_sectors("Food!"); }},
      {"firm.sectors[1]", [](Firm& f) { f.add_sectors("semiconductors"); }},
      {"firm.contact.email",
       [](Firm& f) { f.mutable_contact()->set_email("no-at-sign"); }},
      {"firm.contact.phone",
       [](Firm& f) { f.mutable_contact()->set_phone("call me"); }},
      {"firm.procurement_history.contract_count",
       [](Firm& f) { f.mutable_procurement_history()->set_contract_count(-1); }},
      {"firm.procurement_history.contract_value_krw",
       [](Firm& f) {
         f.mutable_procurement_history()->set_contract_value_krw(-5);
       }},
      {"firm.growth_stage",
       [](Firm& f) { f.set_growth_stage(static_cast<v1::GrowthStage>(9)); }},
      {"firm.needs[1]", [](Firm& f) { f.add_needs(v1::NEED_LOCAL_FUNDING); }},
      {"firm.needs[1]", [](Firm& f) { f.add_needs(static_cast<v1::Need>(77)); }},
      {"firm.certifications[0].type",
       [](Firm& f) {
         auto* c = f.add_certifications();
         c->set_number("1");
         c->set_issuer("KOITA");
         c->mutable_valid_from()->set_year(2024);
         c->mutable_valid_from()->set_month(1);
         c->mutable_valid_from()->set_day(1);
       }},
      {"firm.certifications[0].valid_until",
       [](Firm& f) {
         auto* c = f.add_certifications();
         c->set_type(v1::CERTIFICATION_TYPE_INNOBIZ);
         c->set_number("1");
         c->set_issuer("MSS");
         *c->mutable_valid_from() = f.founding_date();
         c->mutable_valid_until()->set_year(2000);
         c->mutable_valid_until()->set_month(1);
         c->mutable_valid_until()->set_day(1);
       }},
  };
  for (const Case& c : cases) {
    Firm firm = Valid();
    c.spoil(firm);
    EXPECT_THAT(Problems(firm), ElementsAre(c.field)) << c.field;
  }
}

TEST(FirmValidationTest, LengthsCountCharactersNotBytes) {
  Firm firm = Valid();
  std::string name;
  for (int i = 0; i < 200; ++i) {
    name += "가";  // three bytes in UTF-8
  }
  firm.set_legal_name_ko(name);
  EXPECT_THAT(Problems(firm), IsEmpty());
}

TEST(FirmValidationTest, ExportRecordAmountsAndYear) {
  ExportRecord record;
  record.set_year(2025);
  record.set_goods_usd_cents(500'000'000);
  record.set_evidence_ref("customs-2025-001");
  FieldViolations ok;
  ValidateExportRecord(record, "export_record", kToday, ok);
  EXPECT_TRUE(ok.empty());

  record.set_year(2028);
  record.set_ai_solutions_usd_cents(-1);
  record.clear_evidence_ref();
  FieldViolations bad;
  ValidateExportRecord(record, "export_record", kToday, bad);
  std::vector<std::string> fields;
  for (const auto& v : bad.all()) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("export_record.year",
                                  "export_record.ai_solutions_usd_cents",
                                  "export_record.evidence_ref"));
}

TEST(FirmValidationTest, ExportAmountsThatOverflowAreRejected) {
  ExportRecord record;
  record.set_year(2025);
  record.set_evidence_ref("x");
  record.set_goods_usd_cents(INT64_MAX);
  record.set_indirect_usd_cents(1);
  FieldViolations violations;
  ValidateExportRecord(record, "export_record", kToday, violations);
  EXPECT_FALSE(violations.empty());
}

TEST(FirmValidationTest, UpdateMaskAllowsOnlyClientFields) {
  google::protobuf::FieldMask mask;
  mask.add_paths("contact.email");
  mask.add_paths("sectors");
  mask.add_paths("contact");
  auto fields = UpdatableFields(mask);
  ASSERT_TRUE(fields.ok());
  EXPECT_THAT(*fields, ElementsAre("contact", "sectors"));

  for (const char* path : {"brn", "name", "state", "etag", "create_time",
                           "update_time", "state_reason", "nonsense",
                           "contact.nonsense"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    EXPECT_EQ(UpdatableFields(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << path;
  }
  EXPECT_FALSE(UpdatableFields(google::protobuf::FieldMask()).ok());
}

TEST(FirmValidationTest, NamesCarryAValidNumber) {
  EXPECT_EQ(*BrnFromName("firms/1248100998", "name"), "1248100998");
  EXPECT_FALSE(BrnFromName("1248100998", "name").ok());
  EXPECT_FALSE(BrnFromName("firms/1248100997", "name").ok());
  EXPECT_FALSE(BrnFromName("firm/1248100998", "name").ok());
}

}  // namespace
}  // namespace kexport::registry
