// A Cache on Redis through hiredis: bounded connect and I/O timeouts, and on
// any failure the cache steps aside (every call returns at once as a miss)
// and reconnects with exponential backoff. Invalidations that could not be
// sent are kept and replayed on reconnect before the first read; if too many
// pile up, every key under the prefix is deleted instead.
//
//   RedisCache cache({.host = "127.0.0.1", .port = 6379, .key_prefix = "registry:"});
//   cache.Put("firm:1234567891", bytes, absl::Minutes(10));
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "common/backoff.h"
#include "common/cache.h"

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
  // Beyond this many unsent invalidations, purge the whole prefix instead.
  size_t max_pending_invalidations = 10000;
};

class RedisCache final : public Cache {
 public:
  explicit RedisCache(RedisCacheOptions options);
  ~RedisCache() override;

  std::optional<std::string> Get(const std::string& key) override;
  void Put(const std::string& key, const std::string& value,
           absl::Duration ttl) override;
  void Invalidate(const std::string& key) override;

  // True while connected and not backing off.
  bool connected();

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  // Connects if needed and replays owed invalidations; false when the cache
  // must be bypassed. Requires mutex_.
  bool EnsureReady();
  bool FlushOwedInvalidations();
  void Disconnect(absl::string_view why);

  const RedisCacheOptions options_;
  std::mutex mutex_;
  Connection connection_;
  Backoff backoff_;
  absl::flat_hash_set<std::string> owed_invalidations_;
  bool purge_owed_ = false;
};

}  // namespace kexport
