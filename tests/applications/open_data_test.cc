// Awards as 360Giving grants without personal data, and the seed files
// (config/programs.jsonl, config/rounds.jsonl, tools/demo/ledger-*.json)
// parsed as the requests they claim to be.
#include "services/applications/open_data.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/brn.h"
#include "common/text.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "kexport/ledger/v1/ledger.pb.h"
#include "services/applications/applications_validation.h"
#include "tests/support/sample_firms.h"

namespace kexport::applications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A valid registration number whose digits 4-5 are `kind` (e.g. "01").
std::string BrnOfKind(const std::string& kind) {
  std::string first_nine = absl::StrCat("123", kind, "4567");
  return absl::StrCat(first_nine, BrnCheckDigit(first_nine));
}

class OpenDataGrantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    firm_ = kexport::testing::SampleFirm("1248100998");
    firm_.set_name("firms/1248100998");
    firm_.mutable_contact()->set_address("서울특별시 종로구 세종대로 209");
    firm_.mutable_certifications()->Add()->set_number("CERT-778899");

    program_.set_name("programs/voucher");
    program_.set_title_ko("해외조달시장 진출지원 바우처");
    program_.set_title_en("Overseas procurement support voucher");
    program_.set_description("Vouchers for G-PASS firms entering overseas public procurement.");
    program_.set_lead_agency(v1::AGENCY_PPS);
    auto add_item = [&](const std::string& id, const std::string& title) {
      v1::SupportItem* item = program_.add_support_items();
      item->set_id(id);
      item->set_title(title);
    };
    add_item("foreign-certification", "Foreign certification (CE, FDA, ...)");
    add_item("translation", "Translation and interpretation");
    add_item("legal-advice", "Legal and contract advice");

    round_.set_name("programs/voucher/rounds/2026-1");
    round_.set_title("2026 first recruitment");

    application_.set_name("applications/a1b2c3d4e5f6a7b8c9d0e1f2");
    application_.set_firm("firms/1248100998");
    application_.set_round(round_.name());
    v1::RequestedItem* translation = application_.add_requested_items();
    translation->set_support_item_id("translation");
    translation->set_cost_won(10000000);
    translation->set_description("통역: 대표 홍길동 출장 동행, 010-1234-5678");
    v1::RequestedItem* certification = application_.add_requested_items();
    certification->set_support_item_id("foreign-certification");
    certification->set_cost_won(20000000);
    (*application_.mutable_answers())["target-market"] = "UNICEF, 담당자 김영희 연락처";
    v1::Review* review = application_.add_reviews();
    review->set_reviewer("reviewer-park.jiwoo");
    review->set_comment("Strong plan; reviewed by Park Jiwoo");

    award_.set_name("awards/a1b2c3d4e5f6a7b8c9d0e1f2");
    award_.set_application(application_.name());
    award_.set_firm("firms/1248100998");
    award_.set_round(round_.name());
    award_.set_amount_won(21000000);
    award_.mutable_award_date()->set_year(2026);
    award_.mutable_award_date()->set_month(3);
    award_.mutable_award_date()->set_day(9);
  }

  v1::OpenDataGrant Grant() {
    return OpenDataGrantOf(award_, application_, program_, round_, firm_, settings_);
  }

  // The firm gets a number of `kind` (digits 4-5), everywhere it appears.
  void UseBrnOfKind(const std::string& kind) {
    std::string brn = BrnOfKind(kind);
    ASSERT_TRUE(BrnValid(brn)) << brn;
    firm_.set_brn(brn);
    firm_.set_name(FirmName(brn));
    award_.set_firm(FirmName(brn));
    application_.set_firm(FirmName(brn));
  }

  // Everything a reader of the open data could see.
  static std::string Published(const v1::OpenDataGrant& grant) {
    std::string json;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(grant, &json).ok());
    return absl::StrCat(json, "\n", grant.DebugString(), "\n", grant.SerializeAsString());
  }

  registry::v1::Firm firm_;
  v1::Program program_;
  v1::Round round_;
  v1::Application application_;
  v1::Award award_;
  OpenDataSettings settings_;
};

