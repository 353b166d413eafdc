// RedisCache against a real redis-server: the cache steps aside when Redis
// dies or hangs, and never serves a value older than an invalidation; with
// the near cache on, hits come from memory and other clients' writes still
// reach them.
#include "common/redis_cache.h"

#include <hiredis/hiredis.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server.h"

namespace kexport {
namespace {

using testing::RedisServer;
using testing::TempDir;
using testing::WaitUntil;

constexpr size_t kNearBytes = 8 << 20;

class RedisFixture : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  RedisCacheOptions Options(size_t near_cache_bytes) {
    RedisCacheOptions options;
    options.port = redis_.port();
    options.key_prefix = "test:";
    options.initial_backoff = absl::Milliseconds(20);
    options.max_backoff = absl::Milliseconds(100);
    options.near_cache_bytes = near_cache_bytes;
    return options;
  }

  // One command from another client than the caches; the reply as text.
  std::optional<std::string> Raw(const std::vector<std::string>& args) {
    timeval timeout{1, 0};
    redisContext* context =
        redisConnectWithTimeout("127.0.0.1", redis_.port(), timeout);
    if (context == nullptr || context->err != 0) {
      redisFree(context);
      return std::nullopt;
    }
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(
        context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
    std::optional<std::string> text;
    if (reply != nullptr && (reply->type == REDIS_REPLY_STRING ||
                             reply->type == REDIS_REPLY_STATUS)) {
      text.emplace(reply->str, reply->len);
    } else if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) {
      text = absl::StrCat(reply->integer);
    }
    freeReplyObject(reply);
    redisFree(context);
    return text;
  }

  // How many GETs Redis has run.
  int64_t GetCalls() {
    std::string stats = Raw({"INFO", "commandstats"}).value_or("");
    const std::string kField = "cmdstat_get:calls=";
    size_t at = stats.find(kField);
    if (at == std::string::npos) {
      return 0;
    }
    size_t start = at + kField.size();
    int64_t calls = 0;
    EXPECT_TRUE(absl::SimpleAtoi(
        stats.substr(start, stats.find(',', start) - start), &calls));
    return calls;
  }

  // How many CLIENT TRACKING commands Redis has refused.
  int64_t RefusedTrackingCalls() {
    std::string stats = Raw({"INFO", "commandstats"}).value_or("");
    size_t line = stats.find("cmdstat_client|tracking:");
    if (line == std::string::npos) {
      return 0;
    }
    const std::string kField = "rejected_calls=";
    size_t start = stats.find(kField, line) + kField.size();
    int64_t calls = 0;
    EXPECT_TRUE(absl::SimpleAtoi(stats.substr(start, stats.find(',', start) - start), &calls));
    return calls;
  }

  // Until the cache serves from memory: its subscription is up and a call
  // has turned tracking on.
  void WarmUp(RedisCache& cache) {
    ASSERT_TRUE(WaitUntil(
        [&] {
          cache.Get("warm-up");
          return cache.near_enabled();
        },
        absl::Seconds(5)));
  }

