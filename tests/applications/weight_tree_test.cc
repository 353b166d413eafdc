// The weight tree picks exactly what the linear scan of the remaining
// entries picks (the published draw), over many sizes and random tickets.
#include "services/applications/weight_tree.h"

#include <random>

#include "gtest/gtest.h"

namespace kexport::applications {
namespace {

// The published rule, verbatim: the first remaining entry whose running
// weight exceeds the ticket.
size_t ScanPick(const std::vector<uint64_t>& weights, const std::vector<bool>& removed,
                uint64_t ticket) {
  uint64_t running = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (removed[i]) continue;
    running += weights[i];
    if (ticket < running) return i;
  }
  return weights.size();
}

TEST(WeightTreeTest, PicksWhatTheLinearScanPicksUntilEveryEntryIsDrawn) {
  std::mt19937_64 random(20261203);
  for (size_t size : {1, 2, 3, 7, 8, 9, 31, 64, 100, 257}) {
    std::vector<uint64_t> weights(size);
    for (uint64_t& weight : weights) weight = 1 + random() % 20;
    WeightTree tree(weights);
    std::vector<bool> removed(size, false);
    uint64_t total = 0;
    for (uint64_t weight : weights) total += weight;
    for (size_t drawn = 0; drawn < size; ++drawn) {
      ASSERT_EQ(tree.Total(), total);
      const uint64_t ticket = random() % total;
      const size_t pick = tree.Find(ticket);
      ASSERT_EQ(pick, ScanPick(weights, removed, ticket))
          << "size " << size << " ticket " << ticket;
      ASSERT_FALSE(removed[pick]);
      removed[pick] = true;
      total -= weights[pick];
      tree.Remove(pick);
    }
    EXPECT_EQ(tree.Total(), 0u);
  }
}

TEST(WeightTreeTest, TicketsAtTheEdgesOfEachEntry) {
  WeightTree tree({3, 1, 5});
  EXPECT_EQ(tree.Find(0), 0u);
  EXPECT_EQ(tree.Find(2), 0u);
  EXPECT_EQ(tree.Find(3), 1u);
  EXPECT_EQ(tree.Find(4), 2u);
  EXPECT_EQ(tree.Find(8), 2u);
  tree.Remove(1);
  EXPECT_EQ(tree.Total(), 8u);
  EXPECT_EQ(tree.Find(3), 2u);  // the removed entry is skipped
}

}  // namespace
}  // namespace kexport::applications