TEST_F(OpenDataGrantTest, MapsTheAwardToThe360GivingFields) {
  v1::OpenDataGrant grant = Grant();
  EXPECT_EQ(grant.id(), "360G-kexport-a1b2c3d4e5f6a7b8c9d0e1f2");
  EXPECT_EQ(grant.title(), "Overseas procurement support voucher: 2026 first recruitment");
  EXPECT_EQ(grant.currency(), "KRW");
  EXPECT_EQ(grant.amount_awarded(), 21000000);
  EXPECT_EQ(grant.award_date().year(), 2026);
  EXPECT_EQ(grant.award_date().month(), 3);
  EXPECT_EQ(grant.award_date().day(), 9);
  EXPECT_EQ(grant.funding_organization().id(), "KR-GOV-PPS");
  EXPECT_EQ(grant.funding_organization().name(), "Public Procurement Service");
}

TEST_F(OpenDataGrantTest, CorporationIsIdentifiedByItsRegistrationNumber) {
  EXPECT_EQ(Grant().recipient_organization().id(), "KR-BRN-1248100998");
  for (const char* kind : {"81", "82", "83", "84", "85", "86", "87", "88"}) {
    UseBrnOfKind(kind);
    EXPECT_FALSE(BrnIdentifiesPerson(firm_.brn())) << kind;
    EXPECT_EQ(Grant().recipient_organization().id(), absl::StrCat("KR-BRN-", firm_.brn()));
  }
}

TEST_F(OpenDataGrantTest, IndividualBusinessNumberIsNeverPublished) {
  for (const char* kind : {"01", "45", "79", "80", "89", "90", "99"}) {
    UseBrnOfKind(kind);
    EXPECT_TRUE(BrnIdentifiesPerson(firm_.brn())) << kind;
    v1::OpenDataGrant grant = Grant();
    EXPECT_EQ(grant.recipient_organization().id(), "360G-kexport-org-a1b2c3d4e5f6a7b8c9d0e1f2");
    std::string published = Published(grant);
    EXPECT_THAT(published, Not(HasSubstr(firm_.brn()))) << kind;
    EXPECT_THAT(published, Not(HasSubstr(BrnDisplay(firm_.brn())))) << kind;
  }
}

TEST_F(OpenDataGrantTest, RecordWithoutBrnFallsBackToTheAwardsFirm) {
  UseBrnOfKind("12");
  firm_.clear_brn();
  EXPECT_EQ(Grant().recipient_organization().id(), "360G-kexport-org-a1b2c3d4e5f6a7b8c9d0e1f2");
  award_.set_firm("firms/1248100998");
  EXPECT_EQ(Grant().recipient_organization().id(), "KR-BRN-1248100998");
}

TEST_F(OpenDataGrantTest, MalformedNumberIsWithheld) {
  EXPECT_TRUE(BrnIdentifiesPerson(""));
  EXPECT_TRUE(BrnIdentifiesPerson("124810099"));
  EXPECT_TRUE(BrnIdentifiesPerson("124-81-00998"));
  EXPECT_TRUE(BrnIdentifiesPerson("12481009981"));
}

TEST_F(OpenDataGrantTest, NameCarriesTheEnglishOneWhenKnown) {
  EXPECT_EQ(Grant().recipient_organization().name(),
            "주식회사 케이반도체 (K Semiconductor Co., Ltd.)");
  firm_.clear_legal_name_en();
  EXPECT_EQ(Grant().recipient_organization().name(), "주식회사 케이반도체");
  firm_.set_legal_name_en("  ");
  EXPECT_EQ(Grant().recipient_organization().name(), "주식회사 케이반도체");
  firm_.set_legal_name_ko("KSEMI");
  firm_.set_legal_name_en("KSEMI");
  EXPECT_EQ(Grant().recipient_organization().name(), "KSEMI");
}

