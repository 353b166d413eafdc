// Fair and verifiable selection: the draw is a pure function of a published
// commitment (the eligible inputs, the policy, the seed source and value,
// capacity and budget), so anyone holding the commitment can recompute the
// result. Canonical forms and the seeded draw are specified byte for byte
// in docs/selection.md.
//
//   commitment.set_inputs_sha256(InputsSha256(commitment.inputs()));
//   commitment.set_commitment_sha256(CommitmentSha256(commitment));
//   ASSIGN_OR_RETURN(DrawResult result, Draw(commitment));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "kexport/applications/v1/applications.pb.h"

namespace kexport::applications {

inline constexpr char kWeightedDrawV1[] = "kexport-weighted-draw-v1";
inline constexpr char kScoredRankingV1[] = "kexport-scored-ranking-v1";
inline constexpr char kFirstComeFirstServedV1[] = "kexport-fcfs-v1";

// The algorithm version that runs `policy`.
std::string AlgorithmVersion(const v1::SelectionPolicy& policy);

// Lower-case hex SHA-256 of the inputs' canonical lines.
std::string InputsSha256(
    const google::protobuf::RepeatedPtrField<v1::SelectionInput>& inputs);

// Lower-case hex SHA-256 of the commitment's canonical lines (its
// inputs_sha256 stands for the inputs).
std::string CommitmentSha256(const v1::SelectionCommitment& commitment);

// Uniform integers from a seed: SHA-256(seed ":" counter), first 8 bytes
// big-endian, rejection-sampled into [0, bound).
class SeededDraw final {
 public:
  explicit SeededDraw(std::string seed) : seed_(std::move(seed)) {}
  // `bound` at least 1.
  uint64_t Uniform(uint64_t bound);

 private:
  std::string seed_;
  uint64_t counter_ = 0;
};

struct DrawResult {
  std::vector<v1::SelectionEntry> entries;
  std::string result_sha256;
};

// Orders the inputs by the policy (seeded draw for the lottery and for the
// last ties), applies the scoring thresholds, then selects in order while
// the count fits the capacity and the amounts fit the budget; the first that
// does not fit is the budget line, and it and all after are waitlisted.
// INVALID_ARGUMENT when the commitment is not a drawable one.
absl::StatusOr<DrawResult> Draw(const v1::SelectionCommitment& commitment);

// Recomputes a recorded selection from its commitment.
v1::VerifySelectionResponse Verify(const v1::Selection& selection,
                                   const std::string& expected_commitment_sha256);

}  // namespace kexport::applications
