// The designation rules over a real SQLite store, the real policy files and
// a clock the test moves; the registry is an in-memory directory here (the
// end-to-end tests use the real one).
#include "services/designation/designator.h"

#include <thread>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/designation/demo_history.h"
#include "services/designation/sqlite_designation_store.h"
#include "tests/support/child_process.h"
#include "tests/support/error_details.h"
#include "tests/support/sample_firms.h"

namespace kexport::designation {
namespace {

using clients::FirmDirectory;
using clients::FirmFacts;

using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

class FakeDirectory final : public FirmDirectory {
 public:
  absl::StatusOr<std::optional<FirmFacts>> Lookup(const std::string& brn) override {
    if (down) return absl::UnavailableError("registry down");
    auto it = firms.find(brn);
    if (it == firms.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, FirmFacts> firms;
  bool down = false;
};

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

class DesignatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto policy = LoadPolicy(KEXPORT_SOURCE_DIR "/config/designation-policy.json",
                             KEXPORT_SOURCE_DIR "/config/grade-incentives.json");
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = *std::move(policy);
    auto store = SqliteDesignationStore::Open(dir_.path() + "/designation.db");
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
    designator_ = std::make_unique<Designator>(store_.get(), &registry_, &policy_, nullptr,
                                               absl::Minutes(1), [this] { return now_; });
    AddFirm(1);
  }

  std::string AddFirm(int n) {
    FirmFacts facts;
    facts.firm = SampleFirm(SampleBrn(n));
    facts.firm.set_name("firms/" + SampleBrn(n));
    facts.firm.set_state(registry::v1::FIRM_STATE_ACTIVE);
    registry_.firms[SampleBrn(n)] = facts;
    return "firms/" + SampleBrn(n);
  }

  void SetToday(int year, int month, int day) {
    now_ = absl::FromCivil(absl::CivilSecond(year, month, day, 10, 0, 0),
                           absl::FixedTimeZone(9 * 3600));
  }

  // Evidence dated about three months before today.
  v1::DesignationEvidence Evidence(bool mission, bool bid, bool contract) const {
    absl::CivilDay recent =
        absl::ToCivilDay(now_, absl::FixedTimeZone(9 * 3600)) - 90;
    google::type::Date when = Day(static_cast<int>(recent.year()), recent.month(),
                                  recent.day());
    v1::DesignationEvidence evidence;
    if (mission) {
      auto* m = evidence.add_market_missions();
      m->set_title("UN procurement mission");
      m->set_organizer("PPS");
      m->add_country_codes("US");
      *m->mutable_end_date() = when;
      m->set_evidence_ref("m-1");
    }
    if (bid || contract) {
      v1::OverseasTender tender;
      tender.set_buyer_kind(v1::BUYER_KIND_MDB);
      tender.set_buyer("Asian Development Bank");
      tender.set_country_code("PH");
      tender.set_reference("ADB-1");
      *tender.mutable_date() = when;
      tender.set_evidence_ref("r-1");
      if (bid) *evidence.add_overseas_bids() = tender;
      if (contract) *evidence.add_contracts_won() = tender;
    }
    return evidence;
  }

  absl::StatusOr<v1::DesignationApplication> Submit(const std::string& firm,
                                                    v1::DesignationKind kind,
                                                    const v1::DesignationEvidence& evidence) {
    v1::SubmitDesignationApplicationRequest request;
    request.mutable_application()->set_firm(firm);
    request.mutable_application()->set_kind(kind);
    *request.mutable_application()->mutable_evidence() = evidence;
    request.set_request_id("submit-" + std::to_string(++requests_));
    return designator_->Submit(request, "applicant");
  }

  absl::StatusOr<v1::DesignationApplication> Review(const std::string& name,
                                                    const std::string& reviewer, int will,
                                                    int capability, int effort) {
    v1::SubmitReviewRequest request;
    request.set_name(name);
    request.set_request_id("review-" + std::to_string(++requests_));
    for (auto [id, points] : {std::pair<const char*, int>{"market-entry-will", will},
                              {"export-capability", capability},
                              {"export-effort", effort}}) {
      auto* score = request.mutable_review()->add_scores();
      score->set_criterion_id(id);
      score->set_points(points);
    }
    return designator_->SubmitReview(request, reviewer);
  }

