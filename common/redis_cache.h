// A Cache on Redis through hiredis: bounded connect and I/O timeouts, and on
// any failure the cache steps aside (every call returns at once as a miss)
// and reconnects with exponential backoff. Before it serves anything after
// starting or after a failure, it deletes every key under its prefix: an
// invalidation may have been lost meanwhile, or Redis may have restarted
// from a snapshot older than the last commit.
//
// In front of Redis sits a near cache in process memory (NearCache), kept
// coherent by Redis server-assisted client-side caching: the data connection
// runs CLIENT TRACKING on REDIRECT <id> BCAST PREFIX <key_prefix> NOLOOP, so
// Redis tells a second connection (RedisInvalidations) about every change
// another client makes under the prefix. The rules:
//  - Near hits are served only while both connections are healthy and the
//    data connection's tracking redirects to the live subscription. A failure
//    of either (a hung Redis is caught by the subscription's heartbeat)
//    clears the near cache and disables it until both are back and tracking
//    is on again; the purge-after-reconnect rule above stays. Near hits do
//    not use the data connection, so the subscription's heartbeat also
//    checks that Redis has not closed it (and its tracking with it).
//  - Gets, Puts and Invalidates fill or drop near entries while holding the
//    data connection's mutex, so they are ordered as their commands are in
//    Redis, and NOLOOP (we are not told of our own writes) loses nothing.
//  - A fill takes a token before its GET or SET and lands only if no
//    invalidation of its key and no clear came in meanwhile: the
//    invalidation of a write that follows our command is handled either
//    before the fill (which then drops) or after it (which it then erases).
//  - Invalidate drops the near entry before its DEL: this process reads its
//    own writes at once. Other processes' writes reach the near cache as soon
//    as their invalidation message arrives (typically well under 1 ms).
//  - Entries expire after the Put's ttl or near_ttl, and the near cache
//    evicts least recently used entries beyond near_cache_bytes.
// Near hits take only a shard lock of the near cache, never the data
// connection's mutex; the subscription's thread never waits for that mutex
// (it only try-locks it), so it never stalls behind a slow Redis call.
//
//   RedisCache cache({.host = "127.0.0.1", .port = 6379, .key_prefix = "registry:"});
//   cache.Put("firm:1234567891", bytes, absl::Minutes(10));
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/backoff.h"
#include "common/cache.h"
#include "common/near_cache.h"
#include "common/redis_invalidations.h"

struct redisContext;

namespace kexport {

struct RedisCacheOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Prepended to every key, e.g. `kexport:registry:`.
  std::string key_prefix;
  absl::Duration connect_timeout = absl::Milliseconds(200);
  absl::Duration io_timeout = absl::Milliseconds(100);
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // The near cache's budget; 0 turns it off (every Get asks Redis).
  size_t near_cache_bytes = 8 << 20;
  // How long a near entry read from Redis lives at most.
  absl::Duration near_ttl = absl::Seconds(60);
};

class RedisCache final : public Cache {
 public:
  explicit RedisCache(RedisCacheOptions options);
  ~RedisCache() override;

  using Cache::Get;
  std::optional<std::string> Get(const std::string& key, Accept accept) override;
  void Put(const std::string& key, const std::string& value,
           absl::Duration ttl) override;
  void Invalidate(const std::string& key) override;

  // True while connected and not backing off.
  bool connected();
  // True while hits are served from process memory.
  bool near_enabled() const { return near_ != nullptr && near_->enabled(); }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  // Connects if needed and purges after a failure; false when the cache
  // must be bypassed. Require mutex_.
  bool EnsureReady();
  bool PurgePrefix();
  // Points the data connection's tracking at the live subscription and
  // enables the near cache once it does; false when the connection failed.
  // Requires mutex_.
  bool EnsureTracking();
  // Disconnects if Redis closed the data connection. Requires mutex_.
  void CheckClosed();
  void Disconnect(absl::string_view why);

  RedisInvalidations::Handlers InvalidationHandlers();

  const RedisCacheOptions options_;
  std::mutex mutex_;
  Connection connection_;
  Backoff backoff_;
  bool purge_needed_ = true;
  // The subscription session the data connection's tracking redirects to,
  // 0 for none. Guarded by mutex_.
  uint64_t tracked_session_ = 0;
  // The session for which Redis refused tracking (an old Redis, an ACL), so
  // that it is asked once per session and connection, not on every call.
  // Guarded by mutex_.
  uint64_t refused_session_ = 0;

  // Null when near_cache_bytes is 0.
  std::unique_ptr<NearCache> near_;
  std::mutex subscription_mutex_;
  // The live subscription: a number of our own (Redis reuses client ids
  // after a restart) and its client id; session 0 while there is none.
  uint64_t subscriber_session_ = 0;
  int64_t subscriber_id_ = 0;
  uint64_t sessions_ = 0;
  // Last: its thread uses the members above until it is joined.
  std::unique_ptr<RedisInvalidations> invalidations_;
};

}  // namespace kexport