  TempDir dir_;
  RedisServer redis_{dir_.path()};
};

// Every behaviour of the cache, with and without the near cache.
class RedisCacheTest : public RedisFixture,
                       public ::testing::WithParamInterface<size_t> {
 protected:
  RedisCacheOptions Options() { return RedisFixture::Options(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(
    NearCache, RedisCacheTest, ::testing::Values(size_t{0}, kNearBytes),
    [](const ::testing::TestParamInfo<size_t>& param) {
      return param.param == 0 ? std::string("Off") : std::string("On");
    });

TEST_P(RedisCacheTest, PutGetInvalidateUnderThePrefix) {
  RedisCache cache(Options());
  cache.Put("k", std::string("bin\0ary", 7), absl::Minutes(1));
  EXPECT_EQ(cache.Get("k"), std::string("bin\0ary", 7));
  EXPECT_EQ(redis_.Get("test:k"), std::string("bin\0ary", 7));
  cache.Invalidate("k");
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  EXPECT_EQ(redis_.Get("test:k"), std::nullopt);
}

TEST_P(RedisCacheTest, AValueRefusedIsAMissAndIsNotKeptNear) {
  RedisCache cache(Options());
  cache.Get("warm-up");  // connects, purging the prefix first
  if (GetParam() != 0) WarmUp(cache);
  ASSERT_TRUE(redis_.Set("test:k", "damaged"));
  auto refuse = [](absl::string_view) { return false; };
  EXPECT_EQ(cache.Get("k", refuse), std::nullopt);
  // Kept near, it would be served now without the check.
  EXPECT_EQ(cache.Get("k", refuse), std::nullopt);
  EXPECT_EQ(cache.Get("k"), "damaged");
}

TEST_P(RedisCacheTest, EntriesExpire) {
  RedisCache cache(Options());
  cache.Put("k", "v", absl::Milliseconds(50));
  EXPECT_TRUE(WaitUntil([&] { return !cache.Get("k").has_value(); },
                        absl::Seconds(2)));
}

TEST_P(RedisCacheTest, StartupPurgesWhatAnEarlierProcessLeft) {
  {
    RedisCache earlier(Options());
    earlier.Put("k", "old", absl::Minutes(1));
  }
  RedisCache cache(Options());
  EXPECT_EQ(cache.Get("k"), std::nullopt);
}

TEST_P(RedisCacheTest, DeadRedisIsAMissAndComesBack) {
  RedisCache cache(Options());
  cache.Put("k", "v", absl::Minutes(1));
  redis_.Kill();
  absl::Time start = absl::Now();
  if (GetParam() == 0) {
    EXPECT_EQ(cache.Get("k"), std::nullopt);
  } else {
    // The unchanged "v" may be served from memory until the subscription
    // sees the connection close.
    EXPECT_TRUE(WaitUntil([&] { return !cache.Get("k").has_value(); },
                          absl::Milliseconds(500)));
  }
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

TEST_P(RedisCacheTest, HungRedisIsBypassedAndPurgedWhenBack) {
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

using RedisNearCacheTest = RedisFixture;

TEST_F(RedisNearCacheTest, OffAsksRedisEveryTime) {
  RedisCache cache(Options(0));
  // Connects and purges the prefix.
  cache.Get("warm-up");
  ASSERT_TRUE(redis_.Set("test:k", "v"));
  int64_t before = GetCalls();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(cache.Get("k"), "v");
  }
  EXPECT_EQ(GetCalls() - before, 10);
  EXPECT_FALSE(cache.near_enabled());
}

TEST_F(RedisNearCacheTest, HitsAreServedFromMemory) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  ASSERT_TRUE(redis_.Set("test:k", "v"));
  int64_t before = GetCalls();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(cache.Get("k"), "v");
  }
  // The first Get fills the near cache, unless the invalidation for the SET
  // above arrives during it: then the second does.
  EXPECT_GE(GetCalls() - before, 1);
  EXPECT_LE(GetCalls() - before, 2);
}

TEST_F(RedisNearCacheTest, RefusedTrackingIsAskedOnceAndRedisStillServes) {
  // As a managed Redis may: every command but client-side caching.
  ASSERT_EQ(Raw({"ACL", "SETUSER", "default", "-client|tracking"}), "OK");
  RedisCache cache(Options(kNearBytes));
  // Until the subscription is up and a call has been refused tracking.
  ASSERT_TRUE(WaitUntil(
      [&] {
        cache.Get("warm-up");
        return RefusedTrackingCalls() >= 1;
      },
      absl::Seconds(5)));
  ASSERT_TRUE(redis_.Set("test:k", "v"));
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(cache.Get("k"), "v");
  }
  EXPECT_FALSE(cache.near_enabled());
  EXPECT_EQ(RefusedTrackingCalls(), 1);
}

TEST_F(RedisNearCacheTest, OwnWritesAreSeenAtOnce) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  cache.Put("k", "v1", absl::Minutes(1));
  EXPECT_EQ(cache.Get("k"), "v1");
  cache.Put("k", "v2", absl::Minutes(1));
  EXPECT_EQ(cache.Get("k"), "v2");
  cache.Invalidate("k");
  EXPECT_EQ(cache.Get("k"), std::nullopt);
}

TEST_F(RedisNearCacheTest, AnotherInstancesWritesReachTheNearCache) {
  RedisCache a(Options(kNearBytes));
  RedisCache b(Options(kNearBytes));
  // Both purge the prefix on their first call: done before the test.
  WarmUp(a);
  WarmUp(b);
  b.Put("k", "v1", absl::Minutes(1));
  ASSERT_EQ(a.Get("k"), "v1");
  b.Put("k", "v2", absl::Minutes(1));
  EXPECT_TRUE(
      WaitUntil([&] { return a.Get("k") == "v2"; }, absl::Seconds(2)));
  b.Invalidate("k");
  EXPECT_TRUE(WaitUntil([&] { return !a.Get("k").has_value(); },
                        absl::Seconds(2)));
}

TEST_F(RedisNearCacheTest, ForeignWritesReachTheNearCache) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  ASSERT_TRUE(redis_.Set("test:k", "v1"));
  ASSERT_EQ(cache.Get("k"), "v1");
  ASSERT_EQ(Raw({"SET", "test:k", "v2"}), "OK");
  EXPECT_TRUE(
      WaitUntil([&] { return cache.Get("k") == "v2"; }, absl::Seconds(2)));
  ASSERT_EQ(Raw({"DEL", "test:k"}), "1");
  EXPECT_TRUE(WaitUntil([&] { return !cache.Get("k").has_value(); },
                        absl::Seconds(2)));
}