TEST_F(OpenDataGrantTest, IndividualBusinessNamedAfterItsOwnerIsWithheld) {
  UseBrnOfKind("05");
  firm_.set_legal_name_ko("홍길동상회");
  firm_.set_legal_name_en("Hong Gildong Trading");
  EXPECT_EQ(Grant().recipient_organization().name(), "개인사업자 (Individual business)");
  firm_.set_legal_name_ko("홍 길동 상회");
  EXPECT_EQ(Grant().recipient_organization().name(), "개인사업자 (Individual business)");
  firm_.set_legal_name_ko("한빛상회");
  firm_.set_legal_name_en("Hanbit Trading");
  EXPECT_EQ(Grant().recipient_organization().name(), "한빛상회 (Hanbit Trading)");
  // A corporation's registered name is public, whatever it contains.
  UseBrnOfKind("81");
  firm_.set_legal_name_ko("주식회사 홍길동");
  firm_.clear_legal_name_en();
  EXPECT_EQ(Grant().recipient_organization().name(), "주식회사 홍길동");
}

TEST_F(OpenDataGrantTest, DescriptionListsTheItemsAwarded) {
  EXPECT_EQ(Grant().description(),
            "Vouchers for G-PASS firms entering overseas public procurement. Items awarded: "
            "Translation and interpretation; Foreign certification (CE, FDA, ...).");
  program_.set_description("Vouchers for G-PASS firms");
  application_.mutable_requested_items(1)->set_support_item_id("retired-item");
  EXPECT_EQ(Grant().description(),
            "Vouchers for G-PASS firms. Items awarded: Translation and interpretation; "
            "retired-item.");
  program_.clear_description();
  application_.clear_requested_items();
  EXPECT_EQ(Grant().description(), "");
}

TEST_F(OpenDataGrantTest, TitleWithoutRoundTitleIsTheProgrammes) {
  round_.clear_title();
  EXPECT_EQ(Grant().title(), "Overseas procurement support voucher");
}

TEST_F(OpenDataGrantTest, SettingsChooseThePrefixAndTheFundersIds) {
  settings_.prefix = "360G-pps";
  settings_.agency_ids[v1::AGENCY_PPS] = "TEST-PPS";
  UseBrnOfKind("33");
  v1::OpenDataGrant grant = Grant();
  EXPECT_EQ(grant.id(), "360G-pps-a1b2c3d4e5f6a7b8c9d0e1f2");
  EXPECT_EQ(grant.recipient_organization().id(), "360G-pps-org-a1b2c3d4e5f6a7b8c9d0e1f2");
  EXPECT_EQ(grant.funding_organization().id(), "TEST-PPS");
  settings_.agency_ids.erase(v1::AGENCY_PPS);
  EXPECT_EQ(Grant().funding_organization().id(), "360G-pps-agency-pps");
}

TEST_F(OpenDataGrantTest, EveryAgencyHasAnIdAndAnEnglishName) {
  std::map<v1::Agency, std::string> ids = DefaultAgencyIds();
  std::set<std::string> distinct;
  for (int value = v1::Agency_MIN; value <= v1::Agency_MAX; ++value) {
    if (!v1::Agency_IsValid(value) || value == v1::AGENCY_UNSPECIFIED) continue;
    v1::Agency agency = static_cast<v1::Agency>(value);
    ASSERT_TRUE(ids.count(agency)) << v1::Agency_Name(agency);
    EXPECT_THAT(ids[agency], ::testing::StartsWith("KR-GOV-"));
    distinct.insert(ids[agency]);
    EXPECT_NE(AgencyEnglishName(agency), "Unspecified agency") << v1::Agency_Name(agency);
  }
  EXPECT_EQ(distinct.size(), ids.size());
  EXPECT_EQ(AgencyEnglishName(v1::AGENCY_MOTIE), "Ministry of Trade, Industry and Energy");
  EXPECT_EQ(AgencyEnglishName(v1::AGENCY_MSS), "Ministry of SMEs and Startups");
  program_.set_lead_agency(v1::AGENCY_MOTIE);
  EXPECT_EQ(Grant().funding_organization().id(), "KR-GOV-MOTIE");
}

