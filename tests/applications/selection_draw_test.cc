// The selection draw: deterministic, verifiable, tamper-evident, and fair
// in distribution over many seeded draws.
#include "services/applications/selection_draw.h"

#include "absl/strings/str_cat.h"
#include "common/dates.h"
#include "gtest/gtest.h"

namespace kexport::applications {
namespace {

v1::SelectionInput Input(int n, int64_t weight, int64_t amount = 1000) {
  v1::SelectionInput input;
  input.set_application(absl::StrCat("applications/app", n));
  input.set_brn(absl::StrCat(1000000000 + n));
  input.set_weight(weight);
  input.set_requested_amount_won(amount);
  *input.mutable_submit_time() = ToTimestamp(absl::FromUnixSeconds(1'780'000'000 + n));
  return input;
}

v1::SelectionCommitment Lottery(const std::vector<v1::SelectionInput>& inputs, int capacity,
                                const std::string& seed) {
  v1::SelectionCommitment commitment;
  commitment.mutable_policy()->mutable_weighted_lottery()->set_base_weight(1);
  commitment.mutable_policy()->set_seed_source("Lotto 6/45 draw 1210");
  commitment.set_algorithm_version(AlgorithmVersion(commitment.policy()));
  for (const auto& input : inputs) *commitment.add_inputs() = input;
  commitment.set_inputs_sha256(InputsSha256(commitment.inputs()));
  commitment.set_seed_source(commitment.policy().seed_source());
  commitment.set_seed_value(seed);
  commitment.set_capacity(capacity);
  commitment.set_budget_available_won(1'000'000'000);
  commitment.set_commitment_sha256(CommitmentSha256(commitment));
  return commitment;
}

v1::Selection Recorded(const v1::SelectionCommitment& commitment) {
  v1::Selection selection;
  *selection.mutable_commitment() = commitment;
  DrawResult result = *Draw(commitment);
  for (const auto& entry : result.entries) *selection.add_entries() = entry;
  selection.set_result_sha256(result.result_sha256);
  return selection;
}

TEST(SelectionDrawTest, TheSameCommitmentGivesTheSameResultAndVerifies) {
  std::vector<v1::SelectionInput> inputs;
  for (int i = 0; i < 12; ++i) inputs.push_back(Input(i, 1 + i % 3));
  v1::SelectionCommitment commitment = Lottery(inputs, 4, "3,11,19,24,38,42");
  DrawResult a = *Draw(commitment);
  DrawResult b = *Draw(commitment);
  EXPECT_EQ(a.result_sha256, b.result_sha256);
  ASSERT_EQ(a.entries.size(), 12u);
  int selected = 0;
  for (const auto& entry : a.entries) {
    selected += entry.outcome() == v1::SELECTION_OUTCOME_SELECTED;
    EXPECT_GT(entry.lottery_position(), 0);
  }
  EXPECT_EQ(selected, 4);
  EXPECT_NE(Draw(Lottery(inputs, 4, "other seed"))->result_sha256, a.result_sha256);

  v1::Selection selection = Recorded(commitment);
  v1::VerifySelectionResponse verified = Verify(selection, commitment.commitment_sha256());
  EXPECT_TRUE(verified.verified()) << verified.DebugString();
}

TEST(SelectionDrawTest, TamperingIsDetected) {
  std::vector<v1::SelectionInput> inputs;
  for (int i = 0; i < 8; ++i) inputs.push_back(Input(i, 1));
  v1::SelectionCommitment commitment = Lottery(inputs, 3, "seed");
  v1::Selection selection = Recorded(commitment);

  v1::Selection added_weight = selection;
  added_weight.mutable_commitment()->mutable_inputs(2)->set_weight(50);
  EXPECT_FALSE(Verify(added_weight, "").inputs_match());

  v1::Selection swapped = selection;
  std::swap(*swapped.mutable_entries(0), *swapped.mutable_entries(5));
  v1::VerifySelectionResponse result = Verify(swapped, "");
  EXPECT_FALSE(result.result_matches());
  EXPECT_FALSE(result.verified());
  EXPECT_FALSE(result.mismatches().empty());

  EXPECT_FALSE(Verify(selection, "0000").commitment_matches());
}

TEST(SelectionDrawTest, SeededIntegersAreUniform) {
  SeededDraw draw("uniformity");
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) counts[draw.Uniform(3)]++;
  for (int count : counts) {
    EXPECT_NEAR(count, 10000, 450);  // about 5 standard deviations
  }
}

// A lottery must not favour entries by their place in the list (a real
// draw was annulled when 90% of winners came from the first 2 of 30 days).
TEST(SelectionDrawTest, EqualWeightsWinEquallyWhateverTheirPosition) {
  std::vector<v1::SelectionInput> inputs;
  for (int i = 0; i < 30; ++i) inputs.push_back(Input(i, 1));
  constexpr int kDraws = 1500;
  std::vector<int> wins(30, 0);
  for (int d = 0; d < kDraws; ++d) {
    DrawResult result = *Draw(Lottery(inputs, 10, absl::StrCat("seed-", d)));
    for (const auto& entry : result.entries) {
      if (entry.outcome() == v1::SELECTION_OUTCOME_SELECTED) {
        wins[std::stoi(entry.application().substr(sizeof("applications/app") - 1))]++;
      }
    }
  }
  // Each wins a third of the draws: sd of the rate is 0.012 over 1500.
  for (int i = 0; i < 30; ++i) {
    EXPECT_NEAR(wins[i] / double{kDraws}, 1.0 / 3, 0.065) << "entry " << i;
  }
  EXPECT_NEAR((wins[0] + wins[1]) / double{kDraws * 10}, 2.0 / 30, 0.02);
}

TEST(SelectionDrawTest, WeightsAreRespected) {
  // Ten first-timers weigh 2, ten others 1: a first-timer wins 2/3 of the time.
  std::vector<v1::SelectionInput> inputs;
  for (int i = 0; i < 20; ++i) inputs.push_back(Input(i, i < 10 ? 2 : 1));
  constexpr int kDraws = 6000;
  int first_timer_wins = 0;
  for (int d = 0; d < kDraws; ++d) {
    DrawResult result = *Draw(Lottery(inputs, 1, absl::StrCat("w-", d)));
    for (const auto& entry : result.entries) {
      if (entry.outcome() == v1::SELECTION_OUTCOME_SELECTED) {
        first_timer_wins += std::stoi(entry.application().substr(16)) < 10;
      }
    }
  }
  EXPECT_NEAR(first_timer_wins / double{kDraws}, 2.0 / 3, 0.03);
}

TEST(SelectionDrawTest, ScoredRankingThresholdsTieBreaksAndTheBudgetLine) {
  v1::SelectionCommitment commitment;
  auto* scored = commitment.mutable_policy()->mutable_scored_ranking();
  auto* will = scored->add_criteria();
  will->set_id("will");
  will->set_max_points(40);
  will->set_weight_bp(10000);
  will->set_min_score_bp(5000);
  scored->set_min_total_score_bp(6000);
  scored->add_tie_break()->set_kind(v1::TIE_BREAK_KIND_EARLIER_SUBMISSION);
  commitment.mutable_policy()->set_seed_source("draw");
  commitment.set_algorithm_version(AlgorithmVersion(commitment.policy()));
  auto add = [&](int n, int total, int will_bp, int64_t amount, int submit_offset) {
    v1::SelectionInput input = Input(n, 1, amount);
    input.set_total_score_bp(total);
    auto* score = input.add_criterion_scores();
    score->set_criterion_id("will");
    score->set_score(will_bp);
    *input.mutable_submit_time() = ToTimestamp(absl::FromUnixSeconds(1'780'000'000 + submit_offset));
    *commitment.add_inputs() = input;
  };
  add(0, 9000, 9000, 400, 5);   // best
  add(1, 8000, 8000, 400, 2);   // ties with 2 on score; earlier submission wins
  add(2, 8000, 8000, 400, 3);
  add(3, 7000, 4000, 100, 1);   // below the will minimum: rejected
  add(4, 5000, 6000, 100, 1);   // below the total minimum: rejected
  add(5, 7000, 7000, 400, 9);   // exact tie with 6: seeded draw
  add(6, 7000, 7000, 400, 9);
  commitment.set_inputs_sha256(InputsSha256(commitment.inputs()));
  commitment.set_seed_value("42");
  commitment.set_capacity(10);
  commitment.set_budget_available_won(1000);  // room for two awards of 400
  DrawResult result = *Draw(commitment);
  ASSERT_EQ(result.entries.size(), 7u);
  EXPECT_EQ(result.entries[0].application(), "applications/app0");
  EXPECT_EQ(result.entries[1].application(), "applications/app1");
  EXPECT_EQ(result.entries[2].application(), "applications/app2");
  EXPECT_EQ(result.entries[0].outcome(), v1::SELECTION_OUTCOME_SELECTED);
  EXPECT_EQ(result.entries[1].outcome(), v1::SELECTION_OUTCOME_SELECTED);
  EXPECT_EQ(result.entries[2].outcome(), v1::SELECTION_OUTCOME_WAITLISTED);
  EXPECT_EQ(result.entries[2].outcome_reason(), "budget line reached");
  EXPECT_EQ(result.entries[3].outcome_reason(), "below the budget line");
  // The exact tie went to the seeded draw: both got lottery positions.
  EXPECT_GT(result.entries[3].lottery_position(), 0);
  EXPECT_GT(result.entries[4].lottery_position(), 0);
  EXPECT_EQ(result.entries[0].lottery_position(), 0);
  EXPECT_EQ(result.entries[5].outcome(), v1::SELECTION_OUTCOME_REJECTED);
  EXPECT_EQ(result.entries[5].outcome_reason(), "criterion will 4000 bp < 5000 bp");
  EXPECT_EQ(result.entries[6].outcome_reason(), "total 5000 bp < 6000 bp");
  EXPECT_EQ(result.entries[5].rank(), 0);
}

TEST(SelectionDrawTest, FirstComeFirstServedByCapacity) {
  v1::SelectionCommitment commitment;
  commitment.mutable_policy()->mutable_first_come_first_served();
  commitment.mutable_policy()->set_seed_source("draw");
  commitment.set_algorithm_version(AlgorithmVersion(commitment.policy()));
  for (int i = 0; i < 5; ++i) {
    v1::SelectionInput input = Input(i, 1);
    *input.mutable_submit_time() = ToTimestamp(absl::FromUnixSeconds(1'780'000'000 + (5 - i)));
    *commitment.add_inputs() = input;
  }
  commitment.set_capacity(2);
  commitment.set_budget_available_won(1'000'000);
  DrawResult result = *Draw(commitment);
  EXPECT_EQ(result.entries[0].application(), "applications/app4");
  EXPECT_EQ(result.entries[1].application(), "applications/app3");
  EXPECT_EQ(result.entries[2].outcome_reason(), "capacity reached");

  commitment.set_algorithm_version(kWeightedDrawV1);
  EXPECT_EQ(Draw(commitment).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kexport::applications
