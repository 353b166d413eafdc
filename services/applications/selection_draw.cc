#include "services/applications/selection_draw.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.h"
#include "common/errors.h"
#include "common/proto_bytes.h"
#include "common/sha256.h"
#include "services/applications/weight_tree.h"

namespace kexport::applications {
namespace {

std::string HexSha256(absl::string_view bytes) {
  return absl::BytesToHexString(Sha256(bytes));
}

std::string HexDigest(Sha256Stream& hash) { return absl::BytesToHexString(hash.Digest()); }

int64_t SubmitMicros(const v1::SelectionInput& input) {
  return absl::ToUnixMicros(FromTimestamp(input.submit_time()));
}

int32_t CriterionScore(const v1::SelectionInput& input, const std::string& id) {
  for (const v1::CriterionScore& score : input.criterion_scores()) {
    if (score.criterion_id() == id) {
      return score.score();
    }
  }
  return 0;
}

// Orders `group` (indexes into inputs, all tied so far) by a seeded draw
// weighted by `weight(i)`, giving each pick the next lottery position.
void DrawOrder(std::vector<size_t>& group, const std::function<int64_t(size_t)>& weight,
               SeededDraw& draw, std::vector<int32_t>& positions, int32_t& next_position) {
  // Each pick: a ticket below the remaining weight, and the first remaining
  // entry (in group order) whose running weight passes it.
  std::vector<uint64_t> weights;
  weights.reserve(group.size());
  for (size_t i : group) weights.push_back(static_cast<uint64_t>(weight(i)));
  WeightTree remaining(weights);
  std::vector<size_t> drawn;
  drawn.reserve(group.size());
  while (drawn.size() < group.size()) {
    const size_t pick = remaining.Find(draw.Uniform(remaining.Total()));
    remaining.Remove(pick);
    positions[group[pick]] = next_position++;
    drawn.push_back(group[pick]);
  }
  group = std::move(drawn);
}

// Splits `order` into runs that `tied` says are equal and draws the order
// within each run of two or more.
void DrawTies(std::vector<size_t>& order, const std::function<bool(size_t, size_t)>& tied,
              SeededDraw& draw, std::vector<int32_t>& positions, int32_t& next_position) {
  std::vector<size_t> result;
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && tied(order[start], order[end])) ++end;
    std::vector<size_t> group(order.begin() + static_cast<std::ptrdiff_t>(start),
                              order.begin() + static_cast<std::ptrdiff_t>(end));
    if (group.size() > 1) {
      DrawOrder(group, [](size_t) { return int64_t{1}; }, draw, positions, next_position);
    }
    result.insert(result.end(), group.begin(), group.end());
    start = end;
  }
  order = std::move(result);
}

std::string ResultSha256(const std::vector<v1::SelectionEntry>& entries) {
  Sha256Stream hash;
  std::string line;
  for (const v1::SelectionEntry& entry : entries) {
    line.clear();
    absl::StrAppend(&line, entry.rank(), ",", entry.brn(), ",", entry.application(), ",",
                    entry.lottery_position(), ",",
                    v1::SelectionOutcome_Name(entry.outcome()), "\n");
    hash.Update(line);
  }
  return HexDigest(hash);
}

}  // namespace

std::string AlgorithmVersion(const v1::SelectionPolicy& policy) {
  switch (policy.policy_case()) {
    case v1::SelectionPolicy::kWeightedLottery:
      return kWeightedDrawV1;
    case v1::SelectionPolicy::kScoredRanking:
      return kScoredRankingV1;
    case v1::SelectionPolicy::kFirstComeFirstServed:
      return kFirstComeFirstServedV1;
    default:
      return "";
  }
}

std::string InputsSha256(
    const google::protobuf::RepeatedPtrField<v1::SelectionInput>& inputs) {
  Sha256Stream hash;
  std::string line;
  for (const v1::SelectionInput& input : inputs) {
    line.clear();
    absl::StrAppend(&line, input.brn(), ",", input.application(), ",", input.weight(), ",",
                    input.total_score_bp(), ",");
    absl::StrAppend(&line, absl::StrJoin(input.criterion_scores(), ";",
                                         [](std::string* out, const v1::CriterionScore& score) {
                                           absl::StrAppend(out, score.criterion_id(), "=",
                                                           score.score());
                                         }),
                    ",", input.requested_amount_won(), ",", SubmitMicros(input), "\n");
    hash.Update(line);
  }
  return HexDigest(hash);
}