TEST_F(OpenDataGrantTest, NoPersonalDataLeaks) {
  for (const char* kind : {"81", "01"}) {
    UseBrnOfKind(kind);
    std::string published = Published(Grant());
    for (const std::string& secret :
         {firm_.representative(), firm_.contact().email(), firm_.contact().phone(),
          firm_.contact().address(), firm_.procurement_bidder().bidder_id(),
          std::string("CERT-778899"), std::string("홍길동"), std::string("010-1234-5678"),
          std::string("김영희"), std::string("reviewer-park.jiwoo"), std::string("Park Jiwoo")}) {
      ASSERT_FALSE(secret.empty());
      EXPECT_THAT(published, Not(HasSubstr(secret))) << kind;
    }
  }
}

// --- Seed files --------------------------------------------------------

std::vector<std::string> Lines(const std::string& relative) {
  std::ifstream in(absl::StrCat(KEXPORT_SOURCE_DIR, "/", relative));
  EXPECT_TRUE(in.good()) << relative;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StripAsciiWhitespace(line).empty()) lines.push_back(line);
  }
  return lines;
}

std::string Text(const std::string& relative) {
  std::ifstream in(absl::StrCat(KEXPORT_SOURCE_DIR, "/", relative));
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <typename Message>
Message Parse(const std::string& json, const std::string& where) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(status.ok()) << where << ": " << status.message();
  return message;
}

std::map<std::string, v1::CreateProgramRequest> SeededPrograms() {
  std::map<std::string, v1::CreateProgramRequest> programs;
  std::vector<std::string> lines = Lines("config/programs.jsonl");
  for (size_t i = 0; i < lines.size(); ++i) {
    auto request =
        Parse<v1::CreateProgramRequest>(lines[i], absl::StrCat("config/programs.jsonl:", i + 1));
    programs[request.program_id()] = request;
  }
  EXPECT_EQ(programs.size(), lines.size()) << "repeated program_id";
  return programs;
}

std::vector<v1::CreateRoundRequest> SeededRounds() {
  std::vector<v1::CreateRoundRequest> rounds;
  std::vector<std::string> lines = Lines("config/rounds.jsonl");
  for (size_t i = 0; i < lines.size(); ++i) {
    rounds.push_back(
        Parse<v1::CreateRoundRequest>(lines[i], absl::StrCat("config/rounds.jsonl:", i + 1)));
  }
  return rounds;
}

bool IsKstMidnight(const google::protobuf::Timestamp& time) {
  return time.nanos() == 0 && (time.seconds() + 9 * 3600) % 86400 == 0;
}

