#include "services/applications/application_figures.h"

#include <algorithm>

namespace kexport::applications {
namespace {

// floor(amount x share_bp / 10000) without overflow: amounts reach 10^15
// and shares 10^4, whose product would not fit in int64.
int64_t ShareOf(int64_t amount, int32_t share_bp) {
  return amount / 10000 * share_bp + amount % 10000 * share_bp / 10000;
}

}  // namespace

int32_t StateShareBp(const v1::Program& program, int64_t prior_year_sales_won) {
  for (const v1::SubsidyShareBand& band : program.subsidy_share_bands()) {
    bool above_min = prior_year_sales_won >= band.min_sales_won();
    bool below_max = band.max_sales_won() == 0 || prior_year_sales_won < band.max_sales_won();
    if (above_min && below_max) return band.state_share_bp();
  }
  return program.state_share_bp();
}

void PriceApplication(const v1::Program& program, const v1::Round& round,
                      v1::Application& application) {
  const int32_t share = StateShareBp(program, application.prior_year_sales_won());
  application.set_state_share_bp(share);
  int64_t total = 0;
  for (v1::RequestedItem& item : *application.mutable_requested_items()) {
    int64_t subsidy = ShareOf(item.cost_won(), share);
    if (program.per_service_cap_won() > 0) {
      subsidy = std::min(subsidy, program.per_service_cap_won());
    }
    item.set_subsidy_won(subsidy);
    total += subsidy;
  }
  int64_t cap = application.per_firm_cap_won();
  if (round.max_request_won() > 0) cap = std::min(cap, round.max_request_won());
  application.set_requested_amount_won(std::min(total, cap));
}

void ScoreApplication(const v1::ScoredRankingPolicy& policy, v1::Application& application) {
  application.clear_criterion_scores();
  const int64_t reviews = application.reviews_size();
  int64_t weighted = 0;
  for (const v1::ScoringCriterion& criterion : policy.criteria()) {
    int64_t points = 0;
    for (const v1::Review& review : application.reviews()) {
      for (const v1::CriterionScore& score : review.scores()) {
        if (score.criterion_id() == criterion.id()) points += score.score();
      }
    }
    int64_t score_bp =
        reviews == 0 ? 0 : 10000 * points / (reviews * int64_t{criterion.max_points()});
    v1::CriterionScore* score = application.add_criterion_scores();
    score->set_criterion_id(criterion.id());
    score->set_score(static_cast<int32_t>(score_bp));
    weighted += score_bp * criterion.weight_bp();
  }
  application.set_total_score_bp(
      static_cast<int32_t>(weighted / 10000 + application.eligibility().priority_value()));
}

}  // namespace kexport::applications
