// Every eligibility rule type, passing and failing, with its explanation.
#include "services/applications/eligibility_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/sample_firms.h"

namespace kexport::applications {
namespace {

using ::testing::HasSubstr;

class EligibilityRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    firm_.firm = kexport::testing::SampleFirm("1248100998");
    firm_.firm.set_name("firms/1248100998");
    firm_.firm.set_etag("7");
    firm_.firm.set_state(registry::v1::FIRM_STATE_ACTIVE);
    context_.submission_day = absl::CivilDay(2026, 3, 2);
    context_.default_export_year = 2025;
  }

  v1::RuleResult Judge(const v1::EligibilityRule& rule) {
    return JudgeEligibility(rule, firm_, context_);
  }

  FirmSnapshot firm_;
  RuleContext context_;
};

TEST_F(EligibilityRulesTest, SizeClass) {
  v1::EligibilityRule rule;
  rule.set_id("sme");
  rule.mutable_size_class()->add_size_classes(v1::SIZE_CLASS_SMALL);
  rule.mutable_size_class()->add_size_classes(v1::SIZE_CLASS_MEDIUM);
  v1::RuleResult passed = Judge(rule);
  EXPECT_TRUE(passed.passed());
  EXPECT_EQ(passed.observed(), "size_class=SIZE_CLASS_SMALL");
  EXPECT_EQ(passed.source(), "firms/1248100998");
  EXPECT_EQ(passed.source_etag(), "7");
  firm_.firm.set_size_class(registry::v1::SIZE_CLASS_LARGE);
  v1::RuleResult failed = Judge(rule);
  EXPECT_FALSE(failed.passed());
  EXPECT_THAT(failed.explanation(), HasSubstr("SIZE_CLASS_LARGE is not one of"));
}

TEST_F(EligibilityRulesTest, SectorOrKsicWithItsRevision) {
  v1::EligibilityRule rule;
  rule.set_id("star-sectors");
  rule.mutable_sector()->add_sectors("beauty");
  rule.mutable_sector()->add_ksic_prefixes("C26");
  rule.mutable_sector()->set_ksic_revision(11);
  EXPECT_TRUE(Judge(rule).passed());  // KSIC C26110, revision 11
  EXPECT_THAT(Judge(rule).explanation(), HasSubstr("KSIC C26"));
  firm_.firm.mutable_ksic()->set_revision(10);
  v1::RuleResult old_revision = Judge(rule);
  EXPECT_FALSE(old_revision.passed());
  EXPECT_THAT(old_revision.explanation(), HasSubstr("revision 10"));
  firm_.firm.add_sectors("beauty");
  EXPECT_TRUE(Judge(rule).passed());
}

