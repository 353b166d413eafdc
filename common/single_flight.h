// Coalesces concurrent loads of the same key: the first caller runs the load,
// the others wait for its result. Used to refill a cache on a miss without a
// stampede on the store.
//
//   SingleFlight<absl::StatusOr<std::string>> flights;
//   auto value = flights.Do(key, [&] { return store.Load(key); });
//   flights.Forget(key);  // after a write: later callers start a new load
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace kexport {

template <typename Result>
class SingleFlight final {
 public:
  Result Do(const std::string& key, const std::function<Result()>& load) {
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto [it, inserted] = flights_.try_emplace(key);
      if (inserted) {
        it->second = std::make_shared<Flight>();
        leader = true;
      }
      flight = it->second;
    }
    if (!leader) {
      std::unique_lock<std::mutex> lock(flight->mutex);
      flight->done.wait(lock, [&] { return flight->result.has_value(); });
      return *flight->result;
    }
    Result result = load();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = flights_.find(key);
      if (it != flights_.end() && it->second == flight) {
        flights_.erase(it);
      }
    }
    {
      std::lock_guard<std::mutex> lock(flight->mutex);
      flight->result = result;
    }
    flight->done.notify_all();
    return result;
  }

  // Detaches the load in progress for `key`, if any: callers arriving from
  // now on start a fresh load instead of joining one that may have read the
  // store before a write.
  void Forget(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    flights_.erase(key);
  }

 private:
  struct Flight {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<Result> result;
  };

  std::mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace kexport
