// The figures an application carries, computed from the programme, the
// round and the reviews, in integers only:
// - its price: each item's subsidy (cost x state share, capped per service)
//   and the state support asked (capped per application and per firm);
// - its scores: per criterion, basis points of the maximum averaged over
//   the reviews; in total, weighted, plus the priority bonus.
//
//   PriceApplication(program, round, application);
//   ScoreApplication(round.selection_policy().scored_ranking(), application);
#pragma once

#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

// The state share for the application's declared prior-year sales: the
// band holding them, else the programme's share.
int32_t StateShareBp(const v1::Program& program, int64_t prior_year_sales_won);

// Sets state_share_bp, each item's subsidy_won and requested_amount_won,
// using application.per_firm_cap_won (set first).
void PriceApplication(const v1::Program& program, const v1::Round& round,
                      v1::Application& application);

// Sets criterion_scores and total_score_bp from the reviews and
// eligibility.priority_value (the bonus).
void ScoreApplication(const v1::ScoredRankingPolicy& policy, v1::Application& application);

}  // namespace kexport::applications