TEST_F(EligibilityRulesTest, ExportBandOfTheYearBeforeTheWindow) {
  v1::EligibilityRule rule;
  rule.set_id("export-5m-10m");
  rule.mutable_export_band()->set_min_usd_cents(500'000'000);
  rule.mutable_export_band()->set_max_usd_cents(1'000'000'000);
  registry::v1::ExportRecord record;
  record.set_year(2025);
  record.set_total_usd_cents(712'000'000);
  firm_.exports.push_back(record);
  v1::RuleResult passed = Judge(rule);
  EXPECT_TRUE(passed.passed());
  EXPECT_EQ(passed.explanation(), "2025 exports USD 7,120,000 within USD 5,000,000-10,000,000");
  EXPECT_EQ(passed.observed(), "export_total_usd_cents(2025)=712000000");
  firm_.exports[0].set_total_usd_cents(1'200'000'001);
  EXPECT_FALSE(Judge(rule).passed());
  firm_.exports.clear();
  v1::RuleResult none = Judge(rule);
  EXPECT_FALSE(none.passed());
  EXPECT_THAT(none.observed(), HasSubstr("(no record)"));
}

TEST_F(EligibilityRulesTest, GpassDesignationWithMinimumGradeAndDate) {
  v1::EligibilityRule rule;
  rule.set_id("gpass-b");
  rule.mutable_gpass_designation()->set_min_grade(v1::GPASS_GRADE_B);
  EXPECT_FALSE(Judge(rule).passed());
  EXPECT_EQ(Judge(rule).observed(), "designation=none");
  designation::v1::Designation d;
  d.set_name("designations/abc");
  d.set_etag("3");
  d.set_grade(designation::v1::GRADE_A);
  d.mutable_valid_from()->set_year(2025);
  d.mutable_valid_from()->set_month(4);
  d.mutable_valid_from()->set_day(1);
  firm_.designation = d;
  v1::RuleResult passed = Judge(rule);
  EXPECT_TRUE(passed.passed());
  EXPECT_EQ(passed.source(), "designations/abc");
  firm_.designation->set_grade(designation::v1::GRADE_C);
  EXPECT_THAT(Judge(rule).explanation(), HasSubstr("below the minimum"));
  // Newly designated only (G-PASS Intensive Support).
  firm_.designation->set_grade(designation::v1::GRADE_A);
  auto* after = rule.mutable_gpass_designation()->mutable_designated_on_or_after();
  after->set_year(2026);
  after->set_month(1);
  after->set_day(1);
  EXPECT_FALSE(Judge(rule).passed());
}

TEST_F(EligibilityRulesTest, CertificateValidOnTheSubmissionDay) {
  v1::EligibilityRule rule;
  rule.set_id("technology-product");
  rule.mutable_certificate()->set_type(v1::CERTIFICATION_TYPE_TECHNOLOGY_PRODUCT);
  EXPECT_FALSE(Judge(rule).passed());
  auto* certification = firm_.firm.add_certifications();
  certification->set_type(registry::v1::CERTIFICATION_TYPE_TECHNOLOGY_PRODUCT);
  certification->set_number("NEP-2024-17");
  certification->mutable_valid_from()->set_year(2024);
  certification->mutable_valid_from()->set_month(1);
  certification->mutable_valid_from()->set_day(1);
  EXPECT_TRUE(Judge(rule).passed());
  certification->mutable_valid_until()->set_year(2026);
  certification->mutable_valid_until()->set_month(3);
  certification->mutable_valid_until()->set_day(1);
  EXPECT_FALSE(Judge(rule).passed());  // expired the day before
}

TEST_F(EligibilityRulesTest, FirmAgeInWholeYears) {
  v1::EligibilityRule rule;
  rule.set_id("startup");
  rule.mutable_firm_age()->set_max_years(7);
  firm_.firm.mutable_founding_date()->set_year(2019);
  firm_.firm.mutable_founding_date()->set_month(3);
  firm_.firm.mutable_founding_date()->set_day(1);
  EXPECT_TRUE(Judge(rule).passed());  // 7 whole years (and a day)
  EXPECT_THAT(Judge(rule).observed(), HasSubstr("age_years=7"));
  firm_.firm.mutable_founding_date()->set_year(2018);
  firm_.firm.mutable_founding_date()->set_day(3);
  EXPECT_TRUE(Judge(rule).passed());  // the 8th anniversary is tomorrow
  firm_.firm.mutable_founding_date()->set_day(2);
  EXPECT_FALSE(Judge(rule).passed());  // 8 years today
  EXPECT_EQ(Judge(rule).explanation(), "8 whole years old, at most 7");
}

TEST_F(EligibilityRulesTest, ProcurementHistoryLimits) {
  v1::EligibilityRule rule;
  rule.set_id("small-value");
  rule.mutable_procurement_history()->set_max_contract_value_won(500'000'000);
  firm_.firm.mutable_procurement_history()->set_contract_value_krw(500'000'000);
  EXPECT_TRUE(Judge(rule).passed());
  firm_.firm.mutable_procurement_history()->set_contract_value_krw(500'000'001);
  EXPECT_THAT(Judge(rule).explanation(), HasSubstr("above 500,000,000"));
  v1::EligibilityRule first_timer;
  first_timer.set_id("first-timer");
  first_timer.mutable_procurement_history()->set_max_contract_count(0);
  EXPECT_TRUE(Judge(first_timer).passed());
  firm_.firm.mutable_procurement_history()->set_contract_count(1);
  EXPECT_FALSE(Judge(first_timer).passed());
}

TEST_F(EligibilityRulesTest, GrowthStageBansAndTheImplicitActiveCheck) {
  v1::EligibilityRule rule;
  rule.set_id("expanding");
  rule.mutable_growth_stage()->add_growth_stages(v1::GROWTH_STAGE_EXPANSION);
  EXPECT_FALSE(Judge(rule).passed());  // settlement
  firm_.firm.set_growth_stage(registry::v1::GROWTH_STAGE_EXPANSION);
  EXPECT_TRUE(Judge(rule).passed());

  v1::EligibilityRule not_banned;
  not_banned.set_id("not-banned");
  not_banned.mutable_not_banned();
  EXPECT_TRUE(Judge(not_banned).passed());
  firm_.banned = true;
  EXPECT_EQ(Judge(not_banned).explanation(), "an active ban covers the firm");

  EXPECT_TRUE(FirmActiveCheck(firm_).passed());
  firm_.firm.set_state(registry::v1::FIRM_STATE_CLOSED);
  EXPECT_FALSE(FirmActiveCheck(firm_).passed());
  EXPECT_EQ(FirmActiveCheck(firm_).rule_id(), "firm-active");
}

TEST_F(EligibilityRulesTest, AmountsAreFormattedExactly) {
  EXPECT_EQ(FormatUsd(712'000'000), "USD 7,120,000");
  EXPECT_EQ(FormatUsd(1250), "USD 12.50");
  EXPECT_EQ(FormatUsd(0), "USD 0");
}

}  // namespace
}  // namespace kexport::applications
