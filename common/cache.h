// A best-effort cache in front of a store. Every operation may silently do
// nothing (the cache is down, slow or evicting): callers always fall back to
// the store, so a request never fails because of the cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kexport {

class Cache {
 public:
  virtual ~Cache() = default;

  // The cached value, or nullopt on a miss or when the cache is unavailable.
  virtual std::optional<std::string> Get(const std::string& key) = 0;

  // Stores `value` for `ttl`. May drop it.
  virtual void Put(const std::string& key, const std::string& value,
                   absl::Duration ttl) = 0;

  // Removes `key` after the record changed. Never lost: when the removal
  // cannot be delivered, the cache serves nothing more until it has been
  // made safe again (RedisCache purges its keys), so it never serves a value
  // older than a committed write.
  virtual void Invalidate(const std::string& key) = 0;
};

}  // namespace kexport