std::string CommitmentSha256(const v1::SelectionCommitment& commitment) {
  return HexSha256(absl::StrCat(
      commitment.algorithm_version(), "\n",
      absl::BytesToHexString(DeterministicBytes(commitment.policy())), "\n",
      commitment.inputs_sha256(), "\n", commitment.seed_source(), "\n",
      commitment.seed_value(), "\n", commitment.capacity(), "\n",
      commitment.budget_available_won(), "\n"));
}

uint64_t SeededDraw::Uniform(uint64_t bound) {
  // The largest multiple of `bound` that fits: values at or above it would
  // favour the low remainders, so they are drawn again.
  const uint64_t limit = bound == 0 ? 0 : (UINT64_MAX / bound) * bound;
  while (true) {
    std::string digest = Sha256(absl::StrCat(seed_, ":", counter_++));
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value = (value << 8) | static_cast<unsigned char>(digest[i]);
    }
    if (bound == 0) return 0;
    if (value < limit) return value % bound;
  }
}

absl::StatusOr<DrawResult> Draw(const v1::SelectionCommitment& commitment) {
  const v1::SelectionPolicy& policy = commitment.policy();
  if (commitment.algorithm_version() != AlgorithmVersion(policy) ||
      commitment.algorithm_version().empty()) {
    return InvalidFieldError("commitment.algorithm_version",
                             "does not match the policy");
  }
  const auto& inputs = commitment.inputs();
  const size_t n = static_cast<size_t>(inputs.size());
  SeededDraw draw(commitment.seed_value());
  std::vector<int32_t> positions(n, 0);
  int32_t next_position = 1;
  std::vector<size_t> order;
  std::vector<std::pair<size_t, std::string>> rejected;

  switch (policy.policy_case()) {
    case v1::SelectionPolicy::kWeightedLottery: {
      order.resize(n);
      std::iota(order.begin(), order.end(), 0);
      DrawOrder(order, [&](size_t i) { return std::max<int64_t>(1, inputs[i].weight()); },
                draw, positions, next_position);
      break;
    }
    case v1::SelectionPolicy::kScoredRanking: {
      const v1::ScoredRankingPolicy& scored = policy.scored_ranking();
      for (size_t i = 0; i < n; ++i) {
        std::string why;
        if (inputs[i].total_score_bp() < scored.min_total_score_bp()) {
          why = absl::StrCat("total ", inputs[i].total_score_bp(), " bp < ",
                             scored.min_total_score_bp(), " bp");
        }
        for (const v1::ScoringCriterion& criterion : scored.criteria()) {
          int32_t score = CriterionScore(inputs[i], criterion.id());
          if (why.empty() && score < criterion.min_score_bp()) {
            why = absl::StrCat("criterion ", criterion.id(), " ", score, " bp < ",
                               criterion.min_score_bp(), " bp");
          }
        }
        if (why.empty()) {
          order.push_back(i);
        } else {
          rejected.emplace_back(i, why);
        }
      }
      // Higher total first, then the published tie-break keys in order.
      auto compare = [&](size_t a, size_t b) -> int {
        if (inputs[a].total_score_bp() != inputs[b].total_score_bp()) {
          return inputs[a].total_score_bp() > inputs[b].total_score_bp() ? -1 : 1;
        }
        for (const v1::TieBreakKey& key : scored.tie_break()) {
          switch (key.kind()) {
            case v1::TIE_BREAK_KIND_CRITERION_SCORE: {
              int32_t sa = CriterionScore(inputs[a], key.criterion_id());
              int32_t sb = CriterionScore(inputs[b], key.criterion_id());
              if (sa != sb) return sa > sb ? -1 : 1;
              break;
            }
            case v1::TIE_BREAK_KIND_EARLIER_SUBMISSION:
              if (SubmitMicros(inputs[a]) != SubmitMicros(inputs[b])) {
                return SubmitMicros(inputs[a]) < SubmitMicros(inputs[b]) ? -1 : 1;
              }
              break;
            case v1::TIE_BREAK_KIND_SMALLER_REQUEST:
              if (inputs[a].requested_amount_won() != inputs[b].requested_amount_won()) {
                return inputs[a].requested_amount_won() < inputs[b].requested_amount_won()
                           ? -1
                           : 1;
              }
              break;
            default:
              break;
          }
        }
        return 0;
      };
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return compare(a, b) < 0; });
      DrawTies(order, [&](size_t a, size_t b) { return compare(a, b) == 0; }, draw,
               positions, next_position);
      break;
    }
    case v1::SelectionPolicy::kFirstComeFirstServed: {
      order.resize(n);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return SubmitMicros(inputs[a]) < SubmitMicros(inputs[b]);
      });
      DrawTies(order,
               [&](size_t a, size_t b) { return SubmitMicros(inputs[a]) == SubmitMicros(inputs[b]); },
               draw, positions, next_position);
      break;
    }
    default:
      return InvalidFieldError("commitment.policy", "required: one selection policy");
  }

  DrawResult result;
  result.entries.reserve(n);
  int32_t selected = 0;
  int64_t spent = 0;
  bool line_reached = false;
  int32_t rank = 0;
  for (size_t i : order) {
    v1::SelectionEntry& entry = result.entries.emplace_back();
    entry.set_rank(++rank);
    entry.set_application(inputs[i].application());
    entry.set_brn(inputs[i].brn());
    entry.set_total_score_bp(inputs[i].total_score_bp());
    entry.set_lottery_position(positions[i]);
    const int64_t amount = inputs[i].requested_amount_won();
    const bool fits_capacity = selected < commitment.capacity();
    const bool fits_budget = amount <= commitment.budget_available_won() - spent;
    if (!line_reached && fits_capacity && fits_budget) {
      entry.set_outcome(v1::SELECTION_OUTCOME_SELECTED);
      entry.set_amount_won(amount);
      entry.set_outcome_reason("within capacity and budget");
      ++selected;
      spent += amount;
      continue;
    }
    entry.set_outcome(v1::SELECTION_OUTCOME_WAITLISTED);
    entry.set_outcome_reason(line_reached    ? "below the budget line"
                             : !fits_capacity ? "capacity reached"
                                              : "budget line reached");
    line_reached = true;
  }
  for (const auto& [i, why] : rejected) {
    v1::SelectionEntry& entry = result.entries.emplace_back();
    entry.set_application(inputs[i].application());
    entry.set_brn(inputs[i].brn());
    entry.set_total_score_bp(inputs[i].total_score_bp());
    entry.set_outcome(v1::SELECTION_OUTCOME_REJECTED);
    entry.set_outcome_reason(why);
  }
  result.result_sha256 = ResultSha256(result.entries);
  return result;
}