TEST_F(RedisNearCacheTest, ExpiryAndFlushInRedisReachTheNearCache) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  ASSERT_EQ(Raw({"SET", "test:short", "v", "PX", "100"}), "OK");
  ASSERT_EQ(cache.Get("short"), "v");
  EXPECT_TRUE(WaitUntil([&] { return !cache.Get("short").has_value(); },
                        absl::Seconds(2)));
  ASSERT_TRUE(redis_.Set("test:k", "v"));
  ASSERT_EQ(cache.Get("k"), "v");
  ASSERT_EQ(Raw({"FLUSHALL"}), "OK");
  EXPECT_TRUE(WaitUntil([&] { return !cache.Get("k").has_value(); },
                        absl::Seconds(2)));
}

TEST_F(RedisNearCacheTest, KilledRedisStopsNearHitsAndNothingOldComesBack) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  cache.Put("k", "v1", absl::Minutes(1));
  ASSERT_EQ(cache.Get("k"), "v1");
  redis_.Kill();
  ASSERT_TRUE(WaitUntil([&] { return !cache.near_enabled(); },
                        absl::Seconds(2)));
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  // Changed while the cache was cut off (or just after it reconnected).
  ASSERT_TRUE(redis_.Start());
  ASSERT_TRUE(redis_.Set("test:k", "v2"));
  EXPECT_TRUE(WaitUntil(
      [&] {
        EXPECT_NE(cache.Get("k"), "v1");
        return cache.near_enabled();
      },
      absl::Seconds(5)));
  EXPECT_NE(cache.Get("k"), "v1");
  ASSERT_TRUE(redis_.Set("test:k", "v3"));
  EXPECT_TRUE(
      WaitUntil([&] { return cache.Get("k") == "v3"; }, absl::Seconds(2)));
}

TEST_F(RedisNearCacheTest, ClosedDataConnectionStopsNearHits) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  cache.Put("k", "v1", absl::Minutes(1));
  ASSERT_EQ(cache.Get("k"), "v1");
  // As an idle `timeout` would: Redis closes the data connection, and with it
  // the tracking, but not the subscription (a pub/sub client).
  ASSERT_EQ(Raw({"CLIENT", "KILL", "TYPE", "normal"}), "1");
  ASSERT_EQ(Raw({"SET", "test:k", "v2"}), "OK");
  EXPECT_TRUE(WaitUntil([&] { return cache.Get("k") != "v1"; },
                        absl::Seconds(2)));
}

TEST_F(RedisNearCacheTest, HungRedisStopsNearHits) {
  RedisCache cache(Options(kNearBytes));
  WarmUp(cache);
  cache.Put("k", "v1", absl::Minutes(1));
  ASSERT_EQ(cache.Get("k"), "v1");
  redis_.Pause();
  // The subscription's heartbeat goes unanswered.
  EXPECT_TRUE(WaitUntil([&] { return !cache.near_enabled(); },
                        absl::Seconds(2)));
  EXPECT_EQ(cache.Get("k"), std::nullopt);
  redis_.Resume();
  WarmUp(cache);
  EXPECT_EQ(cache.Get("k"), std::nullopt);
}

// Readers on two instances while a third writes versions 1, 2, ... (most
// deleted again): no reader ever goes back to an older version, and once the
// writes stop every instance serves the last one or nothing.
TEST_F(RedisNearCacheTest, ConcurrentWritersNeverLeaveAnOldVersion) {
  RedisCache reader(Options(kNearBytes));
  RedisCache other_reader(Options(kNearBytes));
  RedisCache writer(Options(kNearBytes));
  WarmUp(reader);
  WarmUp(other_reader);
  WarmUp(writer);
  constexpr int kVersions = 300;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      RedisCache& cache = t % 2 == 0 ? reader : other_reader;
      int newest = 0;
      while (!done.load()) {
        std::optional<std::string> value = cache.Get("k");
        int version = 0;
        if (value.has_value()) {
          ASSERT_TRUE(absl::SimpleAtoi(*value, &version)) << *value;
          ASSERT_GE(version, newest) << "went back in time";
          newest = version;
        }
        ++reads;
      }
    });
  }
  for (int version = 1; version <= kVersions; ++version) {
    writer.Put("k", absl::StrCat(version), absl::Minutes(1));
    if (version % 3 != 0) {
      writer.Invalidate("k");
    }
  }
  done.store(true);
  for (std::thread& thread : readers) {
    thread.join();
  }
  writer.Put("k", "final", absl::Minutes(1));
  EXPECT_GT(reads.load(), 0);
  for (RedisCache* cache : {&reader, &other_reader, &writer}) {
    EXPECT_TRUE(WaitUntil(
        [&] {
          std::optional<std::string> value = cache->Get("k");
          return !value.has_value() || value == "final";
        },
        absl::Seconds(2)));
    for (int i = 0; i < 100; ++i) {
      std::optional<std::string> value = cache->Get("k");
      ASSERT_TRUE(!value.has_value() || value == "final") << *value;
    }
  }
}

}  // namespace
}  // namespace kexport