  absl::StatusOr<v1::DesignationApplication> Decide(const std::string& name,
                                                    v1::DecisionOutcome outcome) {
    v1::DecideDesignationApplicationRequest request;
    request.set_name(name);
    request.set_outcome(outcome);
    request.set_reason("committee 2026-03");
    request.set_request_id("decide-" + std::to_string(++requests_));
    return designator_->Decide(request, "committee");
  }

  // Submits, reviews well and approves: the new designation.
  v1::Designation Designate(const std::string& firm, v1::DesignationKind kind,
                            const v1::DesignationEvidence& evidence) {
    auto application = Submit(firm, kind, evidence);
    EXPECT_TRUE(application.ok()) << application.status();
    if (application->state() == v1::DESIGNATION_APPLICATION_STATE_IN_FIRST_REVIEW) {
      EXPECT_TRUE(Review(application->name(), "r1", 36, 25, 25).ok());
      application = Review(application->name(), "r2", 34, 26, 24);
    }
    auto approved = Decide(application->name(), v1::DECISION_OUTCOME_APPROVE);
    EXPECT_TRUE(approved.ok()) << approved.status();
    v1::GetDesignationRequest get;
    get.set_name(approved->designation());
    return designator_->GetDesignation(get).value_or(v1::Designation());
  }

  v1::GetFirmDesignationResponse LookUp(const std::string& firm) {
    v1::GetFirmDesignationRequest request;
    request.set_firm(firm);
    v1::GetFirmDesignationResponse response;
    absl::StatusOr<std::string> bytes = designator_->GetFirmDesignationBytes(request);
    if (bytes.ok()) {
      EXPECT_TRUE(response.ParseFromString(*bytes));
    }
    return response;
  }

  kexport::testing::TempDir dir_;
  Policy policy_;
  FakeDirectory registry_;
  std::unique_ptr<SqliteDesignationStore> store_;
  std::unique_ptr<Designator> designator_;
  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 10, 0, 0),
                                    absl::FixedTimeZone(9 * 3600));
  int requests_ = 0;
};

TEST_F(DesignatorTest, EachPipelinePath) {
  // Pre-screen fails without any overseas activity.
  auto failed = Submit(AddFirm(2), v1::DESIGNATION_KIND_NEW, v1::DesignationEvidence());
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state(), v1::DESIGNATION_APPLICATION_STATE_PRESCREEN_FAILED);
  EXPECT_FALSE(failed->prescreen().passed());
  EXPECT_EQ(failed->history().rbegin()->reason(), "check overseas-activity failed");

  // First review fails below the pass score.
  auto weak = Submit(AddFirm(3), v1::DESIGNATION_KIND_NEW, Evidence(false, true, false));
  ASSERT_TRUE(weak.ok());
  ASSERT_EQ(weak->state(), v1::DESIGNATION_APPLICATION_STATE_IN_FIRST_REVIEW);
  ASSERT_TRUE(Review(weak->name(), "r1", 30, 10, 10).ok());
  auto closed = Review(weak->name(), "r2", 30, 10, 10);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->state(), v1::DESIGNATION_APPLICATION_STATE_FIRST_REVIEW_FAILED);
  // 75% on will (30.00) + 33.33% of 30 twice, rounded down (9.99 each).
  EXPECT_EQ(closed->first_review().base_score_x100(), 4998);
  EXPECT_EQ(closed->first_review().explanation(), "total 49.98 below 70.00");

  // The committee rejects.
  auto rejected = Submit(AddFirm(4), v1::DESIGNATION_KIND_NEW, Evidence(false, true, false));
  ASSERT_TRUE(Review(rejected->name(), "r1", 36, 25, 25).ok());
  ASSERT_TRUE(Review(rejected->name(), "r2", 36, 25, 25).ok());
  auto no = Decide(rejected->name(), v1::DECISION_OUTCOME_REJECT);
  ASSERT_TRUE(no.ok());
  EXPECT_EQ(no->state(), v1::DESIGNATION_APPLICATION_STATE_REJECTED);
  EXPECT_FALSE(LookUp(rejected->firm()).designated());

  // A successful overseas pilot goes straight to the committee.
  v1::DesignationEvidence pilot = Evidence(false, true, false);
  auto* p = pilot.add_overseas_pilots();
  p->set_product("Smart meter");
  p->set_host("Kenya Power");
  p->set_country_code("KE");
  p->set_outcome(v1::PILOT_OUTCOME_SUCCEEDED);
  *p->mutable_concluded_on() = Day(2025, 11, 1);
  p->set_evidence_ref("acceptance-1");
  auto fast = Submit(AddFirm(5), v1::DESIGNATION_KIND_NEW, pilot);
  ASSERT_TRUE(fast.ok());
  EXPECT_TRUE(fast->fast_track());
  EXPECT_EQ(fast->state(), v1::DESIGNATION_APPLICATION_STATE_IN_COMMITTEE);

  // Approval designates.
  v1::Designation designation =
      Designate(AddFirm(6), v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  EXPECT_EQ(designation.state(), v1::DESIGNATION_STATE_ACTIVE);
  EXPECT_TRUE(LookUp(designation.firm()).designated());
}

