#include "services/applications/weight_tree.h"

namespace kexport::applications {

WeightTree::WeightTree(const std::vector<uint64_t>& weights)
    : sums_(weights.size() + 1, 0), weights_(weights) {
  for (size_t k = 1; k < sums_.size(); ++k) {
    sums_[k] += weights[k - 1];
    total_ += weights[k - 1];
    size_t parent = k + (k & -k);
    if (parent < sums_.size()) sums_[parent] += sums_[k];
  }
}

size_t WeightTree::Find(uint64_t ticket) const {
  size_t step = 1;
  while (step * 2 < sums_.size()) step *= 2;
  // Descends to the last position whose running weight is still <= ticket.
  size_t position = 0;
  for (; step > 0; step /= 2) {
    if (position + step < sums_.size() && sums_[position + step] <= ticket) {
      position += step;
      ticket -= sums_[position];
    }
  }
  return position;  // 0-based: the next position, 1-based `position + 1`
}

void WeightTree::Remove(size_t position) {
  const uint64_t weight = weights_[position];
  weights_[position] = 0;
  total_ -= weight;
  for (size_t k = position + 1; k < sums_.size(); k += k & -k) sums_[k] -= weight;
}

}  // namespace kexport::applications
