// NearCache alone: fills that raced an invalidation or a clear are dropped,
// entries expire, and the byte budget holds.
#include "common/near_cache.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

absl::Time Later() { return absl::Now() + absl::Minutes(1); }

void FillNow(NearCache& near, const std::string& key, const std::string& value,
             absl::Time expiry) {
  std::optional<NearCache::Token> token = near.Begin(key);
  ASSERT_TRUE(token.has_value());
  near.Fill(*token, key, value, expiry);
}

TEST(NearCacheTest, ServesNothingUntilEnabled) {
  NearCache near(1 << 20);
  EXPECT_FALSE(near.Begin("k").has_value());
  near.Enable();
  FillNow(near, "k", "v", Later());
  EXPECT_EQ(near.Get("k"), "v");
}

TEST(NearCacheTest, DisableClearsAndFailsFillsInFlight) {
  NearCache near(1 << 20);
  near.Enable();
  FillNow(near, "k", "v", Later());
  std::optional<NearCache::Token> token = near.Begin("other");
  near.Disable();
  EXPECT_EQ(near.Get("k"), std::nullopt);
  near.Enable();
  // Read before the disable: may have missed an invalidation.
  near.Fill(*token, "other", "old", Later());
  EXPECT_EQ(near.Get("other"), std::nullopt);
  EXPECT_EQ(near.Get("k"), std::nullopt);
}

TEST(NearCacheTest, InvalidationDuringAFillDropsIt) {
  NearCache near(1 << 20);
  near.Enable();
  FillNow(near, "k", "v1", Later());
  std::optional<NearCache::Token> token = near.Begin("k");
  near.Invalidate("k");
  near.Fill(*token, "k", "v1", Later());
  EXPECT_EQ(near.Get("k"), std::nullopt);
  FillNow(near, "k", "v2", Later());
  EXPECT_EQ(near.Get("k"), "v2");
}

TEST(NearCacheTest, ClearDuringAFillDropsIt) {
  NearCache near(1 << 20);
  near.Enable();
  std::optional<NearCache::Token> token = near.Begin("k");
  near.Clear();
  near.Fill(*token, "k", "v", Later());
  EXPECT_EQ(near.Get("k"), std::nullopt);
  EXPECT_EQ(near.entries(), 0u);
}

TEST(NearCacheTest, EntriesExpire) {
  NearCache near(1 << 20);
  near.Enable();
  FillNow(near, "k", "v", absl::Now() - absl::Milliseconds(1));
  EXPECT_EQ(near.Get("k"), std::nullopt);
  EXPECT_EQ(near.entries(), 0u);
}

TEST(NearCacheTest, StaysWithinItsBudgetKeepingRecentEntries) {
  constexpr size_t kBudget = 16 * 1024;
  NearCache near(kBudget);
  near.Enable();
  FillNow(near, "hot", "h", Later());
  for (int i = 0; i < 2000; ++i) {
    FillNow(near, absl::StrCat("key", i), std::string(100, 'x'), Later());
    // Used all along: never the least recently used of its shard.
    ASSERT_EQ(near.Get("hot"), "h") << i;
  }
  EXPECT_LE(near.bytes(), kBudget);
  EXPECT_GT(near.entries(), 10u);
  EXPECT_LT(near.entries(), 200u);
  EXPECT_EQ(near.Get("key1999"), std::string(100, 'x'));
}

TEST(NearCacheTest, KeepsNoEntryLargerThanAShardsShare) {
  NearCache near(16 * 1024);
  near.Enable();
  FillNow(near, "big", std::string(2000, 'x'), Later());
  EXPECT_EQ(near.Get("big"), std::nullopt);
  EXPECT_EQ(near.bytes(), 0u);
}

}  // namespace
}  // namespace kexport
