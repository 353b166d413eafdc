// Weights by position with prefix sums in O(log n) (a Fenwick tree), for a
// weighted draw without replacement over many entries: the draw's "first
// remaining entry whose running weight passes the ticket" without a scan of
// every remaining entry per pick. A removed entry weighs 0.
//
//   WeightTree tree(weights);
//   size_t pick = tree.Find(draw.Uniform(tree.Total()));
//   tree.Remove(pick);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kexport::applications {

class WeightTree final {
 public:
  explicit WeightTree(const std::vector<uint64_t>& weights);

  uint64_t Total() const { return total_; }

  // The first position whose running weight (its own included) exceeds
  // `ticket`; `ticket` < Total().
  size_t Find(uint64_t ticket) const;

  // Takes the entry at `position` out of later draws.
  void Remove(size_t position);

 private:
  // sums_[k] (1-based) holds the weights of positions (k - lowbit(k), k].
  std::vector<uint64_t> sums_;
  std::vector<uint64_t> weights_;
  uint64_t total_ = 0;
};

}  // namespace kexport::applications
