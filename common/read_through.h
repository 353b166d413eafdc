// Read-through caching of serialized records: a hit comes from the cache; a
// miss loads from the store once per key however many callers wait
// (single-flight) and refills the cache, unless the key was invalidated while
// the load ran (then the loaded value may predate the write and is not
// cached). A cached value that `accept` refuses (damaged, or not what the
// key names) counts as a miss, and the refill replaces it. Writers call
// Invalidate after their commit.
//
//   ReadThrough firms(&cache, absl::Minutes(10));
//   absl::StatusOr<std::string> bytes = firms.Get(
//       "firm:" + brn, [&] { return store.LoadFirmBytes(brn); },
//       [&](absl::string_view value) { return IsFirm(value, brn); });
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cache.h"
#include "common/single_flight.h"

namespace kexport {

class ReadThrough final {
 public:
  ReadThrough(Cache* cache, absl::Duration ttl) : cache_(cache), ttl_(ttl) {}

  absl::StatusOr<std::string> Get(
      const std::string& key,
      const std::function<absl::StatusOr<std::string>()>& load,
      Cache::Accept accept);

  void Invalidate(const std::string& key);

 private:
  // Invalidation counters, striped by key hash: a collision only skips a
  // refill, never serves stale data. A refill checks its stripe and writes
  // the cache under the stripe's lock, so an invalidation either sees the
  // refill and deletes it, or the refill sees the invalidation and skips.
  struct Stripe {
    std::mutex mutex;
    uint64_t epoch = 0;
  };
  Stripe& StripeFor(const std::string& key);

  Cache* cache_;
  absl::Duration ttl_;
  SingleFlight<absl::StatusOr<std::string>> flights_;
  std::array<Stripe, 256> stripes_;
};

}  // namespace kexport
