// RedisCache against a real redis-server: the cache steps aside when Redis
// dies or hangs, and never serves a value older than an invalidation.
#include "common/redis_cache.h"

#include "gtest/gtest.h"
#include "tests/support/redis_server.h"

namespace kexport {
namespace {

using testing::RedisServer;
using testing::TempDir;
using testing::WaitUntil;

class RedisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  RedisCacheOptions Options() {
    RedisCacheOptions options;
    options.port = redis_.port();
    options.key_prefix = "test:";
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(100);
    return options;
  }

  TempDir dir_;
  RedisServer redis_{dir_.path()};
};

TEST_F(RedisCacheTest, PutGetInvalidateUnderThePrefix) {
  RedisCache cache(Options());
  cache.Put("k", std::string("bin\0ary", 7), absl::Minutes(1));
  EXPECT_EQ(cache.Get("k"), std::string("bin\0ary", 7));
  EXPECT_EQ(redis_.Get("test:k"), std::string("bin\0ary", 7));
  cache.Invalidate("k");
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  EXPECT_EQ(redis_.Get("test:k"), std::nullopt);
}

TEST_F(RedisCacheTest, EntriesExpire) {
  RedisCache cache(Options());
  cache.Put("k", "v", absl::Milliseconds(50));
  EXPECT_TRUE(WaitUntil([&] { return !cache.Get("k").has_value(); },
                        absl::Seconds(2)));
}

TEST_F(RedisCacheTest, StartupPurgesWhatAnEarlierProcessLeft) {
  {
    RedisCache earlier(Options());
    earlier.Put("k", "old", absl::Minutes(1));
  }
  RedisCache cache(Options());
  EXPECT_EQ(cache.Get("k"), std::nullopt);
}

TEST_F(RedisCacheTest, DeadRedisIsAMissAndComesBack) {
  RedisCache cache(Options());
  cache.Put("k", "v", absl::Minutes(1));
  redis_.Kill();
  absl::Time start = absl::Now();
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  cache.Put("k", "v", absl::Minutes(1));
  cache.Invalidate("k");
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  ASSERT_TRUE(redis_.Start());
  EXPECT_TRUE(WaitUntil(
      [&] {
        cache.Put("k", "again", absl::Minutes(1));
        return cache.Get("k") == "again";
      },
      absl::Seconds(5)));
}

TEST_F(RedisCacheTest, HungRedisIsBypassedAndPurgedWhenBack) {
  RedisCache cache(Options());
  cache.Put("k", "old", absl::Minutes(1));
  cache.Put("other", "old", absl::Minutes(1));
  redis_.Pause();
  // Times out: the deletion may be lost.
  cache.Invalidate("k");
  // A hung Redis is bypassed: a miss, never the old value.
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  redis_.Resume();
  // As a restart from an old snapshot would, Redis holds the old value.
  ASSERT_TRUE(redis_.Set("test:k", "old"));
  // Once back, the prefix is purged before anything is read.
  EXPECT_TRUE(WaitUntil(
      [&] {
        EXPECT_EQ(cache.Get("k"), std::nullopt);
        return cache.connected();
      },
      absl::Seconds(5)));
  EXPECT_EQ(redis_.Get("test:k"), std::nullopt);
  EXPECT_EQ(redis_.Get("test:other"), std::nullopt);
  cache.Put("k", "new", absl::Minutes(1));
  EXPECT_EQ(cache.Get("k"), "new");
}

}  // namespace
}  // namespace kexport