TEST_F(DesignatorTest, GradesFollowTheEvidenceWithReasons) {
  v1::Designation a = Designate(AddFirm(10), v1::DESIGNATION_KIND_NEW,
                                Evidence(true, true, false));
  EXPECT_EQ(a.grade(), v1::GRADE_A);
  EXPECT_THAT(a.grade_assessment().explanation(), ::testing::HasSubstr("market-mission"));
  v1::Designation b = Designate(AddFirm(11), v1::DESIGNATION_KIND_NEW,
                                Evidence(false, true, false));
  EXPECT_EQ(b.grade(), v1::GRADE_B);
  v1::Designation c = Designate(AddFirm(12), v1::DESIGNATION_KIND_NEW,
                                Evidence(false, false, true));
  EXPECT_EQ(c.grade(), v1::GRADE_C);
  EXPECT_THAT(c.grade_assessment().explanation(), ::testing::HasSubstr("default grade"));
  EXPECT_EQ(c.grade_assessment().rule_results_size(), 2);
}

TEST_F(DesignatorTest, ValidityExpiryAndTheReapplyWindow) {
  const std::string firm = "firms/" + SampleBrn(1);
  v1::Designation first = Designate(firm, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  EXPECT_EQ(first.valid_until().year(), 2031);
  EXPECT_EQ(first.valid_until().month(), 3);
  EXPECT_EQ(first.valid_until().day(), 1);

  // NEW while active is refused.
  auto again = Submit(firm, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "KIND_NOT_ALLOWED");

  SetToday(2031, 3, 1);
  EXPECT_TRUE(LookUp(firm).designated());
  SetToday(2031, 3, 2);
  EXPECT_FALSE(LookUp(firm).designated());
  v1::GetDesignationRequest get;
  get.set_name(first.name());
  EXPECT_EQ(designator_->GetDesignation(get)->state(), v1::DESIGNATION_STATE_EXPIRED);

  // Within three years of expiry a firm re-applies as RE_DESIGNATION.
  SetToday(2034, 3, 1);
  v1::Designation renewed = Designate(firm, v1::DESIGNATION_KIND_RE_DESIGNATION,
                                      Evidence(true, false, false));
  EXPECT_EQ(renewed.kind(), v1::DESIGNATION_KIND_RE_DESIGNATION);
  EXPECT_TRUE(LookUp(firm).designated());

  // After the window only NEW is possible.
  const std::string late = AddFirm(20);
  SetToday(2026, 3, 2);
  Designate(late, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  SetToday(2034, 3, 2);
  auto too_late = Submit(late, v1::DESIGNATION_KIND_RE_DESIGNATION, Evidence(true, false, false));
  EXPECT_EQ(ErrorReason(too_late.status()), "KIND_NOT_ALLOWED");
  EXPECT_TRUE(Submit(late, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false)).ok());
}

TEST_F(DesignatorTest, ReDesignationSupersedesTheActiveOne) {
  const std::string firm = "firms/" + SampleBrn(1);
  v1::Designation first = Designate(firm, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  SetToday(2030, 1, 10);
  v1::Designation second = Designate(firm, v1::DESIGNATION_KIND_RE_DESIGNATION,
                                     Evidence(false, true, false));
  v1::GetDesignationRequest get;
  get.set_name(first.name());
  auto old = designator_->GetDesignation(get);
  EXPECT_EQ(old->state(), v1::DESIGNATION_STATE_SUPERSEDED);
  EXPECT_EQ(old->superseded_by(), second.name());
  EXPECT_EQ(LookUp(firm).designation().name(), second.name());
}

TEST_F(DesignatorTest, IneligibleFirmsAreRefusedWithEveryReasonAndNothingStored) {
  const std::string firm = AddFirm(30);
  FirmFacts& facts = registry_.firms[SampleBrn(30)];
  facts.firm.set_state(registry::v1::FIRM_STATE_CLOSED);
  facts.firm.set_size_class(registry::v1::SIZE_CLASS_LARGE);
  facts.firm.mutable_procurement_bidder()->set_registered(false);
  auto refused = Submit(firm, v1::DESIGNATION_KIND_NEW, Evidence(true, false, false));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(refused.status()), "FIRM_NOT_ELIGIBLE");
  EXPECT_EQ(ErrorMetadata(refused.status())["checks"],
            "firm-active,size-class,procurement-bidder");
  auto unknown = Submit("firms/" + SampleBrn(99), v1::DESIGNATION_KIND_NEW,
                        Evidence(true, false, false));
  EXPECT_EQ(ErrorMetadata(unknown.status())["checks"], "firm-known");

  registry_.down = true;
  auto down = Submit("firms/" + SampleBrn(1), v1::DESIGNATION_KIND_NEW,
                     Evidence(true, false, false));
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  v1::ListDesignationApplicationsRequest list;
  EXPECT_EQ(designator_->ListApplications(list)->applications_size(), 0);
}

TEST_F(DesignatorTest, InvalidTransitionsAndBadInput) {
  auto application = Submit("firms/" + SampleBrn(1), v1::DESIGNATION_KIND_NEW,
                            Evidence(false, true, false));
  ASSERT_TRUE(application.ok());
  auto early = Decide(application->name(), v1::DECISION_OUTCOME_APPROVE);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorMetadata(early.status())["state"], "DESIGNATION_APPLICATION_STATE_IN_FIRST_REVIEW");
  ASSERT_TRUE(Review(application->name(), "r1", 30, 20, 20).ok());
  EXPECT_EQ(Review(application->name(), "r1", 30, 20, 20).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Review(application->name(), "r3", 41, 20, 20).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::DesignationEvidence bad = Evidence(true, true, false);
  bad.mutable_market_missions(0)->clear_end_date();
  *bad.mutable_overseas_bids(0)->mutable_date() = Day(2027, 1, 1);
  bad.mutable_overseas_bids(0)->set_country_code("korea");
  bad.set_export_training_hours(20);
  auto invalid = Submit(AddFirm(40), v1::DESIGNATION_KIND_NEW, bad);
  ASSERT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& violation : ErrorFieldViolations(invalid.status())) {
    fields.push_back(violation.field);
  }
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "application.evidence.overseas_bids[0].country_code",
                          "application.evidence.overseas_bids[0].date",
                          "application.evidence.market_missions[0].end_date",
                          "application.evidence.training_evidence_ref"));
}