TEST(OpenDataSeedFiles, ParseAsRequests) {
  std::map<std::string, v1::CreateProgramRequest> programs = SeededPrograms();
  // The money programmes of docs' domain brief; G-PASS designation itself is
  // the designation service's (config/designation-policy.json).
  std::set<std::string> ids;
  for (const auto& [id, request] : programs) ids.insert(id);
  EXPECT_EQ(ids, (std::set<std::string>{"voucher", "gpass-intensive", "overseas-pilot",
                                        "k-export-star-500", "tech-pilot-purchase"}));
  std::map<std::string, std::set<std::string>> rule_ids;
  for (const auto& [id, request] : programs) {
    SCOPED_TRACE(id);
    const v1::Program& program = request.program();
    EXPECT_TRUE(IsLowerSlug(id, 40) && absl::ascii_islower(id[0]));
    EXPECT_EQ(request.request_id(), "seed-program-" + id);
    EXPECT_EQ(program.fiscal_year(), 2026);
    EXPECT_EQ(program.budget_account(), "accounts/" + id + "-2026-budget");
    EXPECT_FALSE(program.title_ko().empty());
    EXPECT_FALSE(program.title_en().empty());
    EXPECT_FALSE(program.description().empty());
    EXPECT_LE(CharacterCount(program.description()), 2000u);
    EXPECT_NE(program.lead_agency(), v1::AGENCY_UNSPECIFIED);
    EXPECT_GT(program.per_firm_cap_won(), 0);
    EXPECT_GE(program.state_share_bp(), 1);
    EXPECT_LE(program.state_share_bp(), 10000);
    EXPECT_GE(program.support_items_size(), 1);
    for (const v1::SubsidyShareBand& band : program.subsidy_share_bands()) {
      EXPECT_TRUE(band.max_sales_won() == 0 || band.max_sales_won() > band.min_sales_won());
    }
    for (int i = 1; i < program.subsidy_share_bands_size(); ++i) {
      EXPECT_EQ(program.subsidy_share_bands(i).min_sales_won(),
                program.subsidy_share_bands(i - 1).max_sales_won());
    }
    for (const v1::EligibilityRule& rule : program.eligibility_rules()) {
      EXPECT_NE(rule.rule_case(), v1::EligibilityRule::RULE_NOT_SET) << rule.id();
      EXPECT_TRUE(rule_ids[id].insert(rule.id()).second) << rule.id();
    }
  }
  const v1::Program& voucher = programs["voucher"].program();
  EXPECT_EQ(voucher.per_firm_cap_won(), 40000000);
  EXPECT_EQ(voucher.per_service_cap_won(), 20000000);
  EXPECT_EQ(voucher.subsidy_share_bands_size(), 3);
  EXPECT_TRUE(voucher.apply_gpass_incentives());
  EXPECT_EQ(programs["k-export-star-500"].program().per_firm_cap_won(), 560000000);
  EXPECT_EQ(programs["k-export-star-500"].program().partner_agencies_size(), 5);
  EXPECT_EQ(programs["gpass-intensive"].program().capacity(), 200);

  std::vector<v1::CreateRoundRequest> rounds = SeededRounds();
  EXPECT_EQ(rounds.size(), 6u);
  std::map<std::string, int> capacity_used;
  for (const v1::CreateRoundRequest& request : rounds) {
    std::string program_id(absl::StripPrefix(request.parent(), "programs/"));
    SCOPED_TRACE(request.request_id());
    ASSERT_TRUE(programs.count(program_id)) << request.parent() << " is not seeded";
    EXPECT_EQ(request.request_id(),
              absl::StrCat("seed-round-", program_id, "-", request.round_id()));
    EXPECT_LE(request.request_id().size(), 64u);
    EXPECT_TRUE(IsLowerSlug(request.round_id(), 63));
    const v1::Round& round = request.round();
    EXPECT_FALSE(round.title().empty());
    EXPECT_GT(round.capacity(), 0);
    capacity_used[program_id] += round.capacity();
    EXPECT_TRUE(IsKstMidnight(round.apply_start_time()));
    EXPECT_TRUE(IsKstMidnight(round.apply_end_time()));
    EXPECT_LT(round.apply_start_time().seconds(), round.apply_end_time().seconds());
    for (const v1::EligibilityRule& rule : round.eligibility_rules()) {
      EXPECT_TRUE(rule_ids[program_id].insert(rule.id()).second) << rule.id();
    }
    const v1::SelectionPolicy& policy = round.selection_policy();
    EXPECT_FALSE(policy.seed_source().empty());
    EXPECT_LE(policy.seed_source().size(), 300u);
    switch (policy.policy_case()) {
      case v1::SelectionPolicy::kScoredRanking: {
        int weights = 0;
        std::set<std::string> criteria;
        for (const v1::ScoringCriterion& criterion : policy.scored_ranking().criteria()) {
          weights += criterion.weight_bp();
          criteria.insert(criterion.id());
        }
        EXPECT_EQ(weights, 10000);
        EXPECT_GE(policy.scored_ranking().tie_break_size(), 1);
        for (const v1::TieBreakKey& key : policy.scored_ranking().tie_break()) {
          if (key.kind() == v1::TIE_BREAK_KIND_CRITERION_SCORE) {
            EXPECT_TRUE(criteria.count(key.criterion_id())) << key.criterion_id();
          }
        }
        break;
      }
      case v1::SelectionPolicy::kWeightedLottery: {
        const v1::WeightedLotteryPolicy& lottery = policy.weighted_lottery();
        ASSERT_EQ(lottery.priority_weights_size(), 1);
        const v1::EligibilityRule& first_timer = lottery.priority_weights(0).condition();
        ASSERT_TRUE(first_timer.has_procurement_history());
        EXPECT_TRUE(first_timer.procurement_history().has_max_contract_count());
        EXPECT_EQ(first_timer.procurement_history().max_contract_count(), 0);
        EXPECT_GT(lottery.priority_weights(0).value(), lottery.base_weight());
        break;
      }
      default:
        ADD_FAILURE() << "unexpected policy";
    }
  }
  for (const auto& [id, used] : capacity_used) {
    int capacity = programs[id].program().capacity();
    EXPECT_TRUE(capacity == 0 || used <= capacity) << id;
  }
}

