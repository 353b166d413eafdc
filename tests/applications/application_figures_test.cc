// An application's price and scores, in integers: share bands, per-service
// and per-firm caps, averaged criterion scores, weights and bonuses.
#include "services/applications/application_figures.h"

#include "gtest/gtest.h"

namespace kexport::applications {
namespace {

v1::Program Voucher() {
  v1::Program program;
  program.set_state_share_bp(7000);
  program.set_per_firm_cap_won(40'000'000);
  program.set_per_service_cap_won(20'000'000);
  using Band = std::tuple<int64_t, int64_t, int32_t>;
  for (auto [min, max, share] : {Band{0, 1'000'000'000, 7000},
                                 Band{1'000'000'000, 5'000'000'000, 6000},
                                 Band{5'000'000'000, 0, 5000}}) {
    v1::SubsidyShareBand* band = program.add_subsidy_share_bands();
    band->set_min_sales_won(min);
    band->set_max_sales_won(max);
    band->set_state_share_bp(share);
  }
  return program;
}

v1::Application WithItems(std::initializer_list<int64_t> costs, int64_t sales) {
  v1::Application application;
  application.set_per_firm_cap_won(40'000'000);
  application.set_prior_year_sales_won(sales);
  for (int64_t cost : costs) application.add_requested_items()->set_cost_won(cost);
  return application;
}

TEST(ApplicationFiguresTest, TheSalesBandPicksTheShareAtItsBounds) {
  v1::Program program = Voucher();
  EXPECT_EQ(StateShareBp(program, 999'999'999), 7000);
  EXPECT_EQ(StateShareBp(program, 1'000'000'000), 6000);
  EXPECT_EQ(StateShareBp(program, 5'000'000'000), 5000);
  program.clear_subsidy_share_bands();
  EXPECT_EQ(StateShareBp(program, 5'000'000'000), 7000);
}

TEST(ApplicationFiguresTest, SubsidiesRoundDownAndRespectEveryCap) {
  v1::Round round;
  v1::Application application = WithItems({10'000'001, 50'000'000}, 0);
  PriceApplication(Voucher(), round, application);
  EXPECT_EQ(application.state_share_bp(), 7000);
  EXPECT_EQ(application.requested_items(0).subsidy_won(), 7'000'000);  // 7,000,000.7 down
  EXPECT_EQ(application.requested_items(1).subsidy_won(), 20'000'000);  // per-service cap
  EXPECT_EQ(application.requested_amount_won(), 27'000'000);

  v1::Application big = WithItems({30'000'000, 30'000'000, 30'000'000}, 0);
  PriceApplication(Voucher(), round, big);
  EXPECT_EQ(big.requested_amount_won(), 40'000'000);  // per-firm cap
  round.set_max_request_won(20'000'000);
  PriceApplication(Voucher(), round, big);
  EXPECT_EQ(big.requested_amount_won(), 20'000'000);  // the round's limit
}

TEST(ApplicationFiguresTest, TheLargestCostDoesNotOverflow) {
  v1::Program program = Voucher();
  program.set_per_service_cap_won(0);
  program.set_per_firm_cap_won(1'000'000'000'000'000);
  v1::Application application = WithItems({1'000'000'000'000'000}, 0);
  application.set_per_firm_cap_won(program.per_firm_cap_won());
  PriceApplication(program, v1::Round(), application);
  EXPECT_EQ(application.requested_items(0).subsidy_won(), 700'000'000'000'000);
}

TEST(ApplicationFiguresTest, ScoresAverageReviewsWeighCriteriaAndAddTheBonus) {
  v1::ScoredRankingPolicy policy;
  for (auto [id, max, weight] : {std::tuple{"will", 10, 6000}, std::tuple{"fit", 3, 4000}}) {
    v1::ScoringCriterion* criterion = policy.add_criteria();
    criterion->set_id(id);
    criterion->set_max_points(max);
    criterion->set_weight_bp(weight);
  }
  v1::Application application;
  application.mutable_eligibility()->set_priority_value(500);
  for (auto [will, fit] : {std::pair{8, 2}, std::pair{9, 1}}) {
    v1::Review* review = application.add_reviews();
    v1::CriterionScore* first = review->add_scores();
    first->set_criterion_id("will");
    first->set_score(will);
    v1::CriterionScore* second = review->add_scores();
    second->set_criterion_id("fit");
    second->set_score(fit);
  }
  ScoreApplication(policy, application);
  ASSERT_EQ(application.criterion_scores_size(), 2);
  EXPECT_EQ(application.criterion_scores(0).score(), 8500);  // 17 of 20
  EXPECT_EQ(application.criterion_scores(1).score(), 5000);  // 3 of 6
  // floor((8500 x 6000 + 5000 x 4000) / 10000) + 500
  EXPECT_EQ(application.total_score_bp(), 7100 + 500);
}

}  // namespace
}  // namespace kexport::applications
