#include "common/read_through.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

// An in-memory cache that can be switched off, as Redis can go away.
class FakeCache final : public Cache {
 public:
  using Cache::Get;
  std::optional<std::string> Get(const std::string& key, Accept accept) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (down_ || !values_.contains(key) || !accept(values_[key])) {
      return std::nullopt;
    }
    return values_[key];
  }
  void Put(const std::string& key, const std::string& value,
           absl::Duration) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!down_) {
      values_[key] = value;
    }
  }
  void Invalidate(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mutex_);
    values_.erase(key);
  }
  void set_down(bool down) {
    std::lock_guard<std::mutex> lock(mutex_);
    down_ = down;
  }
  bool Has(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    return values_.contains(key);
  }

 private:
  std::mutex mutex_;
  bool down_ = false;
  absl::flat_hash_map<std::string, std::string> values_;
};

bool AnyValue(absl::string_view) { return true; }

TEST(ReadThroughTest, MissLoadsOnceThenHits) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("v1");
  };
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v1");
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v1");
  EXPECT_EQ(loads, 1);
}

TEST(ReadThroughTest, ARefusedValueIsAMissAndTheRefillReplacesIt) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  cache.Put("k", "damaged", absl::Minutes(1));
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("v1");
  };
  auto is_version = [](absl::string_view value) { return absl::StartsWith(value, "v"); };
  EXPECT_EQ(*reads.Get("k", load, is_version), "v1");
  EXPECT_EQ(cache.Get("k"), "v1");
  EXPECT_EQ(*reads.Get("k", load, is_version), "v1");
  EXPECT_EQ(loads, 1);
}

TEST(ReadThroughTest, ErrorsAreNotCached) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  auto missing = []() -> absl::StatusOr<std::string> {
    return absl::NotFoundError("no");
  };
  EXPECT_EQ(reads.Get("k", missing, AnyValue).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(cache.Has("k"));
}

TEST(ReadThroughTest, InvalidateDropsTheEntry) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  std::string stored = "v1";
  auto load = [&]() -> absl::StatusOr<std::string> { return stored; };
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v1");
  stored = "v2";
  reads.Invalidate("k");
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v2");
}

TEST(ReadThroughTest, ALoadThatRacedAWriteIsNotCached) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  // The load reads v1, then a write commits v2 and invalidates before the
  // load finishes: caching v1 would serve a stale value.
  auto load = [&]() -> absl::StatusOr<std::string> {
    reads.Invalidate("k");
    return std::string("v1");
  };
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v1");
  EXPECT_FALSE(cache.Has("k"));
}

TEST(ReadThroughTest, ConcurrentMissesShareOneLoad) {
  FakeCache cache;
  ReadThrough reads(&cache, absl::Minutes(1));
  std::atomic<int> loads{0};
  absl::Notification release;
  auto load = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    release.WaitForNotification();
    return std::string("v");
  };
  std::vector<std::thread> readers;
  std::atomic<int> answers{0};
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] {
      if (*reads.Get("k", load, AnyValue) == "v") {
        ++answers;
      }
    });
  }
  // Let every reader reach the flight before the load returns.
  absl::SleepFor(absl::Milliseconds(100));
  release.Notify();
  for (std::thread& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(answers.load(), 8);
  EXPECT_EQ(loads.load(), 1);
}

TEST(ReadThroughTest, ACacheThatIsDownFallsBackToTheStore) {
  FakeCache cache;
  cache.set_down(true);
  ReadThrough reads(&cache, absl::Minutes(1));
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("v");
  };
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v");
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v");
  EXPECT_EQ(loads, 2);
  cache.set_down(false);
  EXPECT_EQ(*reads.Get("k", load, AnyValue), "v");
  EXPECT_TRUE(cache.Has("k"));
}

}  // namespace
}  // namespace kexport
