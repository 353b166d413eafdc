#include "common/near_cache.h"

#include <iterator>

#include "absl/hash/hash.h"
#include "absl/time/clock.h"

namespace kexport {
namespace {

// Roughly what an entry costs besides its key and value: the list node, the
// index slot and the key's second copy's header.
constexpr size_t kEntryOverhead = 96;

}  // namespace

NearCache::NearCache(size_t max_bytes) : shard_budget_(max_bytes / kShards) {}

NearCache::Slot NearCache::SlotFor(const std::string& key) {
  const size_t hash = absl::Hash<std::string>{}(key);
  // From the hash's top bits: the shard's flat_hash_map takes its control
  // tags from the low ones, which must still differ between the shard's keys.
  static_assert(kShards * kStripesPerShard <= 256, "shard and stripe come from 8 bits");
  const size_t top = hash >> (8 * sizeof(size_t) - 8);
  Shard& shard = shards_[top % kShards];
  return {&shard, &shard.epochs[(top / kShards) % kStripesPerShard]};
}

void NearCache::Erase(Shard& shard, std::list<Entry>::iterator entry) {
  shard.bytes -= kEntryOverhead + 2 * entry->key.size() + entry->value.size();
  shard.index.erase(entry->key);
  shard.lru.erase(entry);
}

void NearCache::EraseKey(Shard& shard, const std::string& key) {
  auto found = shard.index.find(key);
  if (found != shard.index.end()) {
    Erase(shard, found->second);
  }
}

std::optional<std::string> NearCache::Get(const std::string& key) {
  if (!enabled()) {
    return std::nullopt;
  }
  Shard& shard = *SlotFor(key).shard;
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.index.find(key);
  if (found == shard.index.end()) {
    return std::nullopt;
  }
  if (found->second->expiry <= absl::Now()) {
    Erase(shard, found->second);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  return found->second->value;
}

std::optional<NearCache::Token> NearCache::Begin(const std::string& key) {
  if (!enabled()) {
    return std::nullopt;
  }
  Token token{generation_.load(), 0};
  Slot slot = SlotFor(key);
  std::lock_guard<std::mutex> lock(slot.shard->mutex);
  token.epoch = *slot.epoch;
  return token;
}

void NearCache::Fill(const Token& token, const std::string& key,
                     const std::string& value, absl::Time expiry) {
  Slot slot = SlotFor(key);
  Shard& shard = *slot.shard;
  std::lock_guard<std::mutex> lock(shard.mutex);
  EraseKey(shard, key);
  size_t cost = kEntryOverhead + 2 * key.size() + value.size();
  // Clear bumps the generation before it takes the shard locks, so a fill
  // that passes this check under the lock is cleared after it.
  if (!enabled() || generation_.load() != token.generation ||
      *slot.epoch != token.epoch || cost > shard_budget_) {
    return;
  }
  shard.lru.push_front({key, value, expiry});
  shard.index[key] = shard.lru.begin();
  shard.bytes += cost;
  while (shard.bytes > shard_budget_) {
    Erase(shard, std::prev(shard.lru.end()));
  }
}

void NearCache::Invalidate(const std::string& key) {
  Slot slot = SlotFor(key);
  std::lock_guard<std::mutex> lock(slot.shard->mutex);
  ++*slot.epoch;
  EraseKey(*slot.shard, key);
}

void NearCache::Clear() {
  ++generation_;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.lru.clear();
    shard.index.clear();
    shard.bytes = 0;
  }
}

void NearCache::Enable() {
  ++generation_;
  enabled_.store(true);
}

void NearCache::Disable() {
  enabled_.store(false);
  Clear();
}

size_t NearCache::entries() {
  size_t total = 0;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    total += shard.index.size();
  }
  return total;
}

size_t NearCache::bytes() {
  size_t total = 0;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    total += shard.bytes;
  }
  return total;
}

}  // namespace kexport
