// The real kexport-applications over gRPC with the real registry, designation
// service and ledger and a real Redis: a whole voucher round from the
// programme to the awards, the lottery and first-come-first-served policies,
// a crash while awards are being reserved, bad input and forbidden
// transitions, and downstream services going away.
//
// Rounds follow the real clock: a test opens a window that started a second
// ago, applies within it and sleeps until it has ended before the
// selection. Everything else that waits (the outbox reserving awards in the
// ledger) is polled with a deadline.
//
// What the tests expect is computed here, independently of the service:
// the amounts (shares, caps), the scores, the ranking and the budget line,
// the hashes of docs/selection.md and the seeded lottery.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/dates.h"
#include "common/proto_bytes.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "kexport/applications/v1/applications.grpc.pb.h"
#include "kexport/designation/v1/designation.grpc.pb.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "tests/support/error_details.h"
#include "tests/support/redis_server.h"
#include "tests/support/sample_firms.h"
#include "tests/support/service_process.h"

namespace kexport::applications {
namespace {

namespace reg = ::kexport::registry::v1;
namespace des = ::kexport::designation::v1;
namespace led = ::kexport::ledger::v1;

using ::kexport::testing::ReadErrorDetails;
using ::kexport::testing::SampleBrn;
using ::kexport::testing::SampleFirm;
using ::kexport::testing::ServiceProcess;
using ::kexport::testing::TempDir;
using ::testing::Contains;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using Items = std::vector<std::pair<std::string, int64_t>>;
using Points = std::vector<std::pair<std::string, int32_t>>;

constexpr int32_t kYear = 2026;
constexpr int32_t kExportYear = 2025;
constexpr char kSeedSource[] = "Lotto 6/45 draw 1210, main numbers ascending, comma-separated";

// ---------------------------------------------------------------------------
// Small pure helpers.

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::string Show(const grpc::Status& status) {
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

// Polls `condition` every 100 ms until it holds or `timeout` passes.
template <typename Condition>
bool Poll(Condition condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(100));
  }
}

// A day about two months ago: designation evidence the designation service
// counts whenever the tests run.
google::type::Date RecentDay() { return ToDate(KoreanDay(absl::Now()) - 60); }

// Firm n of the registry: mostly small firms; every tenth n ending in 7 is
// medium, in 8 mid-size, in 9 large; every n = 3 (mod 25) is still
// preparing to export.
reg::Firm FirmFor(int n) {
  reg::Firm firm = SampleFirm(SampleBrn(n));
  switch (n % 10) {
    case 7: firm.set_size_class(reg::SIZE_CLASS_MEDIUM); break;
    case 8: firm.set_size_class(reg::SIZE_CLASS_MID_SIZE); break;
    case 9: firm.set_size_class(reg::SIZE_CLASS_LARGE); break;
    default: break;
  }
  if (n % 25 == 3) firm.set_growth_stage(reg::GROWTH_STAGE_PREPARATION);
  return firm;
}

std::string FirmName(int n) { return "firms/" + SampleBrn(n); }

// ---- Programme, rounds and rules.

v1::EligibilityRule SizeRule() {
  v1::EligibilityRule rule;
  rule.set_id("size-sme");
  rule.set_description("Small and medium firms");
  rule.mutable_size_class()->add_size_classes(v1::SIZE_CLASS_SMALL);
  rule.mutable_size_class()->add_size_classes(v1::SIZE_CLASS_MEDIUM);
  return rule;
}

// Exports of USD 100,000 to 10,000,000 in 2025.
v1::EligibilityRule ExportRule() {
  v1::EligibilityRule rule;
  rule.set_id("export-band");
  rule.set_description("Exports of USD 100,000-10,000,000 in 2025");
  rule.mutable_export_band()->set_year(kExportYear);
  rule.mutable_export_band()->set_min_usd_cents(10'000'000);
  rule.mutable_export_band()->set_max_usd_cents(1'000'000'000);
  return rule;
}

v1::EligibilityRule NotBannedRule() {
  v1::EligibilityRule rule;
  rule.set_id("not-banned");
  rule.set_description("Not banned from the programme");
  rule.mutable_not_banned();
  return rule;
}

v1::EligibilityRule GrowthRule() {
  v1::EligibilityRule rule;
  rule.set_id("growth-settled");
  rule.set_description("Already selling abroad");
  rule.mutable_growth_stage()->add_growth_stages(v1::GROWTH_STAGE_SETTLEMENT);
  rule.mutable_growth_stage()->add_growth_stages(v1::GROWTH_STAGE_EXPANSION);
  return rule;
}

v1::EligibilityRule GpassRule(const std::string& id) {
  v1::EligibilityRule rule;
  rule.set_id(id);
  rule.set_description("Holds a G-PASS designation");
  rule.mutable_gpass_designation();
  return rule;
}

v1::EligibilityRule FirstTimerRule() {
  v1::EligibilityRule rule;
  rule.set_id("first-timer");
  rule.set_description("No public contract won in Korea yet");
  rule.mutable_procurement_history()->set_max_contract_count(0);
  return rule;
}

// The voucher's figures: 40M won per firm, 20M per service, 70% / 60% /
// 50% by prior-year sales (< 1B, 1-5B, >= 5B).
v1::Program VoucherProgram(const std::string& program_id) {
  v1::Program program;
  program.set_title_ko("해외조달시장 진출지원 바우처");
  program.set_title_en("Overseas procurement support voucher");
  program.set_description("Vouchers for firms entering overseas public procurement");
  program.set_lead_agency(v1::AGENCY_PPS);
  program.set_fiscal_year(kYear);
  program.set_budget_account(absl::StrCat("accounts/", program_id, "-", kYear, "-budget"));
  for (const char* id :
       {"foreign-certification", "marketing", "translation", "export-consulting"}) {
    v1::SupportItem* item = program.add_support_items();
    item->set_id(id);
    item->set_title(absl::StrCat("Service ", id));
  }
  program.set_per_firm_cap_won(40'000'000);
  program.set_per_service_cap_won(20'000'000);
  program.set_state_share_bp(7000);
  struct Band {
    int64_t min, max;
    int32_t share;
  };
  for (Band band : {Band{0, 1'000'000'000, 7000}, Band{1'000'000'000, 5'000'000'000, 6000},
                    Band{5'000'000'000, 0, 5000}}) {
    v1::SubsidyShareBand* b = program.add_subsidy_share_bands();
    b->set_min_sales_won(band.min);
    b->set_max_sales_won(band.max);
    b->set_state_share_bp(band.share);
  }
  *program.add_eligibility_rules() = SizeRule();
  *program.add_eligibility_rules() = ExportRule();
  *program.add_eligibility_rules() = NotBannedRule();
  v1::ApplicationQuestion* question = program.add_questions();
  question->set_id("export-plan");
  question->set_text("Which overseas public buyers will you approach, and how?");
  question->set_required(true);
  return program;
}

// A plain programme: one item, 70%, only the ban rule, one optional question.
v1::Program PlainProgram(const std::string& program_id) {
  v1::Program program;
  program.set_title_ko("시범 프로그램");
  program.set_title_en("Pilot programme " + program_id);
  program.set_lead_agency(v1::AGENCY_MSS);
  program.set_fiscal_year(kYear);
  program.set_budget_account(absl::StrCat("accounts/", program_id, "-", kYear, "-budget"));
  v1::SupportItem* item = program.add_support_items();
  item->set_id("pilot-purchase");
  item->set_title("Pilot purchase");
  program.set_per_firm_cap_won(40'000'000);
  program.set_state_share_bp(7000);
  *program.add_eligibility_rules() = NotBannedRule();
  v1::ApplicationQuestion* question = program.add_questions();
  question->set_id("export-plan");
  question->set_text("Where will the product be piloted?");
  return program;
}

v1::ScoringCriterion Criterion(const std::string& id, int32_t max_points, int32_t weight_bp,
                               int32_t min_score_bp) {
  v1::ScoringCriterion criterion;
  criterion.set_id(id);
  criterion.set_title("Criterion " + id);
  criterion.set_max_points(max_points);
  criterion.set_weight_bp(weight_bp);
  criterion.set_min_score_bp(min_score_bp);
  return criterion;
}

// Three criteria (40/30/30), 50% overall and 20% on export effort at least,
// two reviews each, +500 bp for G-PASS firms, ties by the first criterion
// then by earlier submission.
v1::SelectionPolicy ScoredPolicy() {
  v1::SelectionPolicy policy;
  v1::ScoredRankingPolicy* scored = policy.mutable_scored_ranking();
  *scored->add_criteria() = Criterion("market-entry-will", 50, 4000, 0);
  *scored->add_criteria() = Criterion("export-capability", 30, 3000, 0);
  *scored->add_criteria() = Criterion("export-effort", 20, 3000, 2000);
  scored->set_min_total_score_bp(5000);
  scored->set_min_reviews(2);
  v1::PriorityAdjustment* bonus = scored->add_bonuses();
  *bonus->mutable_condition() = GpassRule("gpass-holder");
  bonus->set_value(500);
  v1::TieBreakKey* first = scored->add_tie_break();
  first->set_kind(v1::TIE_BREAK_KIND_CRITERION_SCORE);
  first->set_criterion_id("market-entry-will");
  scored->add_tie_break()->set_kind(v1::TIE_BREAK_KIND_EARLIER_SUBMISSION);
  policy.set_seed_source(kSeedSource);
  return policy;
}

v1::SelectionPolicy LotteryPolicy(const v1::EligibilityRule& condition, int64_t weight) {
  v1::SelectionPolicy policy;
  v1::WeightedLotteryPolicy* lottery = policy.mutable_weighted_lottery();
  lottery->set_base_weight(1);
  v1::PriorityAdjustment* priority = lottery->add_priority_weights();
  *priority->mutable_condition() = condition;
  priority->set_value(weight);
  policy.set_seed_source(kSeedSource);
  return policy;
}

v1::SelectionPolicy FcfsPolicy() {
  v1::SelectionPolicy policy;
  policy.mutable_first_come_first_served();
  policy.set_seed_source(kSeedSource);
  return policy;
}

// A round whose window opened a second ago and stays open for `open_for`.
v1::Round WindowRound(const std::string& title, int32_t capacity, v1::SelectionPolicy policy,
                      absl::Duration open_for) {
  v1::Round round;
  round.set_title(title);
  round.set_description("End-to-end test round");
  absl::Time now = absl::Now();
  *round.mutable_apply_start_time() = ToTimestamp(now - absl::Seconds(1));
  *round.mutable_apply_end_time() = ToTimestamp(now + open_for);
  round.set_capacity(capacity);
  *round.mutable_selection_policy() = std::move(policy);
  return round;
}

// ---- The figures an application should carry (applications.proto).

int32_t ExpectedShare(const v1::Program& program, int64_t sales) {
  for (const auto& band : program.subsidy_share_bands()) {
    if (sales >= band.min_sales_won() &&
        (band.max_sales_won() == 0 || sales < band.max_sales_won())) {
      return band.state_share_bp();
    }
  }
  return program.state_share_bp();
}

int64_t ExpectedSubsidy(const v1::Program& program, int32_t share, int64_t cost) {
  int64_t subsidy = cost * share / 10000;
  if (program.per_service_cap_won() > 0) {
    subsidy = std::min(subsidy, program.per_service_cap_won());
  }
  return subsidy;
}

int64_t ExpectedRequest(const v1::Program& program, const v1::Round& round, const Items& items,
                        int64_t sales) {
  int32_t share = ExpectedShare(program, sales);
  int64_t sum = 0;
  for (const auto& item : items) sum += ExpectedSubsidy(program, share, item.second);
  if (round.max_request_won() > 0) sum = std::min(sum, round.max_request_won());
  return std::min(sum, program.per_firm_cap_won());
}

// Per criterion: floor(10000 x points summed / (reviews x max_points)).
std::map<std::string, int32_t> ExpectedCriterionScores(const v1::ScoredRankingPolicy& policy,
                                                       const std::vector<Points>& reviews) {
  std::map<std::string, int32_t> scores;
  for (const auto& criterion : policy.criteria()) {
    int64_t sum = 0;
    for (const Points& review : reviews) {
      for (const auto& [id, points] : review) {
        if (id == criterion.id()) sum += points;
      }
    }
    scores[criterion.id()] = static_cast<int32_t>(
        10000 * sum / (static_cast<int64_t>(reviews.size()) * criterion.max_points()));
  }
  return scores;
}

// floor(sum of criterion score x weight / 10000) plus the bonus.
int32_t ExpectedTotal(const v1::ScoredRankingPolicy& policy,
                      const std::map<std::string, int32_t>& scores, int64_t bonus) {
  int64_t weighted = 0;
  for (const auto& criterion : policy.criteria()) {
    weighted += static_cast<int64_t>(scores.at(criterion.id())) * criterion.weight_bp();
  }
  return static_cast<int32_t>(weighted / 10000 + bonus);
}

std::map<std::string, int32_t> ScoreMap(
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores) {
  std::map<std::string, int32_t> map;
  for (const auto& score : scores) map[score.criterion_id()] = score.score();
  return map;
}

// ---- docs/selection.md, written out again from the text.

std::string HexSha256(const std::string& bytes) {
  return absl::BytesToHexString(::kexport::Sha256(bytes));
}

std::string InputsSha256(const v1::SelectionCommitment& commitment) {
  std::string lines;
  for (const v1::SelectionInput& input : commitment.inputs()) {
    std::vector<std::string> scores;
    for (const auto& score : input.criterion_scores()) {
      scores.push_back(absl::StrCat(score.criterion_id(), "=", score.score()));
    }
    absl::StrAppend(&lines, input.brn(), ",", input.application(), ",", input.weight(), ",",
                    input.total_score_bp(), ",", absl::StrJoin(scores, ";"), ",",
                    input.requested_amount_won(), ",", TimestampMicros(input.submit_time()),
                    "\n");
  }
  return HexSha256(lines);
}

std::string CommitmentSha256(const v1::SelectionCommitment& commitment) {
  return HexSha256(absl::StrCat(
      commitment.algorithm_version(), "\n",
      absl::BytesToHexString(DeterministicBytes(commitment.policy())), "\n",
      commitment.inputs_sha256(), "\n", commitment.seed_source(), "\n",
      commitment.seed_value(), "\n", commitment.capacity(), "\n",
      commitment.budget_available_won(), "\n"));
}

std::string ResultSha256(const v1::Selection& selection) {
  std::string lines;
  for (const v1::SelectionEntry& entry : selection.entries()) {
    absl::StrAppend(&lines, entry.rank(), ",", entry.brn(), ",", entry.application(), ",",
                    entry.lottery_position(), ",", v1::SelectionOutcome_Name(entry.outcome()),
                    "\n");
  }
  return HexSha256(lines);
}

// Uniform integers in [0, bound) from SHA-256(seed ":" k), rejection
// sampled; every sample taken advances k.
class SeededSamples {
 public:
  explicit SeededSamples(std::string seed) : seed_(std::move(seed)) {}
  uint64_t Uniform(uint64_t bound) {
    const uint64_t limit = (UINT64_MAX / bound) * bound;
    while (true) {
      std::string digest = ::kexport::Sha256(absl::StrCat(seed_, ":", counter_++));
      uint64_t sample = 0;
      for (int i = 0; i < 8; ++i) {
        sample = (sample << 8) | static_cast<uint8_t>(digest[static_cast<size_t>(i)]);
      }
      if (sample < limit) return sample % bound;
    }
  }

 private:
  std::string seed_;
  uint64_t counter_ = 0;
};

// The weighted draw without replacement over the inputs in their order:
// the applications in the order drawn.
std::vector<std::string> WeightedDrawOrder(const v1::SelectionCommitment& commitment) {
  std::vector<std::pair<std::string, int64_t>> left;
  for (const auto& input : commitment.inputs()) {
    left.emplace_back(input.application(), input.weight());
  }
  SeededSamples samples(commitment.seed_value());
  std::vector<std::string> order;
  while (!left.empty()) {
    uint64_t total = 0;
    for (const auto& entry : left) total += static_cast<uint64_t>(entry.second);
    uint64_t t = samples.Uniform(total);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < left.size(); ++i) {
      cumulative += static_cast<uint64_t>(left[i].second);
      if (cumulative > t) {
        order.push_back(left[i].first);
        left.erase(left.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  return order;
}

// Selected in order while the count fits the capacity and the amount fits
// what is left; the first that does not fit and all after are waitlisted.
std::vector<v1::SelectionOutcome> BudgetLine(const std::vector<int64_t>& amounts,
                                             int32_t capacity, int64_t budget) {
  std::vector<v1::SelectionOutcome> outcomes;
  int32_t selected = 0;
  bool line = false;
  for (int64_t amount : amounts) {
    if (!line && selected < capacity && amount <= budget) {
      outcomes.push_back(v1::SELECTION_OUTCOME_SELECTED);
      budget -= amount;
      ++selected;
    } else {
      line = true;
      outcomes.push_back(v1::SELECTION_OUTCOME_WAITLISTED);
    }
  }
  return outcomes;
}

std::vector<std::string> FailingRules(const v1::EligibilityResult& eligibility) {
  std::vector<std::string> failing;
  for (const auto& result : eligibility.rule_results()) {
    if (!result.passed()) failing.push_back(result.rule_id());
  }
  return failing;
}

std::vector<std::string> RuleIds(
    const google::protobuf::RepeatedPtrField<v1::RuleResult>& results) {
  std::vector<std::string> ids;
  for (const auto& result : results) ids.push_back(result.rule_id());
  return ids;
}

const v1::RuleResult* FindRule(const google::protobuf::RepeatedPtrField<v1::RuleResult>& results,
                               const std::string& id) {
  for (const auto& result : results) {
    if (result.rule_id() == id) return &result;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Redis, the registry, the designation service, the ledger and the
// applications service, each with its own directory.

class ApplicationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start());
    registry_ = std::make_unique<ServiceProcess>(
        KEXPORT_REGISTRY_BINARY, registry_dir_.path(),
        std::vector<std::string>{"--redis_addr=" + redis_.address(), "--shutdown_grace=2s"});
    ASSERT_TRUE(registry_->Start()) << registry_->ReadLog();
    designation_ = std::make_unique<ServiceProcess>(
        KEXPORT_DESIGNATION_BINARY, designation_dir_.path(),
        std::vector<std::string>{
            "--redis_addr=" + redis_.address(), "--registry_addr=" + registry_->address(),
            "--registry_timeout=1s", "--shutdown_grace=2s",
            "--policy_file=" KEXPORT_SOURCE_DIR "/config/designation-policy.json",
            "--incentives_file=" KEXPORT_SOURCE_DIR "/config/grade-incentives.json"});
    ASSERT_TRUE(designation_->Start()) << designation_->ReadLog();
    ledger_ = std::make_unique<ServiceProcess>(KEXPORT_LEDGER_BINARY, ledger_dir_.path(),
                                               std::vector<std::string>{"--shutdown_grace=2s"});
    ASSERT_TRUE(ledger_->Start()) << ledger_->ReadLog();
    StartApplications({});
    ASSERT_FALSE(HasFatalFailure());
    firms_ = reg::FirmRegistry::NewStub(registry_->channel());
    designations_ = des::Designations::NewStub(designation_->channel());
    ConnectLedger();
  }

  // Starts the applications service (again, on the same data) with
  // `extra_flags`, and connects to it.
  void StartApplications(const std::vector<std::string>& extra_flags) {
    std::vector<std::string> flags = {
        "--redis_addr=" + redis_.address(), "--registry_addr=" + registry_->address(),
        "--designation_addr=" + designation_->address(),
        "--ledger_addr=" + ledger_->address(), "--downstream_timeout=1s",
        "--outbox_interval=200ms", "--shutdown_grace=2s"};
    flags.insert(flags.end(), extra_flags.begin(), extra_flags.end());
    applications_ = std::make_unique<ServiceProcess>(KEXPORT_APPLICATIONS_BINARY,
                                                     applications_dir_.path(), flags);
    ASSERT_TRUE(applications_->Start()) << applications_->ReadLog();
    ConnectApplications();
  }

  void TearDown() override {
    if (HasFailure() && applications_ != nullptr) {
      std::string log = applications_->ReadLog();
      if (log.size() > 8000) log = log.substr(log.size() - 8000);
      std::cerr << "--- kexport-applications log (tail) ---\n" << log << "\n";
    }
  }

  void ConnectApplications() { apps_ = v1::Applications::NewStub(applications_->channel()); }
  void ConnectLedger() { ledger_stub_ = led::Ledger::NewStub(ledger_->channel()); }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& actor = "operator") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-kexport-actor", actor);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  // A fresh idempotency key.
  std::string NextId(const std::string& prefix) {
    return absl::StrCat(prefix, "-", ++request_counter_);
  }

  // ---- Registry.

  void ImportFirms(const std::vector<reg::Firm>& firms) {
    reg::ImportFirmsResponse response;
    auto context = Context();
    std::unique_ptr<grpc::ClientWriter<reg::ImportFirmsRequest>> writer(
        firms_->ImportFirms(context.get(), &response));
    for (const reg::Firm& firm : firms) {
      reg::ImportFirmsRequest row;
      *row.mutable_firm() = firm;
      row.set_request_id("import-" + firm.brn());
      ASSERT_TRUE(writer->Write(row));
    }
    ASSERT_TRUE(writer->WritesDone());
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(response.imported_count(), static_cast<int64_t>(firms.size()))
        << response.DebugString();
  }

  void RecordExports(const std::string& firm, int64_t goods, int64_t indirect,
                     int64_t ai_solutions) {
    reg::RecordExportsRequest request;
    request.set_parent(firm);
    reg::ExportRecord* record = request.mutable_export_record();
    record->set_year(kExportYear);
    record->set_goods_usd_cents(goods);
    record->set_indirect_usd_cents(indirect);
    record->set_ai_solutions_usd_cents(ai_solutions);
    record->set_evidence_ref("customs declarations " + IdOf(firm));
    request.set_request_id(NextId("exports"));
    reg::ExportRecord recorded;
    grpc::Status status = firms_->RecordExports(Context().get(), request, &recorded);
    ASSERT_TRUE(status.ok()) << firm << " " << Show(status);
    ASSERT_EQ(recorded.total_usd_cents(), goods + indirect + ai_solutions);
  }

  void CloseFirm(const std::string& firm) {
    reg::CloseFirmRequest request;
    request.set_name(firm);
    request.set_reason("business closed per tax office");
    request.set_request_id(NextId("close"));
    reg::Firm closed;
    grpc::Status status = firms_->CloseFirm(Context().get(), request, &closed);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(closed.state(), reg::FIRM_STATE_CLOSED);
  }

  // Through the designation pipeline to a designation in force (grade B).
  void Designate(const std::string& firm) {
    des::SubmitDesignationApplicationRequest submit;
    submit.mutable_application()->set_firm(firm);
    submit.mutable_application()->set_kind(des::DESIGNATION_KIND_NEW);
    auto* bid = submit.mutable_application()->mutable_evidence()->add_overseas_bids();
    bid->set_buyer_kind(des::BUYER_KIND_UN_AGENCY);
    bid->set_buyer("UNICEF Supply Division");
    bid->set_country_code("DK");
    bid->set_reference("LRFP-2026-7");
    *bid->mutable_date() = RecentDay();
    bid->set_evidence_ref("receipt-7");
    submit.set_request_id(NextId("gpass-submit"));
    des::DesignationApplication application;
    grpc::Status status =
        designations_->SubmitDesignationApplication(Context().get(), submit, &application);
    ASSERT_TRUE(status.ok()) << Show(status);
    for (const char* reviewer : {"reviewer-1", "reviewer-2"}) {
      des::SubmitReviewRequest review;
      review.set_name(application.name());
      review.set_request_id(NextId("gpass-review"));
      for (auto [id, points] : {std::pair<const char*, int>{"market-entry-will", 35},
                                {"export-capability", 25}, {"export-effort", 24}}) {
        auto* score = review.mutable_review()->add_scores();
        score->set_criterion_id(id);
        score->set_points(points);
      }
      status = designations_->SubmitReview(Context(reviewer).get(), review, &application);
      ASSERT_TRUE(status.ok()) << Show(status);
    }
    des::DecideDesignationApplicationRequest decide;
    decide.set_name(application.name());
    decide.set_outcome(des::DECISION_OUTCOME_APPROVE);
    decide.set_reason("committee 2026-11");
    decide.set_request_id(NextId("gpass-decide"));
    status = designations_->DecideDesignationApplication(Context("committee").get(), decide,
                                                         &application);
    ASSERT_TRUE(status.ok()) << Show(status);
    des::GetFirmDesignationRequest get;
    get.set_firm(firm);
    des::GetFirmDesignationResponse in_force;
    status = designations_->GetFirmDesignation(Context().get(), get, &in_force);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_TRUE(in_force.designated()) << firm;
  }

  // ---- Ledger: what the operator opens before defining the programme.

  grpc::Status OpenAccount(const std::string& id, led::AccountKind kind,
                           const std::string& program, led::BalanceLimit limit) {
    led::CreateAccountRequest request;
    led::Account* account = request.mutable_account();
    account->set_id(id);
    account->set_kind(kind);
    account->set_title("test " + id);
    account->set_fiscal_year(kYear);
    account->set_program(program);
    account->set_balance_limit(limit);
    request.set_request_id("open-" + id);
    led::Account opened;
    return ledger_stub_->CreateAccount(Context().get(), request, &opened);
  }

  // An appropriation source, the programme's budget for kYear and an
  // appropriation of `amount` won into it.
  void OpenBudget(const std::string& program_id, int64_t amount) {
    const std::string program = "programs/" + program_id;
    const std::string prefix = absl::StrCat(program_id, "-", kYear);
    grpc::Status status = OpenAccount(prefix + "-source", led::ACCOUNT_KIND_APPROPRIATION_SOURCE,
                                      program, led::BALANCE_LIMIT_NONE);
    ASSERT_TRUE(status.ok()) << Show(status);
    status = OpenAccount(prefix + "-budget", led::ACCOUNT_KIND_PROGRAM_BUDGET, program,
                         led::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS);
    ASSERT_TRUE(status.ok()) << Show(status);
    led::CreateTransfersRequest request;
    led::Transfer* transfer = request.add_transfers();
    transfer->set_id("appropriation-" + prefix);
    transfer->set_debit_account("accounts/" + prefix + "-source");
    transfer->set_credit_account("accounts/" + prefix + "-budget");
    transfer->set_amount(amount);
    transfer->set_code(led::TRANSFER_CODE_APPROPRIATION);
    transfer->set_mode(led::TRANSFER_MODE_SINGLE_PHASE);
    transfer->set_reference(program);
    request.set_request_id("fund-" + prefix);
    led::CreateTransfersResponse response;
    status = ledger_stub_->CreateTransfers(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(response.results(0).result(), led::TRANSFER_RESULT_CREATED);
  }

  led::BudgetReport Report(const std::string& program_id) {
    led::GetBudgetReportRequest request;
    request.set_program("programs/" + program_id);
    request.set_fiscal_year(kYear);
    led::BudgetReport report;
    grpc::Status status = ledger_stub_->GetBudgetReport(Context().get(), request, &report);
    EXPECT_TRUE(status.ok()) << Show(status);
    return report;
  }

  led::Account LedgerAccount(const std::string& name) {
    led::GetAccountRequest request;
    request.set_name(name);
    led::Account account;
    grpc::Status status = ledger_stub_->GetAccount(Context().get(), request, &account);
    EXPECT_TRUE(status.ok()) << name << " " << Show(status);
    return account;
  }

  std::vector<led::Transfer> Transfers(const led::TransferFilter& filter) {
    std::vector<led::Transfer> all;
    led::ListTransfersRequest request;
    *request.mutable_filter() = filter;
    request.set_page_size(1000);
    while (true) {
      led::ListTransfersResponse response;
      grpc::Status status = ledger_stub_->ListTransfers(Context().get(), request, &response);
      if (!status.ok()) {
        ADD_FAILURE() << "ListTransfers " << Show(status);
        return all;
      }
      all.insert(all.end(), response.transfers().begin(), response.transfers().end());
      if (response.next_page_token().empty()) return all;
      request.set_page_token(response.next_page_token());
    }
  }

  // The award's reservation in the ledger: one open PENDING RESERVATION
  // budget -> firm commitment (`r.{award}.{n}`) holding what is left, and
  // its linked firm-cap control -> cap offset (`c.{award}.{n}`). With
  // `fresh`, nothing else pending was ever created for the application.
  void ExpectReservedOnce(const v1::Award& award, const std::string& program_id, bool fresh) {
    SCOPED_TRACE(award.name());
    const std::string prefix = absl::StrCat("accounts/", program_id, "-", kYear);
    const std::string brn = IdOf(award.firm());
    const std::string award_id = IdOf(award.name());
    led::TransferFilter on_budget;
    on_budget.set_account(prefix + "-budget");
    on_budget.set_reference(award.application());
    std::vector<led::Transfer> pending;
    int open = 0;
    for (const led::Transfer& transfer : Transfers(on_budget)) {
      if (transfer.mode() != led::TRANSFER_MODE_PENDING) continue;
      pending.push_back(transfer);
      if (transfer.pending_state() == led::PENDING_STATE_PENDING) ++open;
    }
    EXPECT_EQ(open, 1);
    if (fresh) {
      ASSERT_EQ(pending.size(), 1u);
    }
    for (const led::Transfer& transfer : pending) {
      if (transfer.pending_state() != led::PENDING_STATE_PENDING) continue;
      EXPECT_THAT(transfer.id(), StartsWith("r." + award_id + "."));
      EXPECT_EQ(transfer.code(), led::TRANSFER_CODE_RESERVATION);
      EXPECT_EQ(transfer.debit_account(), prefix + "-budget");
      EXPECT_EQ(transfer.credit_account(), prefix + "-" + brn);
      EXPECT_EQ(transfer.amount(), award.remaining_won());
      EXPECT_THAT(award.reservation_transfers(), Contains(transfer.name()));
    }
    led::TransferFilter by_reference;
    by_reference.set_reference(award.application());
    int open_cap = 0;
    for (const led::Transfer& transfer : Transfers(by_reference)) {
      if (transfer.mode() != led::TRANSFER_MODE_PENDING ||
          transfer.debit_account() != prefix + "-" + brn + "-cap") {
        continue;
      }
      if (fresh) {
        EXPECT_EQ(transfer.pending_state(), led::PENDING_STATE_PENDING);
      }
      if (transfer.pending_state() != led::PENDING_STATE_PENDING) continue;
      ++open_cap;
      EXPECT_THAT(transfer.id(), StartsWith("c." + award_id + "."));
      EXPECT_EQ(transfer.credit_account(), prefix + "-cap-offset");
      EXPECT_EQ(transfer.amount(), award.remaining_won());
    }
    EXPECT_EQ(open_cap, 1);
  }

  // ---- Applications service.

  v1::Program CreateProgram(const std::string& program_id, const v1::Program& program) {
    v1::CreateProgramRequest request;
    request.set_program_id(program_id);
    *request.mutable_program() = program;
    request.set_request_id("program-" + program_id);
    v1::Program created;
    grpc::Status status = apps_->CreateProgram(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << Show(status);
    EXPECT_EQ(created.name(), "programs/" + program_id);
    return created;
  }

  v1::Round CreateRound(const std::string& program_id, const std::string& round_id,
                        const v1::Round& round) {
    v1::CreateRoundRequest request;
    request.set_parent("programs/" + program_id);
    request.set_round_id(round_id);
    *request.mutable_round() = round;
    request.set_request_id(NextId("round"));
    v1::Round created;
    grpc::Status status = apps_->CreateRound(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << Show(status);
    EXPECT_EQ(created.name(), "programs/" + program_id + "/rounds/" + round_id);
    return created;
  }

  v1::CreateApplicationRequest ApplicationRequest(const std::string& firm,
                                                  const std::string& round, const Items& items,
                                                  int64_t sales) {
    v1::CreateApplicationRequest request;
    v1::Application* application = request.mutable_application();
    application->set_firm(firm);
    application->set_round(round);
    for (const auto& [id, cost] : items) {
      v1::RequestedItem* item = application->add_requested_items();
      item->set_support_item_id(id);
      item->set_cost_won(cost);
      item->set_description("service " + id);
    }
    application->set_prior_year_sales_won(sales);
    application->set_sales_evidence_ref("financial statement " + IdOf(firm));
    (*application->mutable_answers())["export-plan"] = "UN agencies in Copenhagen, via UNGM";
    request.set_request_id(NextId("create"));
    return request;
  }

  grpc::Status CreateApplication(const std::string& firm, const std::string& round,
                                 const Items& items, int64_t sales, v1::Application* created) {
    return apps_->CreateApplication(Context().get(),
                                    ApplicationRequest(firm, round, items, sales), created);
  }

  // A DRAFT, or a failed test.
  v1::Application Draft(const std::string& firm, const std::string& round, const Items& items,
                        int64_t sales) {
    v1::Application created;
    grpc::Status status = CreateApplication(firm, round, items, sales, &created);
    EXPECT_TRUE(status.ok()) << firm << " " << Show(status);
    EXPECT_EQ(created.state(), v1::APPLICATION_STATE_DRAFT) << firm;
    EXPECT_EQ(created.firm(), firm);
    EXPECT_THAT(created.name(), StartsWith("applications/"));
    return created;
  }

  struct RoundWithDrafts {
    v1::Round round;
    std::vector<v1::Application> drafts;
  };

  // Firms 1..`firms` in the registry; a funded programme `program` whose
  // lottery weighs G-PASS firms more, so every submission asks the
  // designation service too; its round 2026-1 open for `window`; and a
  // draft of each firm in it.
  RoundWithDrafts OpenRoundWithDrafts(const std::string& program, const std::string& title,
                                      int firms, int capacity, absl::Duration window) {
    std::vector<reg::Firm> registry_firms;
    for (int n = 1; n <= firms; ++n) registry_firms.push_back(SampleFirm(SampleBrn(n)));
    ImportFirms(registry_firms);
    if (HasFatalFailure()) return {};
    OpenBudget(program, 1'000'000'000);
    if (HasFatalFailure()) return {};
    CreateProgram(program, PlainProgram(program));
    RoundWithDrafts opened;
    opened.round = CreateRound(
        program, "2026-1",
        WindowRound(title, capacity, LotteryPolicy(GpassRule("gpass-weight"), 3), window));
    if (HasFailure()) return opened;
    for (int n = 1; n <= firms; ++n) {
      opened.drafts.push_back(
          Draft(FirmName(n), opened.round.name(), {{"pilot-purchase", 5'000'000}}, 0));
    }
    return opened;
  }

  grpc::Status Submit(const std::string& name, v1::Application* submitted) {
    v1::SubmitApplicationRequest request;
    request.set_name(name);
    request.set_request_id(NextId("submit"));
    return apps_->SubmitApplication(Context().get(), request, submitted);
  }

  v1::Application GetApplication(const std::string& name) {
    v1::GetApplicationRequest request;
    request.set_name(name);
    v1::Application application;
    grpc::Status status = apps_->GetApplication(Context().get(), request, &application);
    EXPECT_TRUE(status.ok()) << name << " " << Show(status);
    return application;
  }

  grpc::Status Review(const std::string& name, const std::string& reviewer,
                      const Points& points, v1::Application* reviewed) {
    v1::ReviewApplicationRequest request;
    request.set_name(name);
    for (const auto& [id, score] : points) {
      v1::CriterionScore* s = request.mutable_review()->add_scores();
      s->set_criterion_id(id);
      s->set_score(score);
    }
    request.mutable_review()->set_comment("scored by " + reviewer);
    request.set_request_id(NextId("review"));
    return apps_->ReviewApplication(Context(reviewer).get(), request, reviewed);
  }

  v1::Round GetRound(const std::string& name) {
    v1::GetRoundRequest request;
    request.set_name(name);
    v1::Round round;
    grpc::Status status = apps_->GetRound(Context().get(), request, &round);
    EXPECT_TRUE(status.ok()) << name << " " << Show(status);
    return round;
  }

  grpc::Status GetSelection(const std::string& round, v1::Selection* selection,
                            v1::SelectionView view = v1::SELECTION_VIEW_UNSPECIFIED) {
    v1::GetSelectionRequest request;
    request.set_name(round + "/selection");
    request.set_view(view);
    return apps_->GetSelection(Context().get(), request, selection);
  }

  // Every item of one of `round`'s selection's lists, read `page_size` at a
  // time through `list`; `items` is the response's field.
  template <typename Request, typename Response, typename Item>
  std::vector<Item> Paged(
      const std::string& round, int page_size,
      grpc::Status (v1::Applications::Stub::*list)(grpc::ClientContext*, const Request&,
                                                   Response*),
      const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const) {
    std::vector<Item> all;
    Request request;
    request.set_parent(round + "/selection");
    request.set_page_size(page_size);
    do {
      Response page;
      grpc::Status status = (apps_.get()->*list)(Context().get(), request, &page);
      EXPECT_TRUE(status.ok()) << Show(status);
      if (!status.ok()) break;
      EXPECT_LE((page.*items)().size(), page_size);
      all.insert(all.end(), (page.*items)().begin(), (page.*items)().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }
  std::vector<v1::SelectionEntry> PagedEntries(const std::string& round, int page_size) {
    return Paged(round, page_size, &v1::Applications::Stub::ListSelectionEntries,
                 &v1::ListSelectionEntriesResponse::entries);
  }
  std::vector<v1::SelectionInput> PagedInputs(const std::string& round, int page_size) {
    return Paged(round, page_size, &v1::Applications::Stub::ListSelectionInputs,
                 &v1::ListSelectionInputsResponse::inputs);
  }

  grpc::Status Preview(const std::string& round, v1::SelectionCommitment* commitment,
                       v1::SelectionView view = v1::SELECTION_VIEW_UNSPECIFIED) {
    v1::PreviewSelectionCommitmentRequest request;
    request.set_round(round);
    request.set_view(view);
    return apps_->PreviewSelectionCommitment(Context().get(), request, commitment);
  }

  v1::RunSelectionRequest RunRequest(const std::string& round, const std::string& seed,
                                     const std::string& expected_inputs_sha256) {
    v1::RunSelectionRequest request;
    request.set_round(round);
    request.set_seed_value(seed);
    request.set_expected_inputs_sha256(expected_inputs_sha256);
    request.set_request_id(NextId("draw"));
    return request;
  }

  grpc::Status RunSelection(const v1::RunSelectionRequest& request, v1::Selection* selection) {
    return apps_->RunSelection(Context().get(), request, selection);
  }

  v1::VerifySelectionResponse Verify(const std::string& round,
                                     const std::string& expected_commitment = "") {
    v1::VerifySelectionRequest request;
    request.set_name(round + "/selection");
    request.set_expected_commitment_sha256(expected_commitment);
    v1::VerifySelectionResponse response;
    grpc::Status status = apps_->VerifySelection(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << Show(status);
    return response;
  }

  // Sleeps until the round's window has passed, then waits (polling) for
  // the service to report it CLOSED.
  // Extends an open round's window when less than `margin` is left: on a
  // loaded machine, applying can outlast a test's short window.
  void KeepWindowOpen(const std::string& round_name, absl::Duration margin) {
    const v1::Round current = GetRound(round_name);
    if (FromTimestamp(current.apply_end_time()) - absl::Now() > margin) return;
    v1::UpdateRoundRequest extend;
    extend.mutable_round()->set_name(round_name);
    extend.mutable_round()->set_etag(current.etag());
    *extend.mutable_round()->mutable_apply_end_time() = ToTimestamp(absl::Now() + 2 * margin);
    extend.mutable_update_mask()->add_paths("apply_end_time");
    extend.set_request_id(absl::StrCat("extend-", absl::ToUnixNanos(absl::Now())));
    v1::Round extended;
    grpc::Status status = apps_->UpdateRound(Context().get(), extend, &extended);
    ASSERT_TRUE(status.ok()) << Show(status);
  }

  // Waits for the end of the round's window as it now stands.
  void WaitForWindowEnd(const v1::Round& round) {
    absl::Time end = FromTimestamp(GetRound(round.name()).apply_end_time());
    ASSERT_LT(absl::Now(), end) << "the window closed before everyone applied; widen it";
    absl::SleepFor(end - absl::Now() + absl::Milliseconds(50));
    ASSERT_TRUE(Poll([&] { return GetRound(round.name()).state() == v1::ROUND_STATE_CLOSED; },
                     absl::Seconds(5)))
        << v1::RoundState_Name(GetRound(round.name()).state());
  }

  std::optional<std::vector<v1::Award>> TryListAwards(const std::string& round) {
    std::vector<v1::Award> all;
    v1::ListAwardsRequest request;
    request.set_round(round);
    request.set_page_size(1000);
    while (true) {
      v1::ListAwardsResponse response;
      if (!apps_->ListAwards(Context().get(), request, &response).ok()) return std::nullopt;
      all.insert(all.end(), response.awards().begin(), response.awards().end());
      if (response.next_page_token().empty()) return all;
      request.set_page_token(response.next_page_token());
    }
  }

  std::vector<v1::Award> ListAwards(const std::string& round) {
    std::optional<std::vector<v1::Award>> awards = TryListAwards(round);
    EXPECT_TRUE(awards.has_value()) << "ListAwards " << round;
    return awards.value_or(std::vector<v1::Award>{});
  }

  // Polls until the round has exactly `count` awards, all in `state`.
  bool WaitForAwards(const std::string& round, size_t count, v1::AwardState state,
                     absl::Duration timeout) {
    return Poll(
        [&] {
          std::optional<std::vector<v1::Award>> awards = TryListAwards(round);
          return awards.has_value() && awards->size() == count &&
                 std::all_of(awards->begin(), awards->end(),
                             [&](const v1::Award& award) { return award.state() == state; });
        },
        timeout);
  }

  std::string AwardStates(const std::string& round) {
    std::map<std::string, int> counts;
    for (const v1::Award& award : ListAwards(round)) ++counts[v1::AwardState_Name(award.state())];
    std::string text;
    for (const auto& [state, count] : counts) absl::StrAppend(&text, state, "=", count, " ");
    return text;
  }

  v1::Award GetAward(const std::string& name) {
    v1::GetAwardRequest request;
    request.set_name(name);
    v1::Award award;
    grpc::Status status = apps_->GetAward(Context().get(), request, &award);
    EXPECT_TRUE(status.ok()) << name << " " << Show(status);
    return award;
  }

  std::vector<v1::Application> ListApplications(const std::string& round) {
    std::vector<v1::Application> all;
    v1::ListApplicationsRequest request;
    request.set_round(round);
    request.set_page_size(1000);
    while (true) {
      v1::ListApplicationsResponse response;
      grpc::Status status = apps_->ListApplications(Context().get(), request, &response);
      if (!status.ok()) {
        ADD_FAILURE() << "ListApplications " << Show(status);
        return all;
      }
      all.insert(all.end(), response.applications().begin(), response.applications().end());
      if (response.next_page_token().empty()) return all;
      request.set_page_token(response.next_page_token());
    }
  }

  TempDir redis_dir_;
  TempDir registry_dir_;
  TempDir designation_dir_;
  TempDir ledger_dir_;
  TempDir applications_dir_;
  kexport::testing::RedisServer redis_{redis_dir_.path()};
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> designation_;
  std::unique_ptr<ServiceProcess> ledger_;
  std::unique_ptr<ServiceProcess> applications_;
  std::unique_ptr<reg::FirmRegistry::Stub> firms_;
  std::unique_ptr<des::Designations::Stub> designations_;
  std::unique_ptr<led::Ledger::Stub> ledger_stub_;
  std::unique_ptr<v1::Applications::Stub> apps_;
  int request_counter_ = 0;
};

// ---------------------------------------------------------------------------

// One applicant of the voucher round.
struct Applicant {
  int n = 0;
  std::string firm;
  // The rule the firm fails; empty when eligible.
  std::string failing_rule;
  int64_t sales = 0;
  Items items;
  Points review1;
  Points review2;
  bool designated = false;
  v1::Application application;
};

TEST_F(ApplicationsServiceTest, WholeVoucherRound) {
  // 300 firms in the registry, of every size class.
  std::vector<reg::Firm> registry_firms;
  for (int n = 1; n <= 300; ++n) registry_firms.push_back(FirmFor(n));
  ImportFirms(registry_firms);
  ASSERT_FALSE(HasFatalFailure());

  // 34 eligible applicants (small or medium, settled, exporting within the
  // band), then one firm failing each rule.
  std::vector<Applicant> applicants;
  for (int n = 1; applicants.size() < 34u; ++n) {
    if (n % 10 >= 8 || n % 25 == 3) continue;
    Applicant applicant;
    applicant.n = n;
    applicants.push_back(applicant);
  }
  const size_t eligible_count = applicants.size();
  for (auto [n, rule] : std::vector<std::pair<int, std::string>>{
           {203, "growth-settled"},  // preparing to export (the round's rule)
           {208, "size-sme"},        // mid-size
           {209, "size-sme"},        // large
           {210, "export-band"},     // USD 50,000
           {211, "export-band"},     // USD 12,000,000
           {212, "export-band"},     // no export record
           {213, "not-banned"},      // banned from the voucher
           {214, "firm-active"}}) {  // closed
    Applicant applicant;
    applicant.n = n;
    applicant.failing_rule = rule;
    applicants.push_back(applicant);
  }
  const std::set<size_t> designated = {2, 6, 11, 20};
  for (size_t k = 0; k < applicants.size(); ++k) {
    Applicant& a = applicants[k];
    a.firm = FirmName(a.n);
    a.sales = k % 3 == 0 ? 500'000'000 : k % 3 == 1 ? 2'000'000'000 : 6'000'000'000;
    if (k == 1) {
      // Asks more than the round allows: 3 x 24M, each capped at 20M, then
      // capped at the round's 35M. The largest award of the round.
      a.items = {{"foreign-certification", 40'000'000},
                 {"marketing", 40'000'000},
                 {"export-consulting", 40'000'000}};
    } else {
      a.items = {{"foreign-certification", 10'000'000 + 1'000'000 * static_cast<int64_t>(k)}};
      if (k % 2 == 0) a.items.push_back({"marketing", 4'000'000 + 500'000 * static_cast<int64_t>(k)});
      if (k % 4 == 1) a.items.push_back({"translation", 3'333'333});
    }
    a.designated = designated.count(k) > 0;
    const int32_t kk = static_cast<int32_t>(k);
    if (k < 29) {
      a.review1 = {{"market-entry-will", 50 - kk}, {"export-capability", 30}, {"export-effort", 20}};
      a.review2 = {{"market-entry-will", 49 - kk}, {"export-capability", 27}, {"export-effort", 15}};
    } else if (k == 29) {
      // 7000 bp in total, but nothing on export effort (minimum 2000 bp).
      a.review1 = {{"market-entry-will", 50}, {"export-capability", 30}, {"export-effort", 0}};
      a.review2 = a.review1;
    } else {
      // Far below 5000 bp in total.
      a.review1 = {{"market-entry-will", 5}, {"export-capability", 5}, {"export-effort", 5}};
      a.review2 = {{"market-entry-will", 4}, {"export-capability", 4}, {"export-effort", 4}};
    }
  }

  // Registry facts: exports (goods, or goods plus intangible AI solutions
  // which count too), a closure; a designation for four firms.
  for (size_t k = 0; k < applicants.size(); ++k) {
    const Applicant& a = applicants[k];
    if (a.n == 212) continue;
    if (a.n == 210) {
      RecordExports(a.firm, 4'000'000, 1'000'000, 0);
    } else if (a.n == 211) {
      RecordExports(a.firm, 1'200'000'000, 0, 0);
    } else if (k < eligible_count && k % 2 == 1) {
      RecordExports(a.firm, 6'000'000, 0, 5'000'000);
    } else {
      RecordExports(a.firm, 20'000'000 + 100'000 * static_cast<int64_t>(k), 0, 0);
    }
    ASSERT_FALSE(HasFatalFailure());
  }
  RecordExports(FirmName(215), 30'000'000, 0, 0);
  CloseFirm(FirmName(214));
  for (size_t k : designated) Designate(applicants[k].firm);
  ASSERT_FALSE(HasFatalFailure());

  // The ledger: 18.0B won appropriated for the voucher's FY2026.
  OpenBudget("voucher", 18'000'000'000);
  ASSERT_FALSE(HasFatalFailure());
  const v1::Program program = VoucherProgram("voucher");
  EXPECT_EQ(CreateProgram("voucher", program).created_by(), "operator");
  ASSERT_FALSE(HasFailure());

  // Firm 213 is banned before it applies.
  v1::BanFirmRequest ban;
  ban.mutable_ban()->set_firm(FirmName(213));
  ban.mutable_ban()->set_program("programs/voucher");
  ban.mutable_ban()->set_reason(v1::BAN_REASON_FALSE_STATEMENT);
  ban.mutable_ban()->set_reason_detail("false export figures, case 2026-031");
  *ban.mutable_ban()->mutable_start_date() = ToDate(KoreanDay(absl::Now()) - 1);
  ban.set_request_id("ban-213");
  v1::FirmBan banned;
  grpc::Status status = apps_->BanFirm(Context().get(), ban, &banned);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_THAT(banned.name(), StartsWith("bans/"));
  EXPECT_TRUE(banned.active());
  EXPECT_EQ(banned.banned_by(), "operator");

  // A scored round: 10 firms at most, 1.0B won, 35M won per application.
  v1::Round round_spec = WindowRound("2026 first recruitment", 10, ScoredPolicy(),
                                     absl::Seconds(20));
  round_spec.set_budget_won(1'000'000'000);
  round_spec.set_max_request_won(35'000'000);
  *round_spec.add_eligibility_rules() = GrowthRule();
  const v1::Round round = CreateRound("voucher", "2026-1", round_spec);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(round.state(), v1::ROUND_STATE_OPEN);
  EXPECT_EQ(round.fiscal_year(), kYear);
  EXPECT_EQ(round.budget_account(), "accounts/voucher-2026-budget");
  const v1::ScoredRankingPolicy& policy = round_spec.selection_policy().scored_ranking();

  // Nothing can be drawn while the window is open.
  v1::SelectionCommitment early;
  grpc::Status too_early = Preview(round.name(), &early);
  EXPECT_EQ(too_early.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(too_early);
  v1::Selection selection;
  too_early = RunSelection(RunRequest(round.name(), "1,2,3,4,5,6", ""), &selection);
  EXPECT_EQ(too_early.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(too_early);
  EXPECT_EQ(ReadErrorDetails(too_early).metadata["state"], "ROUND_STATE_OPEN");

  // Everyone applies; the eligible are explained rule by rule, the others
  // by the one rule they fail.
  const std::vector<std::string> all_rules = {"firm-active", "size-sme", "export-band",
                                              "not-banned", "growth-settled"};
  for (size_t k = 0; k < applicants.size(); ++k) {
    Applicant& a = applicants[k];
    SCOPED_TRACE(absl::StrCat("applicant ", k, " firm ", a.n));
    KeepWindowOpen(round.name(), absl::Seconds(5));
    ASSERT_FALSE(HasFatalFailure());
    v1::Application draft = Draft(a.firm, round.name(), a.items, a.sales);
    ASSERT_FALSE(HasFailure());
    status = Submit(draft.name(), &a.application);
    ASSERT_TRUE(status.ok()) << Show(status);
    const v1::Application& app = a.application;
    EXPECT_EQ(app.name(), draft.name());
    EXPECT_EQ(app.program(), "programs/voucher");
    EXPECT_TRUE(app.has_submit_time());
    EXPECT_TRUE(app.eligibility().has_evaluate_time());
    if (a.failing_rule.empty()) {
      EXPECT_EQ(app.state(), v1::APPLICATION_STATE_UNDER_REVIEW);
      EXPECT_TRUE(app.eligibility().eligible());
      EXPECT_THAT(RuleIds(app.eligibility().rule_results()), ElementsAreArray(all_rules));
      EXPECT_THAT(FailingRules(app.eligibility()), ::testing::IsEmpty());
      // The figures: the sales band's share, per-item subsidies capped at
      // 20M, the total capped at the round's 35M.
      const int32_t share = ExpectedShare(program, a.sales);
      EXPECT_EQ(app.state_share_bp(), share);
      ASSERT_EQ(app.requested_items_size(), static_cast<int>(a.items.size()));
      for (size_t i = 0; i < a.items.size(); ++i) {
        EXPECT_EQ(app.requested_items(static_cast<int>(i)).subsidy_won(),
                  ExpectedSubsidy(program, share, a.items[i].second))
            << a.items[i].first;
      }
      EXPECT_EQ(app.requested_amount_won(), ExpectedRequest(program, round_spec, a.items, a.sales));
      EXPECT_EQ(app.per_firm_cap_won(), 40'000'000);
      // The G-PASS bonus is a priority, never a condition.
      const v1::RuleResult* gpass = FindRule(app.eligibility().priority_results(), "gpass-holder");
      ASSERT_NE(gpass, nullptr);
      EXPECT_EQ(gpass->passed(), a.designated);
      EXPECT_EQ(app.eligibility().priority_value(), a.designated ? 500 : 0);
      if (a.designated) {
        EXPECT_THAT(gpass->source(), StartsWith("designations/"));
        EXPECT_THAT(gpass->observed(), HasSubstr("GRADE_B"));
      }
    } else {
      EXPECT_EQ(app.state(), v1::APPLICATION_STATE_INELIGIBLE);
      EXPECT_FALSE(app.eligibility().eligible());
      EXPECT_THAT(FailingRules(app.eligibility()), ElementsAreArray({a.failing_rule}));
      ASSERT_GT(app.eligibility().rule_results_size(), 0);
      EXPECT_EQ(app.eligibility().rule_results(0).rule_id(), "firm-active");
      const v1::RuleResult* failed = FindRule(app.eligibility().rule_results(), a.failing_rule);
      ASSERT_NE(failed, nullptr);
      EXPECT_FALSE(failed->observed().empty());
      EXPECT_FALSE(failed->explanation().empty());
      if (a.failing_rule != "not-banned") {
        EXPECT_EQ(failed->source(), a.firm);
      }
      switch (a.n) {
        case 203: EXPECT_THAT(failed->observed(), HasSubstr("GROWTH_STAGE_PREPARATION")); break;
        case 208: EXPECT_THAT(failed->observed(), HasSubstr("SIZE_CLASS_MID_SIZE")); break;
        case 209: EXPECT_THAT(failed->observed(), HasSubstr("SIZE_CLASS_LARGE")); break;
        case 210: EXPECT_THAT(failed->observed(), HasSubstr("=5000000")); break;
        case 211: EXPECT_THAT(failed->observed(), HasSubstr("=1200000000")); break;
        case 214: EXPECT_THAT(failed->observed(), HasSubstr("FIRM_STATE_CLOSED")); break;
        default: break;
      }
      EXPECT_TRUE(app.award().empty());
    }
    ASSERT_GE(app.history_size(), 2);
    EXPECT_EQ(app.history(app.history_size() - 1).to_state(), app.state());
    EXPECT_EQ(app.history(app.history_size() - 1).method(), "SubmitApplication");
  }

  // A draft started in the window but not submitted in time.
  KeepWindowOpen(round.name(), absl::Seconds(5));
  ASSERT_FALSE(HasFatalFailure());
  const v1::Application late = Draft(FirmName(215), round.name(), {{"marketing", 10'000'000}},
                                     500'000'000);
  ASSERT_FALSE(HasFailure());

  WaitForWindowEnd(round);
  ASSERT_FALSE(HasFatalFailure());
  v1::Application late_submitted;
  status = Submit(late.name(), &late_submitted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetApplication(late.name()).state(), v1::APPLICATION_STATE_DRAFT);
  v1::Application too_late;
  status = CreateApplication(FirmName(216), round.name(), {{"marketing", 10'000'000}},
                             500'000'000, &too_late);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);

  // Reviews: the first reviewer alone is not enough (two per application).
  std::vector<Applicant*> eligible;
  for (size_t k = 0; k < eligible_count; ++k) eligible.push_back(&applicants[k]);
  for (Applicant* a : eligible) {
    v1::Application reviewed;
    status = Review(a->application.name(), "reviewer-1", a->review1, &reviewed);
    ASSERT_TRUE(status.ok()) << a->n << " " << Show(status);
  }
  status = RunSelection(RunRequest(round.name(), "1,2,3,4,5,6", ""), &selection);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetSelection(round.name(), &selection).error_code(), grpc::StatusCode::NOT_FOUND);
  for (Applicant* a : eligible) {
    SCOPED_TRACE(absl::StrCat("firm ", a->n));
    status = Review(a->application.name(), "reviewer-2", a->review2, &a->application);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(a->application.reviews_size(), 2);
    std::map<std::string, int32_t> expected_scores =
        ExpectedCriterionScores(policy, {a->review1, a->review2});
    EXPECT_EQ(ScoreMap(a->application.criterion_scores()), expected_scores);
    EXPECT_EQ(a->application.total_score_bp(),
              ExpectedTotal(policy, expected_scores, a->designated ? 500 : 0));
  }

  // The expected ranking: thresholds, then total score, the first
  // criterion, earlier submission; then the budget line.
  struct Ranked {
    const Applicant* applicant;
    int32_t total;
    int32_t market;
    int64_t submitted;
  };
  std::vector<Ranked> ranked;
  std::set<std::string> rejected;
  for (const Applicant* a : eligible) {
    std::map<std::string, int32_t> scores = ScoreMap(a->application.criterion_scores());
    bool below = a->application.total_score_bp() < policy.min_total_score_bp();
    for (const auto& criterion : policy.criteria()) {
      if (scores[criterion.id()] < criterion.min_score_bp()) below = true;
    }
    if (below) {
      rejected.insert(a->application.name());
    } else {
      ranked.push_back({a, a->application.total_score_bp(), scores["market-entry-will"],
                        TimestampMicros(a->application.submit_time())});
    }
  }
  ASSERT_EQ(rejected.size(), 5u);
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
    if (x.total != y.total) return x.total > y.total;
    if (x.market != y.market) return x.market > y.market;
    return x.submitted < y.submitted;
  });
  for (size_t i = 1; i < ranked.size(); ++i) {
    ASSERT_FALSE(ranked[i].total == ranked[i - 1].total &&
                 ranked[i].market == ranked[i - 1].market &&
                 ranked[i].submitted == ranked[i - 1].submitted)
        << "the test means every rank to be decided without the seeded draw";
  }
  std::vector<int64_t> amounts;
  for (const Ranked& r : ranked) amounts.push_back(r.applicant->application.requested_amount_won());
  const int64_t budget_available = 1'000'000'000;  // the round's, below the ledger's 18.0B
  const std::vector<v1::SelectionOutcome> outcomes = BudgetLine(amounts, 10, budget_available);

  // The commitment the operator publishes once the window has closed.
  v1::SelectionCommitment preview;
  status = Preview(round.name(), &preview);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(preview.algorithm_version(), "kexport-scored-ranking-v1");
  EXPECT_TRUE(preview.seed_value().empty());
  EXPECT_TRUE(preview.commitment_sha256().empty());
  EXPECT_EQ(preview.seed_source(), kSeedSource);
  EXPECT_EQ(preview.capacity(), 10);
  EXPECT_EQ(preview.budget_available_won(), budget_available);
  EXPECT_EQ(preview.inputs_sha256(), InputsSha256(preview));
  ASSERT_EQ(preview.inputs_size(), static_cast<int>(eligible_count));
  for (int i = 1; i < preview.inputs_size(); ++i) {
    EXPECT_LT(preview.inputs(i - 1).brn(), preview.inputs(i).brn());
  }
  EXPECT_EQ(preview.input_count(), preview.inputs_size());
  // The BASIC view: the same hash to publish and the count, no inputs.
  v1::SelectionCommitment basic_preview;
  status = Preview(round.name(), &basic_preview, v1::SELECTION_VIEW_BASIC);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(basic_preview.inputs_sha256(), preview.inputs_sha256());
  EXPECT_EQ(basic_preview.input_count(), preview.inputs_size());
  EXPECT_EQ(basic_preview.inputs_size(), 0);
  std::map<std::string, const Applicant*> by_name;
  for (const Applicant* a : eligible) by_name[a->application.name()] = a;
  for (const v1::SelectionInput& input : preview.inputs()) {
    ASSERT_EQ(by_name.count(input.application()), 1u) << input.application();
    const v1::Application& app = by_name[input.application()]->application;
    EXPECT_EQ(input.brn(), IdOf(app.firm()));
    EXPECT_EQ(input.weight(), 1);
    EXPECT_EQ(input.total_score_bp(), app.total_score_bp());
    EXPECT_EQ(ScoreMap(input.criterion_scores()), ScoreMap(app.criterion_scores()));
    EXPECT_EQ(input.requested_amount_won(), app.requested_amount_won());
    EXPECT_EQ(TimestampMicros(input.submit_time()), TimestampMicros(app.submit_time()));
  }

  // A draw against another published hash is refused and records nothing.
  status = RunSelection(RunRequest(round.name(), "3,11,19,24,38,42", std::string(64, '0')),
                        &selection);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetSelection(round.name(), &selection).error_code(), grpc::StatusCode::NOT_FOUND);

  const v1::RunSelectionRequest run =
      RunRequest(round.name(), "3,11,19,24,38,42", preview.inputs_sha256());
  status = RunSelection(run, &selection);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(selection.name(), round.name() + "/selection");
  EXPECT_EQ(selection.state(), v1::SELECTION_STATE_DRAWN);
  EXPECT_EQ(selection.run_by(), "operator");
  EXPECT_EQ(selection.commitment().inputs_sha256(), preview.inputs_sha256());
  EXPECT_EQ(selection.commitment().seed_value(), "3,11,19,24,38,42");
  EXPECT_EQ(selection.commitment().commitment_sha256(), CommitmentSha256(selection.commitment()));
  EXPECT_EQ(selection.result_sha256(), ResultSha256(selection));
  ASSERT_EQ(selection.entries_size(), static_cast<int>(eligible_count));
  std::vector<std::string> selected;
  std::vector<std::string> waitlisted;
  for (size_t i = 0; i < ranked.size(); ++i) {
    const v1::SelectionEntry& entry = selection.entries(static_cast<int>(i));
    const v1::Application& app = ranked[i].applicant->application;
    SCOPED_TRACE(absl::StrCat("rank ", i + 1));
    EXPECT_EQ(entry.application(), app.name());
    EXPECT_EQ(entry.rank(), static_cast<int32_t>(i + 1));
    EXPECT_EQ(entry.brn(), IdOf(app.firm()));
    EXPECT_EQ(entry.total_score_bp(), app.total_score_bp());
    EXPECT_EQ(entry.outcome(), outcomes[i]);
    if (outcomes[i] == v1::SELECTION_OUTCOME_SELECTED) {
      EXPECT_EQ(entry.amount_won(), app.requested_amount_won());
    }
    (outcomes[i] == v1::SELECTION_OUTCOME_SELECTED ? selected : waitlisted)
        .push_back(app.name());
  }
  ASSERT_EQ(selected.size(), 10u);
  std::set<std::string> rejected_entries;
  for (size_t i = ranked.size(); i < eligible_count; ++i) {
    const v1::SelectionEntry& entry = selection.entries(static_cast<int>(i));
    EXPECT_EQ(entry.rank(), 0);
    EXPECT_EQ(entry.outcome(), v1::SELECTION_OUTCOME_REJECTED);
    rejected_entries.insert(entry.application());
  }
  EXPECT_EQ(rejected_entries, rejected);

  // A retry answers the first result; the selection reads back the same.
  v1::Selection again;
  status = RunSelection(run, &again);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again, selection));
  v1::Selection stored;
  ASSERT_TRUE(GetSelection(round.name(), &stored).ok());
  EXPECT_EQ(stored.result_sha256(), selection.result_sha256());
  EXPECT_EQ(GetRound(round.name()).state(), v1::ROUND_STATE_SELECTED);

  // A retry may ask for the BASIC view: the same draw, summed up.
  v1::RunSelectionRequest basic_retry = run;
  basic_retry.set_view(v1::SELECTION_VIEW_BASIC);
  v1::Selection basic;
  status = RunSelection(basic_retry, &basic);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(basic.entries_size(), 0);
  EXPECT_EQ(basic.commitment().inputs_size(), 0);
  EXPECT_EQ(basic.entry_count(), selection.entries_size());
  EXPECT_EQ(basic.commitment().input_count(), selection.commitment().inputs_size());
  EXPECT_EQ(basic.result_sha256(), selection.result_sha256());
  EXPECT_EQ(basic.commitment().commitment_sha256(), selection.commitment().commitment_sha256());
  // Page by page: the FULL view's inputs and entries, in order.
  std::vector<v1::SelectionEntry> paged_entries = PagedEntries(round.name(), 4);
  ASSERT_EQ(paged_entries.size(), static_cast<size_t>(selection.entries_size()));
  for (size_t i = 0; i < paged_entries.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        paged_entries[i], selection.entries(static_cast<int>(i))))
        << i;
  }
  std::vector<v1::SelectionInput> paged_inputs = PagedInputs(round.name(), 3);
  ASSERT_EQ(paged_inputs.size(), static_cast<size_t>(selection.commitment().inputs_size()));
  for (size_t i = 0; i < paged_inputs.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        paged_inputs[i], selection.commitment().inputs(static_cast<int>(i))))
        << i;
  }
  // Bad paging and views are refused by field.
  v1::ListSelectionEntriesRequest bad_page;
  bad_page.set_parent(round.name() + "/selection");
  bad_page.set_page_token("not-a-token");
  v1::ListSelectionEntriesResponse no_page;
  status = apps_->ListSelectionEntries(Context().get(), bad_page, &no_page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("page_token"));
  bad_page.clear_page_token();
  bad_page.set_page_size(-1);
  status = apps_->ListSelectionEntries(Context().get(), bad_page, &no_page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  status = GetSelection(round.name(), &basic, static_cast<v1::SelectionView>(7));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("view"));

  for (const std::string& name : waitlisted) {
    EXPECT_EQ(GetApplication(name).state(), v1::APPLICATION_STATE_WAITLISTED) << name;
  }
  for (const std::string& name : rejected) {
    EXPECT_EQ(GetApplication(name).state(), v1::APPLICATION_STATE_REJECTED) << name;
  }
  for (const std::string& name : selected) {
    v1::Application app = GetApplication(name);
    EXPECT_THAT(app.state(), ::testing::AnyOf(v1::APPLICATION_STATE_SELECTED,
                                              v1::APPLICATION_STATE_AWARDED))
        << name;
    EXPECT_EQ(app.award(), "awards/" + IdOf(name));
  }

  // The outbox reserves every award in the ledger.
  ASSERT_TRUE(WaitForAwards(round.name(), 10, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(round.name());
  std::map<std::string, v1::Award> awards;
  for (const v1::Award& award : ListAwards(round.name())) awards[award.application()] = award;
  for (const std::string& name : selected) {
    ASSERT_EQ(awards.count(name), 1u) << name;
    const v1::Award& award = awards[name];
    const v1::Application& app = by_name[name]->application;
    EXPECT_EQ(award.name(), "awards/" + IdOf(name));
    EXPECT_EQ(award.firm(), app.firm());
    EXPECT_EQ(award.round(), round.name());
    EXPECT_EQ(award.amount_won(), app.requested_amount_won());
    EXPECT_EQ(award.state_share_bp(), app.state_share_bp());
    EXPECT_EQ(award.remaining_won(), award.amount_won());
    EXPECT_EQ(award.disbursed_won(), 0);
    EXPECT_TRUE(award.has_award_date());
    EXPECT_EQ(GetApplication(name).state(), v1::APPLICATION_STATE_AWARDED);
    ExpectReservedOnce(award, "voucher", /*fresh=*/true);
  }

  // The per-firm accounts the service opened for the first selected firm.
  {
    const v1::Award& first = awards[selected[0]];
    const std::string cap = "accounts/voucher-2026-" + IdOf(first.firm()) + "-cap";
    led::Account cap_account = LedgerAccount(cap);
    EXPECT_EQ(cap_account.kind(), led::ACCOUNT_KIND_FIRM_CAP_CONTROL);
    EXPECT_EQ(cap_account.credits_posted(), 40'000'000);
    EXPECT_EQ(cap_account.debits_pending(), first.amount_won());
    led::Account commitment = LedgerAccount("accounts/voucher-2026-" + IdOf(first.firm()));
    EXPECT_EQ(commitment.kind(), led::ACCOUNT_KIND_FIRM_COMMITMENT);
    EXPECT_EQ(commitment.firm(), first.firm());
    EXPECT_EQ(commitment.credits_pending(), first.amount_won());
  }

  // Who is withdrawn and who is paid: firm k=1 holds the largest award
  // there can be (35M), so whatever "fits" means, the first waitlisted fits
  // in the place it frees.
  const std::string withdrawn = applicants[1].application.name();
  ASSERT_NE(std::find(selected.begin(), selected.end(), withdrawn), selected.end())
      << "the test means applicant 1 to be selected";
  std::string paid;
  for (const std::string& name : selected) {
    if (name != withdrawn) {
      paid = name;
      break;
    }
  }
  ASSERT_FALSE(waitlisted.empty());
  const std::string promoted = waitlisted[0];
  ASSERT_LE(awards[withdrawn].amount_won(), 35'000'000);
  ASSERT_GE(awards[withdrawn].amount_won(), by_name[promoted]->application.requested_amount_won());

  // A disbursement: more than is left is refused, then half the first
  // item's subsidy is paid.
  const v1::Application& paid_app = by_name[paid]->application;
  const int64_t paid_amount = paid_app.requested_items(0).subsidy_won() / 2;
  ASSERT_GT(paid_amount, 0);
  v1::RecordDisbursementRequest disburse;
  disburse.set_award(awards[paid].name());
  disburse.mutable_disbursement()->set_amount_won(awards[paid].remaining_won() + 1);
  disburse.mutable_disbursement()->set_support_item_id(
      paid_app.requested_items(0).support_item_id());
  disburse.mutable_disbursement()->set_evidence_ref("completion report DOC-2026-118");
  disburse.mutable_disbursement()->set_supplier("Certification supplier 17");
  disburse.set_request_id("disburse-too-much");
  v1::Award award;
  status = apps_->RecordDisbursement(Context().get(), disburse, &award);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("disbursement.amount_won"));
  disburse.mutable_disbursement()->set_amount_won(paid_amount);
  disburse.set_request_id("disburse-1");
  status = apps_->RecordDisbursement(Context().get(), disburse, &award);
  ASSERT_TRUE(status.ok()) << Show(status);
  ASSERT_EQ(award.disbursements_size(), 1);
  if (award.disbursements(0).state() == v1::DISBURSEMENT_STATE_POSTING) {
    // The ledger answered late; the outbox posts it.
    ASSERT_TRUE(Poll(
        [&] {
          award = GetAward(awards[paid].name());
          return award.disbursements(0).state() != v1::DISBURSEMENT_STATE_POSTING;
        },
        absl::Seconds(10)));
  }
  EXPECT_EQ(award.disbursements(0).state(), v1::DISBURSEMENT_STATE_POSTED);
  EXPECT_EQ(award.disbursements(0).sequence(), 1);
  EXPECT_EQ(award.disbursements(0).recorded_by(), "operator");
  EXPECT_FALSE(award.disbursements(0).posting_transfer().empty());
  EXPECT_EQ(award.state(), v1::AWARD_STATE_IN_PROGRESS);
  EXPECT_EQ(award.disbursed_won(), paid_amount);
  EXPECT_EQ(award.remaining_won(), awards[paid].amount_won() - paid_amount);
  EXPECT_EQ(GetApplication(paid).state(), v1::APPLICATION_STATE_IN_PROGRESS);
  ExpectReservedOnce(award, "voucher", /*fresh=*/false);
  // An application being paid can no longer be withdrawn.
  v1::WithdrawApplicationRequest withdraw;
  withdraw.set_name(paid);
  withdraw.set_reason("changed our mind");
  withdraw.set_request_id("withdraw-paid");
  v1::Application out;
  status = apps_->WithdrawApplication(Context().get(), withdraw, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);

  // A withdrawal frees a place: the first waitlisted application is
  // promoted and gets its own award.
  withdraw.set_name(withdrawn);
  withdraw.set_reason("the firm cannot fund its own share this year");
  withdraw.set_request_id("withdraw-1");
  status = apps_->WithdrawApplication(Context().get(), withdraw, &out);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(out.state(), v1::APPLICATION_STATE_WITHDRAWN);
  withdraw.set_request_id("withdraw-1-again");
  status = apps_->WithdrawApplication(Context().get(), withdraw, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(ReadErrorDetails(status).metadata["state"], "APPLICATION_STATE_WITHDRAWN");

  v1::Award released;
  ASSERT_TRUE(Poll(
      [&] {
        released = GetAward(awards[withdrawn].name());
        return released.state() == v1::AWARD_STATE_RELEASED;
      },
      absl::Seconds(10)))
      << v1::AwardState_Name(released.state());
  EXPECT_EQ(released.released_won(), awards[withdrawn].amount_won());
  EXPECT_EQ(released.remaining_won(), 0);
  v1::Selection after;
  ASSERT_TRUE(GetSelection(round.name(), &after).ok());
  ASSERT_EQ(after.promotions_size(), 1);
  EXPECT_EQ(after.promotions(0).application(), promoted);
  EXPECT_EQ(after.promotions(0).replaced_application(), withdrawn);
  EXPECT_EQ(after.result_sha256(), selection.result_sha256());
  // A retry of the draw still answers its first result, promotions aside.
  v1::Selection retried;
  status = RunSelection(run, &retried);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(retried, selection));
  ASSERT_TRUE(Poll([&] { return GetApplication(promoted).state() == v1::APPLICATION_STATE_AWARDED; },
                   absl::Seconds(10)))
      << v1::ApplicationState_Name(GetApplication(promoted).state());
  const v1::Award promoted_award = GetAward("awards/" + IdOf(promoted));
  EXPECT_EQ(promoted_award.state(), v1::AWARD_STATE_RESERVED);
  EXPECT_EQ(promoted_award.amount_won(), by_name[promoted]->application.requested_amount_won());
  ExpectReservedOnce(promoted_award, "voucher", /*fresh=*/true);
  {
    // Nothing is held for the withdrawn application any more.
    led::TransferFilter filter;
    filter.set_reference(withdrawn);
    int open = 0;
    int voided = 0;
    for (const led::Transfer& transfer : Transfers(filter)) {
      if (transfer.mode() != led::TRANSFER_MODE_PENDING) continue;
      if (transfer.pending_state() == led::PENDING_STATE_PENDING) ++open;
      if (transfer.pending_state() == led::PENDING_STATE_VOIDED) ++voided;
    }
    EXPECT_EQ(open, 0);
    EXPECT_EQ(voided, 2);  // the budget reservation and its cap control
  }

  // The round's money: 11 awards (10 selected, 1 promoted), and the ledger
  // agrees on what is reserved and spent.
  int64_t awarded = promoted_award.amount_won();
  for (const std::string& name : selected) awarded += awards[name].amount_won();
  const int64_t released_won = awards[withdrawn].amount_won();
  v1::RoundBudget summary;
  led::BudgetReport report;
  Poll(
      [&] {
        summary = GetRound(round.name()).budget_summary();
        report = Report("voucher");
        return report.reserved() == summary.reserved_won() &&
               report.disbursed() == summary.disbursed_won();
      },
      absl::Seconds(10));
  EXPECT_EQ(summary.award_count(), 11);
  EXPECT_EQ(summary.awarded_won(), awarded);
  EXPECT_EQ(summary.disbursed_won(), paid_amount);
  EXPECT_EQ(summary.released_won(), released_won);
  EXPECT_EQ(summary.reserved_won(), awarded - paid_amount - released_won);
  EXPECT_EQ(summary.awarded_won(),
            summary.reserved_won() + summary.disbursed_won() + summary.released_won());
  EXPECT_EQ(report.reserved(), summary.reserved_won());
  EXPECT_EQ(report.disbursed(), summary.disbursed_won());
  EXPECT_EQ(report.appropriated(), 18'000'000'000);

  // Anyone can recompute the draw.
  v1::VerifySelectionResponse verified = Verify(round.name());
  EXPECT_TRUE(verified.verified()) << absl::StrJoin(verified.mismatches(), "; ");
  EXPECT_TRUE(verified.inputs_match());
  EXPECT_TRUE(verified.commitment_matches());
  EXPECT_TRUE(verified.result_matches());
  EXPECT_EQ(verified.recomputed_commitment_sha256(), selection.commitment().commitment_sha256());
  v1::VerifySelectionResponse forged = Verify(round.name(), std::string(64, 'f'));
  EXPECT_FALSE(forged.verified());
  EXPECT_FALSE(forged.commitment_matches());

  // A FULL view larger than one message is refused by name; the BASIC view
  // and the pages still answer.
  applications_->Signal(SIGTERM);
  ASSERT_TRUE(applications_->Wait(absl::Seconds(10)).has_value());
  StartApplications({"--max_message_bytes=2048"});
  ASSERT_FALSE(HasFatalFailure());
  status = GetSelection(round.name(), &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(ReadErrorDetails(status).reason, "SELECTION_TOO_LARGE");
  ASSERT_TRUE(GetSelection(round.name(), &basic, v1::SELECTION_VIEW_BASIC).ok());
  EXPECT_EQ(basic.entry_count(), selection.entries_size());
  EXPECT_EQ(PagedEntries(round.name(), 2).size(), static_cast<size_t>(selection.entries_size()));
}

TEST_F(ApplicationsServiceTest, LotterySelectionAndFirstComeFirstServed) {
  // Twelve firms; the odd ones never won a public contract (first-timers).
  std::vector<reg::Firm> registry_firms;
  for (int n = 1; n <= 12; ++n) {
    reg::Firm firm = SampleFirm(SampleBrn(n));
    if (n % 2 == 0) {
      firm.mutable_procurement_history()->set_contract_count(3);
      firm.mutable_procurement_history()->set_contract_value_krw(120'000'000);
    }
    registry_firms.push_back(firm);
  }
  ImportFirms(registry_firms);
  ASSERT_FALSE(HasFatalFailure());
  OpenBudget("pilot", 5'000'000'000);
  ASSERT_FALSE(HasFatalFailure());
  CreateProgram("pilot", PlainProgram("pilot"));
  ASSERT_FALSE(HasFailure());

  // Two rounds with the same window: first-timers weigh 5 in the lottery.
  const v1::Round lottery = CreateRound(
      "pilot", "lottery",
      WindowRound("Pilot purchase lottery", 5, LotteryPolicy(FirstTimerRule(), 5),
                  absl::Seconds(12)));
  const v1::Round fcfs =
      CreateRound("pilot", "fcfs",
                  WindowRound("Pilot purchase, first come", 4, FcfsPolicy(), absl::Seconds(12)));
  ASSERT_FALSE(HasFailure());
  const v1::Round& last_to_close =
      FromTimestamp(lottery.apply_end_time()) > FromTimestamp(fcfs.apply_end_time()) ? lottery
                                                                                      : fcfs;

  std::map<std::string, v1::Application> lottery_apps;
  for (int n = 1; n <= 12; ++n) {
    v1::Application draft =
        Draft(FirmName(n), lottery.name(), {{"pilot-purchase", 1'000'000 * n}}, 100'000'000);
    ASSERT_FALSE(HasFailure());
    v1::Application submitted;
    grpc::Status status = Submit(draft.name(), &submitted);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW);
    const v1::RuleResult* first_timer =
        FindRule(submitted.eligibility().priority_results(), "first-timer");
    ASSERT_NE(first_timer, nullptr);
    EXPECT_EQ(first_timer->passed(), n % 2 == 1) << n;
    if (n % 2 == 1) {
      EXPECT_EQ(submitted.eligibility().priority_value(), 5) << n;
    }
    EXPECT_EQ(submitted.requested_amount_won(), 1'000'000 * n * 7 / 10);
    lottery_apps[submitted.name()] = submitted;
  }
  // First come: drafts in one order, submissions in another.
  std::map<int, std::string> fcfs_drafts;
  for (int n = 1; n <= 8; ++n) {
    fcfs_drafts[n] = Draft(FirmName(n), fcfs.name(), {{"pilot-purchase", 2'000'000}}, 0).name();
    ASSERT_FALSE(HasFailure());
  }
  std::vector<std::string> submit_order;
  for (int n : {5, 2, 7, 1, 8, 3, 6, 4}) {
    v1::Application submitted;
    grpc::Status status = Submit(fcfs_drafts[n], &submitted);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW);
    submit_order.push_back(submitted.name());
  }

  WaitForWindowEnd(last_to_close);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(GetRound(lottery.name()).state(), v1::ROUND_STATE_CLOSED);
  EXPECT_EQ(GetRound(fcfs.name()).state(), v1::ROUND_STATE_CLOSED);

  // The lottery.
  v1::SelectionCommitment preview;
  grpc::Status status = Preview(lottery.name(), &preview);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(preview.algorithm_version(), "kexport-weighted-draw-v1");
  EXPECT_EQ(preview.inputs_sha256(), InputsSha256(preview));
  ASSERT_EQ(preview.inputs_size(), 12);
  std::map<std::string, int> n_of_brn;
  for (int n = 1; n <= 12; ++n) n_of_brn[SampleBrn(n)] = n;
  for (const v1::SelectionInput& input : preview.inputs()) {
    ASSERT_EQ(lottery_apps.count(input.application()), 1u);
    ASSERT_EQ(n_of_brn.count(input.brn()), 1u) << input.brn();
    EXPECT_EQ(input.weight(), n_of_brn[input.brn()] % 2 == 1 ? 5 : 1) << input.brn();
  }
  v1::Selection drawn;
  status = RunSelection(RunRequest(lottery.name(), "3,11,19,24,38,42", preview.inputs_sha256()),
                        &drawn);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(drawn.state(), v1::SELECTION_STATE_DRAWN);
  EXPECT_EQ(drawn.commitment().commitment_sha256(), CommitmentSha256(drawn.commitment()));
  EXPECT_EQ(drawn.result_sha256(), ResultSha256(drawn));
  ASSERT_EQ(drawn.entries_size(), 12);
  const std::vector<std::string> expected_order = WeightedDrawOrder(drawn.commitment());
  std::vector<std::string> order;
  std::set<int32_t> positions;
  for (int i = 0; i < drawn.entries_size(); ++i) {
    const v1::SelectionEntry& entry = drawn.entries(i);
    order.push_back(entry.application());
    positions.insert(entry.lottery_position());
    EXPECT_EQ(entry.rank(), i + 1);
    EXPECT_EQ(entry.lottery_position(), i + 1);
    EXPECT_EQ(entry.outcome(), i < 5 ? v1::SELECTION_OUTCOME_SELECTED
                                     : v1::SELECTION_OUTCOME_WAITLISTED);
    // "The award amount if selected": only selected entries carry one.
    if (i < 5) {
      EXPECT_EQ(entry.amount_won(), lottery_apps[entry.application()].requested_amount_won());
    }
  }
  EXPECT_EQ(order, expected_order);
  EXPECT_EQ(positions.size(), 12u);
  v1::Selection recorded;
  ASSERT_TRUE(GetSelection(lottery.name(), &recorded).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(recorded, drawn));
  v1::VerifySelectionResponse verified = Verify(lottery.name(),
                                                drawn.commitment().commitment_sha256());
  EXPECT_TRUE(verified.verified()) << absl::StrJoin(verified.mismatches(), "; ");

  // First come, first served.
  status = Preview(fcfs.name(), &preview);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(preview.algorithm_version(), "kexport-fcfs-v1");
  v1::Selection served;
  status = RunSelection(RunRequest(fcfs.name(), "7,8,9,10,11,12", preview.inputs_sha256()),
                        &served);
  ASSERT_TRUE(status.ok()) << Show(status);
  ASSERT_EQ(served.entries_size(), 8);
  for (int i = 0; i < 8; ++i) {
    const v1::SelectionEntry& entry = served.entries(i);
    EXPECT_EQ(entry.application(), submit_order[static_cast<size_t>(i)]) << i;
    EXPECT_EQ(entry.rank(), i + 1);
    EXPECT_EQ(entry.lottery_position(), 0) << "no tie to draw";
    EXPECT_EQ(entry.outcome(), i < 4 ? v1::SELECTION_OUTCOME_SELECTED
                                     : v1::SELECTION_OUTCOME_WAITLISTED);
  }
  EXPECT_EQ(served.result_sha256(), ResultSha256(served));
  EXPECT_TRUE(Verify(fcfs.name()).verified());

  // Both rounds' awards are reserved, each from the one programme budget.
  ASSERT_TRUE(WaitForAwards(lottery.name(), 5, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(lottery.name());
  ASSERT_TRUE(WaitForAwards(fcfs.name(), 4, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(fcfs.name());
  int64_t reserved = 0;
  for (const v1::Round* round : {&lottery, &fcfs}) {
    for (const v1::Award& award : ListAwards(round->name())) {
      reserved += award.amount_won();
      ExpectReservedOnce(award, "pilot", /*fresh=*/true);
    }
  }
  EXPECT_EQ(GetRound(lottery.name()).budget_summary().award_count(), 5);
  EXPECT_EQ(GetRound(fcfs.name()).budget_summary().award_count(), 4);
  EXPECT_EQ(GetRound(lottery.name()).budget_summary().reserved_won() +
                GetRound(fcfs.name()).budget_summary().reserved_won(),
            reserved);
  EXPECT_EQ(Report("pilot").reserved(), reserved);
}

TEST_F(ApplicationsServiceTest, CrashWhileAwardingReservesEachAwardOnce) {
  constexpr int kFirms = 60;
  std::vector<reg::Firm> registry_firms;
  for (int n = 1; n <= kFirms; ++n) registry_firms.push_back(SampleFirm(SampleBrn(n)));
  ImportFirms(registry_firms);
  ASSERT_FALSE(HasFatalFailure());
  OpenBudget("crash", 10'000'000'000);
  ASSERT_FALSE(HasFatalFailure());
  CreateProgram("crash", PlainProgram("crash"));
  const v1::Round round =
      CreateRound("crash", "2026-1",
                  WindowRound("Everyone selected", kFirms, FcfsPolicy(), absl::Seconds(20)));
  ASSERT_FALSE(HasFailure());

  std::map<std::string, int64_t> amounts;
  for (int n = 1; n <= kFirms; ++n) {
    KeepWindowOpen(round.name(), absl::Seconds(5));
    ASSERT_FALSE(HasFatalFailure());
    v1::Application draft = Draft(FirmName(n), round.name(),
                                  {{"pilot-purchase", 10'000'000 + 100'000 * n}}, 0);
    ASSERT_FALSE(HasFailure());
    v1::Application submitted;
    grpc::Status status = Submit(draft.name(), &submitted);
    ASSERT_TRUE(status.ok()) << Show(status);
    ASSERT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW);
    amounts[submitted.name()] = submitted.requested_amount_won();
  }
  WaitForWindowEnd(round);
  ASSERT_FALSE(HasFatalFailure());

  v1::Selection selection;
  grpc::Status status = RunSelection(RunRequest(round.name(), "crash-seed", ""), &selection);
  ASSERT_TRUE(status.ok()) << Show(status);
  // SIGKILL as soon as the ledger shows the outbox at work (or at once if
  // it shows nothing within 5 s): some reservations are applied in the
  // ledger, maybe not yet recorded by the service, the rest still queued.
  led::TransferFilter reservations;
  reservations.set_account("accounts/crash-2026-budget");
  reservations.add_codes(led::TRANSFER_CODE_RESERVATION);
  {
    absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      led::ListTransfersRequest probe;
      *probe.mutable_filter() = reservations;
      probe.set_page_size(1);
      led::ListTransfersResponse found;
      if (ledger_stub_->ListTransfers(Context().get(), probe, &found).ok() &&
          found.transfers_size() > 0) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(2));
    }
  }
  applications_->Kill();
  ASSERT_EQ(selection.entries_size(), kFirms);
  for (const v1::SelectionEntry& entry : selection.entries()) {
    EXPECT_EQ(entry.outcome(), v1::SELECTION_OUTCOME_SELECTED);
  }

  // How far the outbox got before the kill (reported, not asserted: the
  // point is that the restart finishes the rest exactly once).
  const size_t before_restart = Transfers(reservations).size();
  RecordProperty("reservations_before_restart", static_cast<int>(before_restart));
  std::cout << "reservations in the ledger when killed: " << before_restart << " of " << kFirms
            << "\n";

  ASSERT_TRUE(applications_->Start()) << applications_->ReadLog();
  ConnectApplications();
  v1::Selection recovered;
  ASSERT_TRUE(GetSelection(round.name(), &recovered).ok());
  EXPECT_EQ(recovered.result_sha256(), selection.result_sha256());
  ASSERT_TRUE(WaitForAwards(round.name(), kFirms, v1::AWARD_STATE_RESERVED, absl::Seconds(30)))
      << AwardStates(round.name());

  int64_t total = 0;
  for (const v1::Award& award : ListAwards(round.name())) {
    ASSERT_EQ(amounts.count(award.application()), 1u) << award.application();
    EXPECT_EQ(award.amount_won(), amounts[award.application()]);
    total += award.amount_won();
    ExpectReservedOnce(award, "crash", /*fresh=*/true);
  }
  // Each award reserved once: as many reservations on the budget as awards.
  EXPECT_EQ(Transfers(reservations).size(), static_cast<size_t>(kFirms));
  EXPECT_EQ(Report("crash").reserved(), total);
  const v1::RoundBudget summary = GetRound(round.name()).budget_summary();
  EXPECT_EQ(summary.award_count(), kFirms);
  EXPECT_EQ(summary.reserved_won(), total);
  EXPECT_EQ(summary.awarded_won(), total);
  for (const v1::Application& application : ListApplications(round.name())) {
    EXPECT_EQ(application.state(), v1::APPLICATION_STATE_AWARDED) << application.name();
  }
  led::VerifyJournalResponse journal;
  ASSERT_TRUE(ledger_stub_->VerifyJournal(Context().get(), led::VerifyJournalRequest(), &journal)
                  .ok());
  EXPECT_TRUE(journal.ok());
}

TEST_F(ApplicationsServiceTest, BadInputAndTransitions) {
  std::vector<reg::Firm> registry_firms;
  for (int n = 1; n <= 8; ++n) registry_firms.push_back(FirmFor(n));
  ImportFirms(registry_firms);
  ASSERT_FALSE(HasFatalFailure());
  for (int n = 1; n <= 8; ++n) RecordExports(FirmName(n), 30'000'000, 0, 0);
  OpenBudget("voucher", 1'000'000'000);
  ASSERT_FALSE(HasFatalFailure());
  const v1::Program program = CreateProgram("voucher", VoucherProgram("voucher"));
  ASSERT_FALSE(HasFailure());
  v1::Round open_spec = WindowRound("Open for an hour", 5, ScoredPolicy(), absl::Hours(1));
  const v1::Round open = CreateRound("voucher", "open", open_spec);
  v1::Round upcoming_spec = WindowRound("Next month", 5, FcfsPolicy(), absl::Hours(3));
  *upcoming_spec.mutable_apply_start_time() = ToTimestamp(absl::Now() + absl::Hours(2));
  const v1::Round upcoming = CreateRound("voucher", "upcoming", upcoming_spec);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(open.state(), v1::ROUND_STATE_OPEN);
  EXPECT_EQ(upcoming.state(), v1::ROUND_STATE_UPCOMING);
  EXPECT_EQ(GetRound(upcoming.name()).state(), v1::ROUND_STATE_UPCOMING);

  const Items items = {{"foreign-certification", 10'000'000}};
  const std::string unregistered = FirmName(9999);  // valid number, not registered
  const std::string open_round = open.name();

  struct Case {
    std::string what;
    std::function<grpc::Status()> call;
    grpc::StatusCode code;
    // A field violation starting with this; empty: none checked.
    std::string field;
  };
  std::vector<Case> cases;
  auto program_case = [&](const std::string& what,
                          std::function<void(v1::CreateProgramRequest&)> spoil,
                          const std::string& field,
                          grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT) {
    const std::string id = absl::StrCat("bad-", cases.size());
    cases.push_back({what,
                     [this, spoil, id] {
                       v1::CreateProgramRequest request;
                       request.set_program_id(id);
                       *request.mutable_program() = VoucherProgram("voucher");
                       request.set_request_id(NextId("bad-program"));
                       spoil(request);
                       v1::Program created;
                       return apps_->CreateProgram(Context().get(), request, &created);
                     },
                     code, field});
  };
  auto round_case = [&](const std::string& what, std::function<void(v1::CreateRoundRequest&)> spoil,
                        const std::string& field,
                        grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT) {
    const std::string id = absl::StrCat("bad-", cases.size());
    cases.push_back({what,
                     [this, spoil, id] {
                       v1::CreateRoundRequest request;
                       request.set_parent("programs/voucher");
                       request.set_round_id(id);
                       *request.mutable_round() =
                           WindowRound("Bad round", 5, ScoredPolicy(), absl::Hours(1));
                       request.set_request_id(NextId("bad-round"));
                       spoil(request);
                       v1::Round created;
                       return apps_->CreateRound(Context().get(), request, &created);
                     },
                     code, field});
  };
  auto application_case = [&](const std::string& what,
                              std::function<void(v1::CreateApplicationRequest&)> spoil,
                              const std::string& field,
                              grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT) {
    cases.push_back({what,
                     [this, spoil, items, open_round] {
                       v1::CreateApplicationRequest request =
                           ApplicationRequest(FirmName(8), open_round, items, 500'000'000);
                       spoil(request);
                       v1::Application created;
                       return apps_->CreateApplication(Context().get(), request, &created);
                     },
                     code, field});
  };

  program_case("no English title", [](auto& r) { r.mutable_program()->clear_title_en(); },
               "program.title_en");
  program_case("no lead agency",
               [](auto& r) { r.mutable_program()->set_lead_agency(v1::AGENCY_UNSPECIFIED); },
               "program.lead_agency");
  program_case("fiscal year 1999", [](auto& r) { r.mutable_program()->set_fiscal_year(1999); },
               "program.fiscal_year");
  program_case("budget account not an account name",
               [](auto& r) { r.mutable_program()->set_budget_account("voucher-2026-budget"); },
               "program.budget_account");
  program_case("support item twice",
               [](auto& r) {
                 *r.mutable_program()->add_support_items() = r.program().support_items(0);
               },
               "program.support_items[4].id");
  program_case("no per-firm cap", [](auto& r) { r.mutable_program()->set_per_firm_cap_won(0); },
               "program.per_firm_cap_won");
  program_case("state share above 100%",
               [](auto& r) { r.mutable_program()->set_state_share_bp(10001); },
               "program.state_share_bp");
  program_case("overlapping share bands",
               [](auto& r) {
                 r.mutable_program()->mutable_subsidy_share_bands(1)->set_min_sales_won(
                     900'000'000);
               },
               "program.subsidy_share_bands");
  program_case("rule without condition",
               [](auto& r) { r.mutable_program()->mutable_eligibility_rules(0)->clear_size_class(); },
               "program.eligibility_rules[0]");
  program_case("rule id twice",
               [](auto& r) {
                 r.mutable_program()->mutable_eligibility_rules(1)->set_id("size-sme");
               },
               "program.eligibility_rules[1].id");
  program_case("programme id with capitals", [](auto& r) { r.set_program_id("Voucher2"); },
               "program_id");
  program_case("programme id starting with a digit", [](auto& r) { r.set_program_id("2voucher"); },
               "program_id");
  program_case("no request id", [](auto& r) { r.clear_request_id(); }, "request_id");
  program_case("request id with a space", [](auto& r) { r.set_request_id("has space"); },
               "request_id");
  program_case("programme id taken", [](auto& r) { r.set_program_id("voucher"); }, "",
               grpc::StatusCode::ALREADY_EXISTS);

  round_case("no capacity", [](auto& r) { r.mutable_round()->set_capacity(0); },
             "round.capacity");
  round_case("no title", [](auto& r) { r.mutable_round()->clear_title(); }, "round.title");
  round_case("window ends before it starts",
             [](auto& r) {
               *r.mutable_round()->mutable_apply_end_time() =
                   ToTimestamp(absl::Now() - absl::Hours(1));
             },
             "round.apply_end_time");
  round_case("negative budget", [](auto& r) { r.mutable_round()->set_budget_won(-1); },
             "round.budget_won");
  round_case("no selection policy", [](auto& r) { r.mutable_round()->clear_selection_policy(); },
             "round.selection_policy");
  round_case("no seed source",
             [](auto& r) { r.mutable_round()->mutable_selection_policy()->clear_seed_source(); },
             "round.selection_policy.seed_source");
  round_case("weights not summing to 100%",
             [](auto& r) {
               r.mutable_round()
                   ->mutable_selection_policy()
                   ->mutable_scored_ranking()
                   ->mutable_criteria(0)
                   ->set_weight_bp(3000);
             },
             "round.selection_policy.scored_ranking.criteria");
  round_case("criterion without points",
             [](auto& r) {
               r.mutable_round()
                   ->mutable_selection_policy()
                   ->mutable_scored_ranking()
                   ->mutable_criteria(0)
                   ->set_max_points(0);
             },
             "round.selection_policy.scored_ranking.criteria[0].max_points");
  round_case("round rule reusing a programme rule id",
             [](auto& r) {
               v1::EligibilityRule rule = GrowthRule();
               rule.set_id("export-band");
               *r.mutable_round()->add_eligibility_rules() = rule;
             },
             "round.eligibility_rules[0].id");
  round_case("round id with a space", [](auto& r) { r.set_round_id("round 1"); }, "round_id");
  round_case("unknown programme", [](auto& r) { r.set_parent("programs/nope"); }, "",
             grpc::StatusCode::NOT_FOUND);
  round_case("round id taken", [](auto& r) { r.set_round_id("open"); }, "",
             grpc::StatusCode::ALREADY_EXISTS);

  application_case("firm name too short",
                   [](auto& r) { r.mutable_application()->set_firm("firms/123"); },
                   "application.firm");
  application_case("firm number with a wrong check digit",
                   [](auto& r) {
                     std::string brn = SampleBrn(8);
                     brn.back() = brn.back() == '9' ? '0' : static_cast<char>(brn.back() + 1);
                     r.mutable_application()->set_firm("firms/" + brn);
                   },
                   "application.firm");
  application_case("malformed round",
                   [](auto& r) { r.mutable_application()->set_round("rounds/open"); },
                   "application.round");
  application_case("unknown support item",
                   [](auto& r) {
                     r.mutable_application()->mutable_requested_items(0)->set_support_item_id(
                         "yacht");
                   },
                   "application.requested_items[0].support_item_id");
  application_case("item without cost",
                   [](auto& r) {
                     r.mutable_application()->mutable_requested_items(0)->set_cost_won(0);
                   },
                   "application.requested_items[0].cost_won");
  application_case("item asked twice",
                   [](auto& r) {
                     *r.mutable_application()->add_requested_items() =
                         r.application().requested_items(0);
                   },
                   "application.requested_items[1].support_item_id");
  application_case("negative sales",
                   [](auto& r) { r.mutable_application()->set_prior_year_sales_won(-1); },
                   "application.prior_year_sales_won");
  application_case("answer to an unknown question",
                   [](auto& r) { (*r.mutable_application()->mutable_answers())["age"] = "12"; },
                   "application.answers");
  application_case("unregistered firm",
                   [unregistered](auto& r) { r.mutable_application()->set_firm(unregistered); },
                   "", grpc::StatusCode::NOT_FOUND);
  application_case("unknown round",
                   [](auto& r) {
                     r.mutable_application()->set_round("programs/voucher/rounds/nope");
                   },
                   "", grpc::StatusCode::NOT_FOUND);

  cases.push_back({"malformed application name",
                   [this] {
                     v1::Application out;
                     return Submit("apps/1", &out);
                   },
                   grpc::StatusCode::INVALID_ARGUMENT, "name"});
  cases.push_back({"unknown application",
                   [this] {
                     v1::Application out;
                     return Submit("applications/" + std::string(24, 'z'), &out);
                   },
                   grpc::StatusCode::NOT_FOUND, ""});
  cases.push_back({"unknown round read",
                   [this] {
                     v1::GetRoundRequest request;
                     request.set_name("programs/voucher/rounds/nope");
                     v1::Round out;
                     return apps_->GetRound(Context().get(), request, &out);
                   },
                   grpc::StatusCode::NOT_FOUND, ""});
  cases.push_back({"selection not run",
                   [this, open_round] {
                     v1::Selection out;
                     return GetSelection(open_round, &out);
                   },
                   grpc::StatusCode::NOT_FOUND, ""});
  cases.push_back({"unknown award",
                   [this] {
                     v1::RecordDisbursementRequest request;
                     request.set_award("awards/" + std::string(24, 'z'));
                     request.mutable_disbursement()->set_amount_won(1000);
                     request.mutable_disbursement()->set_support_item_id("marketing");
                     request.mutable_disbursement()->set_evidence_ref("doc");
                     request.mutable_disbursement()->set_supplier("supplier");
                     request.set_request_id(NextId("pay"));
                     v1::Award out;
                     return apps_->RecordDisbursement(Context().get(), request, &out);
                   },
                   grpc::StatusCode::NOT_FOUND, ""});
  cases.push_back({"selection without a seed",
                   [this, open_round] {
                     v1::Selection out;
                     return RunSelection(RunRequest(open_round, "", ""), &out);
                   },
                   grpc::StatusCode::INVALID_ARGUMENT, "seed_value"});
  cases.push_back({"published hash not a hash",
                   [this, open_round] {
                     v1::Selection out;
                     return RunSelection(RunRequest(open_round, "1,2,3", "xyz"), &out);
                   },
                   grpc::StatusCode::INVALID_ARGUMENT, "expected_inputs_sha256"});
  cases.push_back({"negative page size",
                   [this, open_round] {
                     v1::ListApplicationsRequest request;
                     request.set_round(open_round);
                     request.set_page_size(-1);
                     v1::ListApplicationsResponse out;
                     return apps_->ListApplications(Context().get(), request, &out);
                   },
                   grpc::StatusCode::INVALID_ARGUMENT, "page_size"});
  auto ban_case = [&](const std::string& what, std::function<void(v1::BanFirmRequest&)> spoil,
                      const std::string& field) {
    cases.push_back({what,
                     [this, spoil] {
                       v1::BanFirmRequest request;
                       request.mutable_ban()->set_firm(FirmName(7));
                       request.mutable_ban()->set_program("programs/voucher");
                       request.mutable_ban()->set_reason(v1::BAN_REASON_FRAUD);
                       request.mutable_ban()->set_reason_detail("fake invoices, case 2026-77");
                       *request.mutable_ban()->mutable_start_date() = ToDate(KoreanDay(absl::Now()));
                       request.set_request_id(NextId("bad-ban"));
                       spoil(request);
                       v1::FirmBan out;
                       return apps_->BanFirm(Context().get(), request, &out);
                     },
                     grpc::StatusCode::INVALID_ARGUMENT, field});
  };
  ban_case("fraud ban with an end", [](auto& r) {
    *r.mutable_ban()->mutable_end_date() = ToDate(KoreanDay(absl::Now()) + 365);
  }, "ban.end_date");
  ban_case("ban without facts", [](auto& r) { r.mutable_ban()->clear_reason_detail(); },
           "ban.reason_detail");
  ban_case("ban without reason",
           [](auto& r) { r.mutable_ban()->set_reason(v1::BAN_REASON_UNSPECIFIED); }, "ban.reason");
  ban_case("ban of a malformed firm", [](auto& r) { r.mutable_ban()->set_firm("firms/1"); },
           "ban.firm");
  ban_case("ban without a start", [](auto& r) { r.mutable_ban()->clear_start_date(); },
           "ban.start_date");

  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), c.code) << Show(status);
    if (!c.field.empty()) {
      EXPECT_THAT(ReadErrorDetails(status).fields, Contains(StartsWith(c.field)));
    }
    if (c.code != grpc::StatusCode::OK) {
      EXPECT_EQ(ReadErrorDetails(status).domain, "kexport");
    }
  }
  // Nothing of that was stored.
  v1::ListProgramsRequest list_programs;
  v1::ListProgramsResponse programs;
  ASSERT_TRUE(apps_->ListPrograms(Context().get(), list_programs, &programs).ok());
  ASSERT_EQ(programs.programs_size(), 1);
  EXPECT_EQ(programs.programs(0).name(), "programs/voucher");
  EXPECT_THAT(ListApplications(open_round), ::testing::IsEmpty());
  v1::ListFirmBansRequest list_bans;
  v1::ListFirmBansResponse bans;
  ASSERT_TRUE(apps_->ListFirmBans(Context().get(), list_bans, &bans).ok());
  EXPECT_EQ(bans.bans_size(), 0);

  // A budget account the ledger does not have (yet): a programme may be
  // defined before its budget is opened, but no selection runs without it.
  {
    CreateProgram("ghost", VoucherProgram("ghost"));
    v1::Round past = WindowRound("Past window", 5, FcfsPolicy(), absl::ZeroDuration());
    *past.mutable_apply_start_time() = ToTimestamp(absl::Now() - absl::Hours(2));
    *past.mutable_apply_end_time() = ToTimestamp(absl::Now() - absl::Hours(1));
    v1::Round round = CreateRound("ghost", "past", past);
    EXPECT_EQ(round.state(), v1::ROUND_STATE_CLOSED);
    v1::RunSelectionRequest run;
    run.set_round(round.name());
    run.set_seed_value("1,2,3");
    run.set_request_id("ghost-run");
    v1::Selection selection;
    grpc::Status status = RunSelection(run, &selection);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
    EXPECT_EQ(ReadErrorDetails(status).reason, "BUDGET_ACCOUNT_NOT_FOUND");
    EXPECT_EQ(GetSelection(round.name(), &selection).error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // A malformed actor.
  {
    v1::Application created;
    grpc::Status status = apps_->CreateApplication(
        Context("not an actor!").get(), ApplicationRequest(FirmName(1), open_round, items, 0),
        &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
    EXPECT_THAT(ListApplications(open_round), ::testing::IsEmpty());
  }

  // Idempotency: a retry answers the first result; the same key for
  // another request is refused; one application per firm and round.
  const v1::CreateApplicationRequest first =
      ApplicationRequest(FirmName(1), open_round, items, 500'000'000);
  v1::Application created;
  grpc::Status status = apps_->CreateApplication(Context().get(), first, &created);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(created.created_by(), "operator");
  v1::Application retried;
  status = apps_->CreateApplication(Context().get(), first, &retried);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(retried.name(), created.name());
  v1::CreateApplicationRequest reused = ApplicationRequest(FirmName(2), open_round, items, 0);
  reused.set_request_id(first.request_id());
  status = apps_->CreateApplication(Context().get(), reused, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("request_id"));
  status = CreateApplication(FirmName(1), open_round, items, 0, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << Show(status);
  EXPECT_EQ(ListApplications(open_round).size(), 1u);

  // Updates of a draft: only the application's own fields, under a fresh
  // etag.
  v1::UpdateApplicationRequest update;
  update.mutable_application()->set_name(created.name());
  update.mutable_application()->set_etag(created.etag());
  update.mutable_application()->set_prior_year_sales_won(2'000'000'000);
  update.mutable_update_mask()->add_paths("prior_year_sales_won");
  update.set_request_id("update-1");
  v1::Application updated;
  status = apps_->UpdateApplication(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(updated.prior_year_sales_won(), 2'000'000'000);
  EXPECT_NE(updated.etag(), created.etag());
  update.set_request_id("update-stale");
  update.mutable_application()->set_prior_year_sales_won(3'000'000'000);
  status = apps_->UpdateApplication(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << Show(status);
  update.mutable_application()->clear_etag();
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("state");
  update.set_request_id("update-state");
  status = apps_->UpdateApplication(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("update_mask"));
  EXPECT_EQ(GetApplication(created.name()).prior_year_sales_won(), 2'000'000'000);

  // Submission: a required answer missing, a round not open yet.
  v1::CreateApplicationRequest unanswered = ApplicationRequest(FirmName(2), open_round, items, 0);
  unanswered.mutable_application()->clear_answers();
  v1::Application silent;
  ASSERT_TRUE(apps_->CreateApplication(Context().get(), unanswered, &silent).ok());
  status = Submit(silent.name(), &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetApplication(silent.name()).state(), v1::APPLICATION_STATE_DRAFT);
  v1::Application early = Draft(FirmName(3), upcoming.name(), items, 0);
  status = Submit(early.name(), &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetApplication(early.name()).state(), v1::APPLICATION_STATE_DRAFT);

  // Reviews are for submitted applications, with every criterion in range.
  const Points good = {{"market-entry-will", 40}, {"export-capability", 20}, {"export-effort", 10}};
  status = Review(created.name(), "reviewer-1", good, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  v1::Application submitted;
  status = Submit(created.name(), &submitted);
  ASSERT_TRUE(status.ok()) << Show(status);
  ASSERT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW)
      << absl::StrJoin(FailingRules(submitted.eligibility()), ",");
  // Priced on the updated sales: the 1-5B band.
  EXPECT_EQ(submitted.state_share_bp(), 6000);
  EXPECT_EQ(submitted.requested_amount_won(), 6'000'000);
  status = Submit(created.name(), &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(ReadErrorDetails(status).metadata["state"], "APPLICATION_STATE_UNDER_REVIEW");
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("prior_year_sales_won");
  update.set_request_id("update-submitted");
  status = apps_->UpdateApplication(Context().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);

  struct BadReview {
    std::string what;
    Points points;
    std::string field;
  };
  for (const BadReview& bad : std::vector<BadReview>{
           {"unknown criterion",
            {{"charm", 10}, {"export-capability", 20}, {"export-effort", 10}},
            "review.scores"},
           {"above the maximum",
            {{"market-entry-will", 51}, {"export-capability", 20}, {"export-effort", 10}},
            "review.scores[0].score"},
           {"negative",
            {{"market-entry-will", 40}, {"export-capability", -1}, {"export-effort", 10}},
            "review.scores[1].score"},
           {"criterion missing", {{"market-entry-will", 40}, {"export-capability", 20}},
            "review.scores"}}) {
    SCOPED_TRACE(bad.what);
    status = Review(created.name(), "reviewer-1", bad.points, &retried);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
    EXPECT_THAT(ReadErrorDetails(status).fields, Contains(StartsWith(bad.field)));
  }
  EXPECT_EQ(GetApplication(created.name()).reviews_size(), 0);
  // A reviewer's later review replaces their earlier one.
  ASSERT_TRUE(Review(created.name(), "reviewer-1", good, &retried).ok());
  const Points better = {{"market-entry-will", 50}, {"export-capability", 30}, {"export-effort", 20}};
  ASSERT_TRUE(Review(created.name(), "reviewer-1", better, &retried).ok());
  ASSERT_EQ(retried.reviews_size(), 1);
  EXPECT_EQ(retried.reviews(0).reviewer(), "reviewer-1");
  EXPECT_EQ(ScoreMap(retried.reviews(0).scores()),
            (std::map<std::string, int32_t>{
                {"market-entry-will", 50}, {"export-capability", 30}, {"export-effort", 20}}));
  EXPECT_EQ(retried.total_score_bp(), 10000);

  // Withdrawal ends any open state, once; the firm may then apply again.
  v1::WithdrawApplicationRequest withdraw;
  withdraw.set_name(created.name());
  withdraw.set_request_id("withdraw-no-reason");
  status = apps_->WithdrawApplication(Context().get(), withdraw, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Show(status);
  EXPECT_THAT(ReadErrorDetails(status).fields, Contains("reason"));
  withdraw.set_reason("applying to the next round instead");
  withdraw.set_request_id("withdraw-1");
  status = apps_->WithdrawApplication(Context().get(), withdraw, &retried);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(retried.state(), v1::APPLICATION_STATE_WITHDRAWN);
  EXPECT_EQ(retried.history(retried.history_size() - 1).actor(), "operator");
  withdraw.set_request_id("withdraw-2");
  status = apps_->WithdrawApplication(Context().get(), withdraw, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(ReadErrorDetails(status).metadata["state"], "APPLICATION_STATE_WITHDRAWN");
  status = Submit(created.name(), &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  status = Review(created.name(), "reviewer-2", good, &retried);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  Draft(FirmName(1), open_round, items, 0);

  // Round transitions the clock forbids.
  v1::Selection selection;
  status = RunSelection(RunRequest(open_round, "1,2,3", ""), &selection);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(ReadErrorDetails(status).metadata["state"], "ROUND_STATE_OPEN");
  v1::SelectionCommitment commitment;
  status = Preview(upcoming.name(), &commitment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  v1::FinalizeRoundRequest finalize;
  finalize.set_name(open_round);
  finalize.set_reason("too early");
  finalize.set_request_id("finalize-open");
  v1::Round finalized;
  status = apps_->FinalizeRound(Context().get(), finalize, &finalized);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  EXPECT_EQ(GetRound(open_round).state(), v1::ROUND_STATE_OPEN);

  // The rules cannot change under an open round; the title can.
  v1::UpdateProgramRequest rules;
  rules.mutable_program()->set_name("programs/voucher");
  *rules.mutable_program()->add_eligibility_rules() = SizeRule();
  rules.mutable_update_mask()->add_paths("eligibility_rules");
  rules.set_request_id("loosen-rules");
  v1::Program changed;
  status = apps_->UpdateProgram(Context().get(), rules, &changed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  v1::UpdateProgramRequest title;
  title.mutable_program()->set_name("programs/voucher");
  title.mutable_program()->set_title_en("Overseas procurement voucher");
  title.mutable_update_mask()->add_paths("title_en");
  title.set_request_id("retitle");
  status = apps_->UpdateProgram(Context().get(), title, &changed);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(changed.title_en(), "Overseas procurement voucher");
  EXPECT_EQ(changed.eligibility_rules_size(), program.eligibility_rules_size());
}

TEST_F(ApplicationsServiceTest, DownstreamDown) {
  const RoundWithDrafts opened =
      OpenRoundWithDrafts("dd", "Downstream outages", 3, 2, absl::Seconds(25));
  ASSERT_FALSE(HasFailure());
  const v1::Round& round = opened.round;
  const std::vector<v1::Application>& drafts = opened.drafts;
  v1::Application submitted;
  grpc::Status status = Submit(drafts[0].name(), &submitted);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW);

  // Submits until one is answered, each attempt under its own key, while a
  // restarted service's channels reconnect.
  auto submit_eventually = [&](const std::string& name) {
    v1::Application out;
    grpc::Status last;
    Poll(
        [&] {
          last = Submit(name, &out);
          return last.ok();
        },
        absl::Seconds(10));
    EXPECT_TRUE(last.ok()) << Show(last);
    return out;
  };

  // The registry is gone: the firm cannot be judged, the draft stays.
  registry_->Kill();
  absl::Time start = absl::Now();
  status = Submit(drafts[1].name(), &submitted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Show(status);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  v1::Application still = GetApplication(drafts[1].name());
  EXPECT_EQ(still.state(), v1::APPLICATION_STATE_DRAFT);
  EXPECT_FALSE(still.has_submit_time());
  ASSERT_TRUE(registry_->Start()) << registry_->ReadLog();
  firms_ = reg::FirmRegistry::NewStub(registry_->channel());
  EXPECT_EQ(submit_eventually(drafts[1].name()).state(), v1::APPLICATION_STATE_UNDER_REVIEW);

  // The designation service is gone.
  designation_->Kill();
  status = Submit(drafts[2].name(), &submitted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Show(status);
  EXPECT_EQ(GetApplication(drafts[2].name()).state(), v1::APPLICATION_STATE_DRAFT);
  ASSERT_TRUE(designation_->Start()) << designation_->ReadLog();
  EXPECT_EQ(submit_eventually(drafts[2].name()).state(), v1::APPLICATION_STATE_UNDER_REVIEW);

  WaitForWindowEnd(round);
  ASSERT_FALSE(HasFatalFailure());

  // The ledger is gone: no budget to draw against, nothing recorded.
  ledger_->Kill();
  v1::SelectionCommitment preview;
  status = Preview(round.name(), &preview);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Show(status);
  v1::Selection selection;
  status = RunSelection(RunRequest(round.name(), "4,8,15,16,23,42", ""), &selection);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Show(status);
  EXPECT_EQ(GetSelection(round.name(), &selection).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetRound(round.name()).state(), v1::ROUND_STATE_CLOSED);
  EXPECT_THAT(ListAwards(round.name()), ::testing::IsEmpty());
  for (const v1::Application& application : ListApplications(round.name())) {
    EXPECT_EQ(application.state(), v1::APPLICATION_STATE_UNDER_REVIEW) << application.name();
  }

  // Back again: the selection runs and the awards are reserved.
  ASSERT_TRUE(ledger_->Start()) << ledger_->ReadLog();
  ConnectLedger();
  grpc::Status last;
  Poll(
      [&] {
        last = RunSelection(RunRequest(round.name(), "4,8,15,16,23,42", ""), &selection);
        return last.ok();
      },
      absl::Seconds(10));
  ASSERT_TRUE(last.ok()) << Show(last);
  EXPECT_EQ(selection.entries_size(), 3);
  ASSERT_TRUE(WaitForAwards(round.name(), 2, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(round.name());
  for (const v1::Award& award : ListAwards(round.name())) {
    ExpectReservedOnce(award, "dd", /*fresh=*/true);
  }
  EXPECT_TRUE(Verify(round.name()).verified());
}

// An overloaded service refuses what it cannot start soon, at once and
// without side effects, rather than queueing it.
TEST_F(ApplicationsServiceTest, CallsPastTheWaitingLimitAreRefusedAtOnce) {
  const RoundWithDrafts opened = OpenRoundWithDrafts("busy", "Overload", 4, 4, absl::Hours(1));
  ASSERT_FALSE(HasFailure());
  std::vector<v1::SubmitApplicationRequest> submissions;
  for (const v1::Application& draft : opened.drafts) {
    submissions.emplace_back().set_name(draft.name());
    submissions.back().set_request_id(NextId("submit"));
  }

  // One worker, and one call may wait for it. With the registry paused, an
  // admitted submission holds the worker until its look-up gives up (1 s);
  // four sent at once cannot all be admitted, and the first always is.
  applications_->Signal(SIGTERM);
  ASSERT_TRUE(applications_->Wait(absl::Seconds(10)).has_value());
  StartApplications({"--handler_threads=1", "--max_waiting_per_worker=1"});
  ASSERT_FALSE(HasFatalFailure());
  registry_->Signal(SIGSTOP);
  std::vector<grpc::Status> statuses(submissions.size());
  std::vector<absl::Duration> waited(submissions.size());
  std::vector<std::thread> callers;
  for (size_t i = 0; i < submissions.size(); ++i) {
    callers.emplace_back([&, i] {
      v1::Application submitted;
      const absl::Time start = absl::Now();
      statuses[i] = apps_->SubmitApplication(Context().get(), submissions[i], &submitted);
      waited[i] = absl::Now() - start;
    });
  }
  for (std::thread& caller : callers) caller.join();
  registry_->Signal(SIGCONT);

  int refused = 0;
  for (size_t i = 0; i < statuses.size(); ++i) {
    ASSERT_FALSE(statuses[i].ok()) << "the registry was paused throughout";
    const auto details = ReadErrorDetails(statuses[i]);
    if (details.reason != "AT_CAPACITY") continue;  // admitted: the registry's silence failed it
    ++refused;
    EXPECT_EQ(statuses[i].error_code(), grpc::StatusCode::UNAVAILABLE) << Show(statuses[i]);
    ASSERT_EQ(details.metadata.count("max_waiting_calls"), 1u);
    EXPECT_EQ(details.metadata.at("max_waiting_calls"), "1");
    // Refused before it could wait for the registry's 1 s time-out.
    EXPECT_LT(waited[i], absl::Seconds(1));
  }
  EXPECT_GE(refused, 1);
  EXPECT_LE(refused, 3);

  // Nothing was half done: every draft is still a draft, and each submits
  // once the registry answers again, under the key it was refused with.
  for (v1::SubmitApplicationRequest& submission : submissions) {
    EXPECT_EQ(GetApplication(submission.name()).state(), v1::APPLICATION_STATE_DRAFT);
    v1::Application submitted;
    grpc::Status status;
    Poll(
        [&] {
          status = apps_->SubmitApplication(Context().get(), submission, &submitted);
          return status.ok();
        },
        absl::Seconds(10));
    ASSERT_TRUE(status.ok()) << Show(status);
    EXPECT_EQ(submitted.state(), v1::APPLICATION_STATE_UNDER_REVIEW);
  }
  // Operators see which UNAVAILABLE it was.
  EXPECT_THAT(applications_->ReadLog(), HasSubstr("\"reason\":\"AT_CAPACITY\""));
}

// A firm's cap in the ledger follows the programme's per-firm cap from one
// round to the next, and a draw does not count as available what another
// round's awards are about to reserve.
TEST_F(ApplicationsServiceTest, FirmCapFollowsTheProgrammeAcrossRounds) {
  const std::string program_id = "caps";
  OpenBudget(program_id, 1'000'000'000);
  v1::Program program = CreateProgram(program_id, PlainProgram(program_id));
  ImportFirms({FirmFor(1), FirmFor(2)});
  const std::string firm = FirmName(1);

  // Two rounds close together; firm 1 asks 30M of 40M in the first.
  v1::Round first = CreateRound(program_id, "first",
                                WindowRound("First", 5, FcfsPolicy(), absl::Seconds(3)));
  v1::Round second = CreateRound(program_id, "second",
                                 WindowRound("Second", 5, FcfsPolicy(), absl::Seconds(3)));
  v1::Application submitted;
  v1::Application asked_30m =
      Draft(firm, first.name(), {{"pilot-purchase", 42'857'143}}, 0);
  ASSERT_TRUE(Submit(asked_30m.name(), &submitted).ok());
  ASSERT_EQ(submitted.requested_amount_won(), 30'000'000);
  v1::Application other = Draft(FirmName(2), second.name(), {{"pilot-purchase", 1'000'000}}, 0);
  ASSERT_TRUE(Submit(other.name(), &submitted).ok());
  WaitForWindowEnd(second);

  v1::Selection selection;
  ASSERT_TRUE(RunSelection(RunRequest(first.name(), "1,2,3", ""), &selection).ok());
  // Queued in the outbox or already reserved: not available either way.
  v1::SelectionCommitment commitment;
  ASSERT_TRUE(Preview(second.name(), &commitment).ok());
  EXPECT_EQ(commitment.budget_available_won(), 1'000'000'000 - 30'000'000);
  ASSERT_TRUE(WaitForAwards(first.name(), 1, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(first.name());
  const std::string cap_account =
      absl::StrCat("accounts/", program_id, "-", kYear, "-", IdOf(firm), "-cap");
  EXPECT_EQ(LedgerAccount(cap_account).credits_posted(), 40'000'000);

  // The cap rises to 60M between rounds: 30M + 20M now fits.
  v1::UpdateProgramRequest update;
  update.mutable_program()->set_name(program.name());
  update.mutable_program()->set_per_firm_cap_won(60'000'000);
  update.mutable_update_mask()->add_paths("per_firm_cap_won");
  update.set_request_id("raise-cap");
  v1::Program updated;
  grpc::Status status = apps_->UpdateProgram(Context().get(), update, &updated);
  ASSERT_TRUE(status.ok()) << Show(status);
  v1::Round third = CreateRound(program_id, "third",
                                WindowRound("Third", 5, FcfsPolicy(), absl::Seconds(3)));
  v1::Application asked_20m =
      Draft(firm, third.name(), {{"pilot-purchase", 28'571'429}}, 0);
  ASSERT_TRUE(Submit(asked_20m.name(), &submitted).ok());
  ASSERT_EQ(submitted.requested_amount_won(), 20'000'000);
  ASSERT_EQ(submitted.per_firm_cap_won(), 60'000'000);
  WaitForWindowEnd(third);
  ASSERT_TRUE(RunSelection(RunRequest(third.name(), "4,5,6", ""), &selection).ok());
  ASSERT_TRUE(WaitForAwards(third.name(), 1, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(third.name());
  led::Account cap = LedgerAccount(cap_account);
  EXPECT_EQ(cap.credits_posted(), 60'000'000);
  EXPECT_EQ(cap.debits_pending(), 50'000'000);
}

// The end of awards: completed after a partial disbursement, released with
// a promotion, cancelled by an operator (another promotion), then the round
// finalized (everything left voided); the ledger agrees at each step, and
// the awards come out as 360Giving open data, also through the CLI tool.
TEST_F(ApplicationsServiceTest, AwardsEndAndTheRoundCloses) {
  const std::string program_id = "closing";
  OpenBudget(program_id, 1'000'000'000);
  v1::Program program = CreateProgram(program_id, PlainProgram(program_id));
  std::vector<reg::Firm> firms;
  for (int n = 1; n <= 6; ++n) firms.push_back(FirmFor(n));
  ImportFirms(firms);
  v1::Round round = CreateRound(program_id, "2026",
                                WindowRound("Closing round", 4, FcfsPolicy(), absl::Seconds(4)));
  std::vector<std::string> applications;
  for (int n = 1; n <= 6; ++n) {
    v1::Application submitted;
    v1::Application draft = Draft(FirmName(n), round.name(), {{"pilot-purchase", 14'285'715}}, 0);
    ASSERT_TRUE(Submit(draft.name(), &submitted).ok());
    ASSERT_EQ(submitted.requested_amount_won(), 10'000'000);
    applications.push_back(draft.name());
  }
  WaitForWindowEnd(round);
  v1::Selection selection;
  ASSERT_TRUE(RunSelection(RunRequest(round.name(), "9,9,9", ""), &selection).ok());
  ASSERT_TRUE(WaitForAwards(round.name(), 4, v1::AWARD_STATE_RESERVED, absl::Seconds(10)))
      << AwardStates(round.name());
  auto award_of = [&](int n) { return "awards/" + IdOf(applications[n - 1]); };
  EXPECT_EQ(GetApplication(applications[4]).state(), v1::APPLICATION_STATE_WAITLISTED);

  // Firm 1: 4M delivered, then completed; the other 6M goes back.
  v1::RecordDisbursementRequest disburse;
  disburse.set_award(award_of(1));
  disburse.mutable_disbursement()->set_amount_won(4'000'000);
  disburse.mutable_disbursement()->set_support_item_id("pilot-purchase");
  disburse.mutable_disbursement()->set_evidence_ref("completion report 1");
  disburse.mutable_disbursement()->set_supplier(FirmName(1));
  disburse.set_request_id("disburse-1");
  v1::Award award;
  grpc::Status status = apps_->RecordDisbursement(Context().get(), disburse, &award);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(award.state(), v1::AWARD_STATE_IN_PROGRESS);
  v1::CompleteAwardRequest complete;
  complete.set_name(award_of(1));
  complete.set_reason("all services delivered");
  complete.set_request_id("complete-1");
  status = apps_->CompleteAward(Context().get(), complete, &award);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(award.state(), v1::AWARD_STATE_COMPLETED);
  EXPECT_EQ(award.disbursed_won(), 4'000'000);
  EXPECT_EQ(award.released_won(), 6'000'000);
  EXPECT_EQ(award.remaining_won(), 0);
  EXPECT_THAT(award.reservation_transfers(), ::testing::IsEmpty());
  EXPECT_EQ(GetApplication(applications[0]).state(), v1::APPLICATION_STATE_COMPLETED);
  status = apps_->CompleteAward(Context().get(), [&] {
    v1::CompleteAwardRequest again = complete;
    again.set_request_id("complete-1-again");
    return again;
  }(), &award);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);

  // Firm 2 gives up: released, and the first waitlisted firm (5) moves up.
  v1::ReleaseAwardRequest release;
  release.set_name(award_of(2));
  release.set_reason("firm gave up");
  release.set_promote_waitlisted(true);
  release.set_request_id("release-2");
  status = apps_->ReleaseAward(Context().get(), release, &award);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(award.state(), v1::AWARD_STATE_RELEASED);
  EXPECT_EQ(award.released_won(), 10'000'000);
  EXPECT_EQ(GetApplication(applications[1]).state(), v1::APPLICATION_STATE_CANCELLED);
  // Firm 3 is cancelled by an operator: firm 6 moves up.
  v1::CancelApplicationRequest cancel;
  cancel.set_name(applications[2]);
  cancel.set_reason("false statement on sales, case 2026-031");
  cancel.set_request_id("cancel-3");
  v1::Application cancelled;
  status = apps_->CancelApplication(Context().get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(cancelled.state(), v1::APPLICATION_STATE_CANCELLED);
  ASSERT_TRUE(Poll([&] {
    return GetAward(award_of(5)).state() == v1::AWARD_STATE_RESERVED &&
           GetAward(award_of(6)).state() == v1::AWARD_STATE_RESERVED;
  }, absl::Seconds(10))) << AwardStates(round.name());
  ASSERT_TRUE(GetSelection(round.name(), &selection).ok());
  ASSERT_EQ(selection.promotions_size(), 2);
  EXPECT_EQ(selection.promotions(0).application(), applications[4]);
  EXPECT_EQ(selection.promotions(0).replaced_application(), applications[1]);
  EXPECT_EQ(selection.promotions(1).application(), applications[5]);
  EXPECT_EQ(selection.promotions(1).replaced_application(), applications[2]);
  EXPECT_EQ(GetRound(round.name()).budget_summary().reserved_won(), Report(program_id).reserved());

  // The round closes: firms 4, 5 and 6 are released, nothing stays reserved.
  v1::FinalizeRoundRequest finalize;
  finalize.set_name(round.name());
  finalize.set_reason("FY2026 support period over");
  finalize.set_request_id("finalize");
  v1::Round finalized;
  status = apps_->FinalizeRound(Context().get(), finalize, &finalized);
  ASSERT_TRUE(status.ok()) << Show(status);
  EXPECT_EQ(finalized.state(), v1::ROUND_STATE_FINALIZED);
  const v1::RoundBudget& money = finalized.budget_summary();
  EXPECT_EQ(money.award_count(), 6);
  EXPECT_EQ(money.awarded_won(), 60'000'000);
  EXPECT_EQ(money.reserved_won(), 0);
  EXPECT_EQ(money.disbursed_won(), 4'000'000);
  EXPECT_EQ(money.released_won(), 56'000'000);
  led::BudgetReport report = Report(program_id);
  EXPECT_EQ(report.reserved(), 0);
  EXPECT_EQ(report.disbursed(), 4'000'000);
  for (int n : {4, 5, 6}) {
    EXPECT_EQ(GetAward(award_of(n)).state(), v1::AWARD_STATE_RELEASED) << n;
    EXPECT_EQ(GetApplication(applications[n - 1]).state(), v1::APPLICATION_STATE_CANCELLED) << n;
  }
  v1::UpdateRoundRequest retitle;
  retitle.mutable_round()->set_name(round.name());
  retitle.mutable_round()->set_title("Renamed");
  retitle.mutable_update_mask()->add_paths("title");
  retitle.set_request_id("retitle");
  v1::Round renamed;
  status = apps_->UpdateRound(Context().get(), retitle, &renamed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << Show(status);
  v1::ListRoundsRequest list_rounds;
  list_rounds.set_parent(program.name());
  list_rounds.set_state(v1::ROUND_STATE_FINALIZED);
  v1::ListRoundsResponse rounds;
  ASSERT_TRUE(apps_->ListRounds(Context().get(), list_rounds, &rounds).ok());
  ASSERT_EQ(rounds.rounds_size(), 1);
  EXPECT_EQ(rounds.rounds(0).name(), round.name());

  // Every confirmed award, as open data, with no personal data.
  v1::ExportOpenDataRequest export_request;
  export_request.set_fiscal_year(kYear);
  export_request.set_program(program.name());
  v1::ExportOpenDataResponse open_data;
  status = apps_->ExportOpenData(Context().get(), export_request, &open_data);
  ASSERT_TRUE(status.ok()) << Show(status);
  ASSERT_EQ(open_data.grants_size(), 6);
  for (const v1::OpenDataGrant& grant : open_data.grants()) {
    EXPECT_THAT(grant.id(), StartsWith("360G-kexport-"));
    EXPECT_EQ(grant.currency(), "KRW");
    EXPECT_EQ(grant.amount_awarded(), 10'000'000);
    EXPECT_THAT(grant.recipient_organization().id(), StartsWith("KR-BRN-"));
    EXPECT_EQ(grant.recipient_organization().name().find(FirmFor(1).representative()),
              std::string::npos);
  }
  const std::string command = absl::StrCat(
      "/usr/bin/python3 " KEXPORT_SOURCE_DIR "/tools/kexport-open-data --addr ",
      applications_->address(), " --year ", kYear, " --format csv 2>/dev/null");
  std::string csv;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[4096];
  while (size_t read = fread(buffer, 1, sizeof buffer, pipe)) csv.append(buffer, read);
  EXPECT_EQ(pclose(pipe), 0) << csv;
  EXPECT_THAT(csv, StartsWith("Identifier,Title,Description,Currency,Amount Awarded"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7) << csv;
}

}  // namespace
}  // namespace kexport::applications
