// A best-effort cache in front of a store. Every operation may silently do
// nothing (the cache is down, slow or evicting): callers always fall back to
// the store, so a request never fails because of the cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kexport {

class Cache {
 public:
  virtual ~Cache() = default;

  // Whether a value that comes from outside this process (another process
  // wrote it, or it was damaged on the way) may be served.
  using Accept = absl::FunctionRef<bool(absl::string_view value)>;

  // The cached value, or nullopt on a miss or when the cache is unavailable.
  // A value from outside the process that `accept` refuses is a miss (the
  // caller's refill then overwrites it); a value already held in process
  // memory was accepted when it came in and is not checked again.
  virtual std::optional<std::string> Get(const std::string& key, Accept accept) = 0;
  // For opaque values: accepts whatever the cache holds.
  std::optional<std::string> Get(const std::string& key) {
    return Get(key, [](absl::string_view) { return true; });
  }

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