TEST(OpenDataSeedFiles, PassTheServicesValidation) {
  std::map<std::string, v1::CreateProgramRequest> programs = SeededPrograms();
  for (const auto& [id, request] : programs) {
    absl::Status status = ValidateProgramCreation(request);
    EXPECT_TRUE(status.ok()) << id << ": " << status;
  }
  for (const v1::CreateRoundRequest& request : SeededRounds()) {
    std::string program_id(absl::StripPrefix(request.parent(), "programs/"));
    ASSERT_TRUE(programs.count(program_id)) << request.parent();
    absl::Status status = ValidateRoundCreation(request, programs[program_id].program());
    EXPECT_TRUE(status.ok()) << request.request_id() << ": " << status;
  }
}

TEST(OpenDataSeedFiles, LedgerDemoFundsTheSeededProgrammes) {
  auto accounts = Parse<ledger::v1::CreateAccountsRequest>(Text("tools/demo/ledger-accounts.json"),
                                                           "tools/demo/ledger-accounts.json");
  auto transfers = Parse<ledger::v1::CreateTransfersRequest>(
      Text("tools/demo/ledger-transfers.json"), "tools/demo/ledger-transfers.json");
  std::map<std::string, ledger::v1::Account> by_name;
  for (const ledger::v1::Account& account : accounts.accounts()) {
    EXPECT_TRUE(by_name.emplace("accounts/" + account.id(), account).second) << account.id();
    EXPECT_EQ(account.fiscal_year(), 2026);
  }
  for (const auto& [id, request] : SeededPrograms()) {
    SCOPED_TRACE(id);
    const std::string budget = request.program().budget_account();
    ASSERT_TRUE(by_name.count(budget));
    EXPECT_EQ(by_name[budget].kind(), ledger::v1::ACCOUNT_KIND_PROGRAM_BUDGET);
    EXPECT_EQ(by_name[budget].program(), "programs/" + id);
    EXPECT_EQ(by_name[budget].balance_limit(),
              ledger::v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
    const std::string offset = "accounts/" + id + "-2026-cap-offset";
    ASSERT_TRUE(by_name.count(offset));
    EXPECT_EQ(by_name[offset].kind(), ledger::v1::ACCOUNT_KIND_CONTROL_OFFSET);
    EXPECT_EQ(by_name[offset].program(), "programs/" + id);
    EXPECT_EQ(by_name[offset].balance_limit(), ledger::v1::BALANCE_LIMIT_NONE);
  }
  // The FY2026 budgets the domain brief states; the others have none there.
  std::map<std::string, int64_t> appropriated;
  std::set<std::string> transfer_ids;
  for (const ledger::v1::Transfer& transfer : transfers.transfers()) {
    EXPECT_TRUE(transfer_ids.insert(transfer.id()).second) << transfer.id();
    ASSERT_TRUE(by_name.count(transfer.debit_account())) << transfer.debit_account();
    ASSERT_TRUE(by_name.count(transfer.credit_account())) << transfer.credit_account();
    if (transfer.code() != ledger::v1::TRANSFER_CODE_APPROPRIATION) continue;
    EXPECT_EQ(by_name[transfer.debit_account()].kind(),
              ledger::v1::ACCOUNT_KIND_APPROPRIATION_SOURCE);
    EXPECT_EQ(by_name[transfer.credit_account()].kind(), ledger::v1::ACCOUNT_KIND_PROGRAM_BUDGET);
    appropriated[transfer.credit_account()] += transfer.amount();
  }
  EXPECT_EQ(appropriated, (std::map<std::string, int64_t>{
                              {"accounts/voucher-2026-budget", 18000000000},
                              {"accounts/gpass-intensive-2026-budget", 1000000000},
                              {"accounts/overseas-pilot-2026-budget", 20000000000},
                          }));
}

}  // namespace
}  // namespace kexport::applications