v1::VerifySelectionResponse Verify(const v1::Selection& selection,
                                   const std::string& expected_commitment_sha256) {
  v1::VerifySelectionResponse response;
  const v1::SelectionCommitment& commitment = selection.commitment();
  auto mismatch = [&](std::string what) {
    if (response.mismatches_size() < 20) response.add_mismatches(std::move(what));
  };
  response.set_inputs_match(InputsSha256(commitment.inputs()) == commitment.inputs_sha256());
  if (!response.inputs_match()) mismatch("inputs do not hash to inputs_sha256");
  response.set_recomputed_commitment_sha256(CommitmentSha256(commitment));
  response.set_commitment_matches(
      response.recomputed_commitment_sha256() == commitment.commitment_sha256() &&
      (expected_commitment_sha256.empty() ||
       expected_commitment_sha256 == commitment.commitment_sha256()));
  if (!response.commitment_matches()) mismatch("commitment hash differs");
  absl::StatusOr<DrawResult> redrawn = Draw(commitment);
  bool result_matches = redrawn.ok() &&
                        redrawn->result_sha256 == selection.result_sha256() &&
                        static_cast<int>(redrawn->entries.size()) == selection.entries_size();
  if (redrawn.ok()) {
    for (int i = 0; i < selection.entries_size() &&
                    i < static_cast<int>(redrawn->entries.size());
         ++i) {
      const auto& recorded = selection.entries(i);
      const auto& recomputed = redrawn->entries[static_cast<size_t>(i)];
      if (recorded.application() != recomputed.application() ||
          recorded.outcome() != recomputed.outcome() ||
          recorded.lottery_position() != recomputed.lottery_position()) {
        result_matches = false;
        mismatch(absl::StrCat("rank ", recorded.rank(), ": recorded ", recorded.application(),
                              ", recomputed ", recomputed.application()));
      }
    }
  } else {
    mismatch(std::string(redrawn.status().message()));
  }
  if (redrawn.ok() && redrawn->result_sha256 != selection.result_sha256()) {
    mismatch("result_sha256 differs");
  }
  response.set_result_matches(result_matches);
  response.set_verified(response.inputs_match() && response.commitment_matches() &&
                        response.result_matches());
  return response;
}

}  // namespace kexport::applications
