// An in-process copy of recently used cache entries, bounded in bytes (LRU)
// and in time (every entry expires), for RedisCache to serve hits without a
// round trip. It knows nothing of Redis: its owner fills it, invalidates keys
// and switches it off while it cannot hear about changes.
//
// A fill that raced an invalidation is dropped: the filler takes a token
// before reading the value elsewhere, and the fill only lands if neither its
// key's stripe nor the whole cache was invalidated since.
//
//   std::optional<NearCache::Token> token = near.Begin("k");
//   ... read "k" from Redis ...
//   if (token) near.Fill(*token, "k", value, absl::Now() + absl::Seconds(60));
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace kexport {

class NearCache final {
 public:
  // What a fill must still match to land.
  struct Token {
    uint64_t generation;
    uint64_t epoch;
  };

  // Starts disabled. Entries larger than a shard's share of `max_bytes`
  // are not kept.
  explicit NearCache(size_t max_bytes);

  // The live entry, or nullopt when absent, expired or disabled.
  std::optional<std::string> Get(const std::string& key);

  // Nullopt while disabled: nothing read now may be filled.
  std::optional<Token> Begin(const std::string& key);
  // Stores `value` unless `key` was invalidated, or the cache cleared or
  // disabled, since `token`; otherwise drops any entry for `key`.
  void Fill(const Token& token, const std::string& key,
            const std::string& value, absl::Time expiry);

  // Drops `key` and fails the fills begun before.
  void Invalidate(const std::string& key);
  // Drops everything and fails the fills begun before.
  void Clear();

  void Enable();
  // Clears and serves nothing until enabled again.
  void Disable();
  bool enabled() const { return enabled_.load(); }

  size_t entries();
  size_t bytes();

 private:
  struct Entry {
    std::string key;
    std::string value;
    absl::Time expiry;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kStripesPerShard = 16;

  struct alignas(64) Shard {
    std::mutex mutex;
    std::list<Entry> lru;  // Most recently used first.
    absl::flat_hash_map<std::string, std::list<Entry>::iterator> index;
    size_t bytes = 0;
    std::array<uint64_t, kStripesPerShard> epochs{};
  };

  struct Slot {
    Shard* shard;
    uint64_t* epoch;
  };
  Slot SlotFor(const std::string& key);
  // Require the shard's mutex.
  static void Erase(Shard& shard, std::list<Entry>::iterator entry);
  static void EraseKey(Shard& shard, const std::string& key);

  const size_t shard_budget_;
  std::atomic<bool> enabled_{false};
  std::atomic<uint64_t> generation_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace kexport
