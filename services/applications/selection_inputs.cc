#include "services/applications/selection_inputs.h"

#include <string>

#include "absl/strings/strip.h"

namespace kexport::applications {

v1::SelectionInput InputOf(const v1::Application& application) {
  v1::SelectionInput input;
  input.set_application(application.name());
  input.set_brn(std::string(absl::StripPrefix(application.firm(), "firms/")));
  input.set_weight(application.eligibility().priority_value());
  input.set_total_score_bp(application.total_score_bp());
  *input.mutable_criterion_scores() = application.criterion_scores();
  input.set_requested_amount_won(application.requested_amount_won());
  *input.mutable_submit_time() = application.submit_time();
  return input;
}

v1::SelectionInput ForPolicy(v1::SelectionInput input, const v1::SelectionPolicy& policy) {
  if (!policy.has_weighted_lottery()) input.set_weight(1);
  if (!policy.has_scored_ranking()) {
    input.clear_total_score_bp();
    input.clear_criterion_scores();
  }
  return input;
}

}  // namespace kexport::applications
