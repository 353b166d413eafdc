#include "common/read_through.h"

#include "absl/hash/hash.h"

namespace kexport {

ReadThrough::Stripe& ReadThrough::StripeFor(const std::string& key) {
  return stripes_[absl::Hash<std::string>{}(key) % stripes_.size()];
}

absl::StatusOr<std::string> ReadThrough::Get(
    const std::string& key,
    const std::function<absl::StatusOr<std::string>()>& load,
    Cache::Accept accept) {
  if (std::optional<std::string> hit = cache_->Get(key, accept)) {
    return *std::move(hit);
  }
  return flights_.Do(key, [&]() -> absl::StatusOr<std::string> {
    Stripe& stripe = StripeFor(key);
    uint64_t before = 0;
    {
      std::lock_guard<std::mutex> lock(stripe.mutex);
      before = stripe.epoch;
    }
    absl::StatusOr<std::string> loaded = load();
    if (loaded.ok()) {
      std::lock_guard<std::mutex> lock(stripe.mutex);
      if (stripe.epoch == before) {
        cache_->Put(key, *loaded, ttl_);
      }
    }
    return loaded;
  });
}

void ReadThrough::Invalidate(const std::string& key) {
  Stripe& stripe = StripeFor(key);
  {
    std::lock_guard<std::mutex> lock(stripe.mutex);
    ++stripe.epoch;
  }
  flights_.Forget(key);
  cache_->Invalidate(key);
}

}  // namespace kexport