TEST_F(DesignatorTest, ConcurrentSubmissionsLeaveOneApplicationInProgress) {
  const std::string firm = "firms/" + SampleBrn(1);
  std::vector<absl::StatusOr<v1::DesignationApplication>> results(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      v1::SubmitDesignationApplicationRequest request;
      request.mutable_application()->set_firm(firm);
      request.mutable_application()->set_kind(v1::DESIGNATION_KIND_NEW);
      *request.mutable_application()->mutable_evidence() = Evidence(false, true, false);
      request.set_request_id("racing-" + std::to_string(i));
      results[i] = designator_->Submit(request, "applicant");
    });
  }
  for (std::thread& thread : threads) thread.join();
  int accepted = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists) << result.status();
    }
  }
  EXPECT_EQ(accepted, 1);
}

TEST_F(DesignatorTest, StatisticsAndReviewsRefuseImpossibleYears) {
  v1::GetDesignationStatisticsRequest stats;
  stats.set_from_year(2147483647);
  stats.set_to_year(2147483647);
  EXPECT_EQ(designator_->GetStatistics(stats).status().code(),
            absl::StatusCode::kInvalidArgument);
  SetToday(2027, 2, 1);
  v1::RunAnnualReviewRequest run;
  run.set_year(2026);
  run.set_request_id("r-2026");
  ASSERT_TRUE(designator_->RunAnnualReview(run, "operator").ok());
  run.set_year(2025);
  run.set_request_id("r-2025");
  auto older = designator_->RunAnnualReview(run, "operator");
  EXPECT_EQ(older.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(older.status()), "LATER_REVIEW_EXISTS");
}

