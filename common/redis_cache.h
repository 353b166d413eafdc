// A Cache on Redis through hiredis: bounded connect and I/O timeouts, and on
// any failure the cache steps aside (every call returns at once as a miss)
// and reconnects with exponential backoff. Before it serves anything after
// starting or after a failure, it deletes every key under its prefix: an
// invalidation may have been lost meanwhile, or Redis may have restarted
// from a snapshot older than the last commit.
//
//   RedisCache cache({.host = "127.0.0.1", .port = 6379, .key_prefix = "registry:"});
//   cache.Put("firm:1234567891", bytes, absl::Minutes(10));
#pragma once

#include <memory>
#include <mutex>
#include <string>

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

  // Connects if needed and purges after a failure; false when the cache
  // must be bypassed. Require mutex_.
  bool EnsureReady();
  bool PurgePrefix();
  void Disconnect(absl::string_view why);

  const RedisCacheOptions options_;
  std::mutex mutex_;
  Connection connection_;
  Backoff backoff_;
  bool purge_needed_ = true;
};

}  // namespace kexport