TEST_F(DesignatorTest, DemoHistoryReproducesThePublishedCounts) {
  ASSERT_TRUE(SeedDemoHistory(*store_).ok());
  v1::GetDesignationStatisticsRequest request;
  request.set_from_year(2016);
  request.set_to_year(2025);
  auto statistics = designator_->GetStatistics(request);
  ASSERT_TRUE(statistics.ok()) << statistics.status();
  EXPECT_EQ(statistics->years(0).year(), 2016);
  EXPECT_EQ(statistics->years(0).designated_firm_count(), 341);
  EXPECT_EQ(statistics->years(9).year(), 2025);
  EXPECT_EQ(statistics->years(9).designated_firm_count(), 1501);
  // Seeding again adds nothing.
  ASSERT_TRUE(SeedDemoHistory(*store_).ok());
  EXPECT_EQ(designator_->GetStatistics(request)->years(9).designated_firm_count(), 1501);
}

TEST_F(DesignatorTest, AnnualReviewRegradesOnceAndStatisticsCount) {
  const std::string firm = "firms/" + SampleBrn(1);
  v1::Designation designation =
      Designate(firm, v1::DESIGNATION_KIND_NEW, Evidence(false, true, false));
  ASSERT_EQ(designation.grade(), v1::GRADE_B);
  // The registry shows nothing for 2026 but a foreign certification: B stays;
  // without one, the grade falls to C.
  SetToday(2027, 1, 15);
  v1::RunAnnualReviewRequest run;
  run.set_year(2026);
  run.set_request_id("review-2026");
  auto review = designator_->RunAnnualReview(run, "operator");
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->reviewed_count(), 1);
  EXPECT_EQ(review->downgraded_count(), 1);
  ASSERT_EQ(review->grade_changes_size(), 1);
  EXPECT_EQ(review->grade_changes(0).to_grade(), v1::GRADE_C);
  run.set_request_id("review-2026-again");
  auto again = designator_->RunAnnualReview(run, "operator");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), review->SerializeAsString());
  v1::GetDesignationRequest get;
  get.set_name(designation.name());
  auto regraded = designator_->GetDesignation(get);
  EXPECT_EQ(regraded->grade(), v1::GRADE_C);
  EXPECT_EQ(regraded->history_size(), 2);

  v1::GetDesignationStatisticsRequest stats;
  stats.set_from_year(2025);
  stats.set_to_year(2027);
  auto statistics = designator_->GetStatistics(stats);
  ASSERT_TRUE(statistics.ok());
  EXPECT_EQ(statistics->years(0).designated_firm_count(), 0);
  EXPECT_EQ(statistics->years(1).designated_firm_count(), 1);
  EXPECT_EQ(statistics->years(1).newly_designated_count(), 1);
  EXPECT_EQ(statistics->years(1).by_grade(0).grade(), v1::GRADE_B);
  EXPECT_EQ(statistics->years(2).by_grade(0).grade(), v1::GRADE_C);
}

}  // namespace
}  // namespace kexport::designation
