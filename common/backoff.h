// Exponential backoff for reconnecting to a dependency that failed: after each
// failure the next attempt waits twice as long, up to a ceiling; a success
// resets it. Time is passed in, so tests need no sleeping.
//
//   if (!backoff.ReadyToTry(now)) return;   // still backing off
//   if (Connect()) backoff.Succeeded(); else backoff.Failed(now);
#pragma once

#include "absl/time/time.h"

namespace kexport {

class Backoff final {
 public:
  Backoff(absl::Duration initial, absl::Duration ceiling)
      : initial_(initial), ceiling_(ceiling) {}

  bool ReadyToTry(absl::Time now) const { return now >= next_attempt_; }

  void Failed(absl::Time now) {
    delay_ = delay_ == absl::ZeroDuration() ? initial_
                                            : std::min(delay_ * 2, ceiling_);
    next_attempt_ = now + delay_;
  }

  void Succeeded() {
    delay_ = absl::ZeroDuration();
    next_attempt_ = absl::InfinitePast();
  }

  absl::Duration current_delay() const { return delay_; }

 private:
  absl::Duration initial_;
  absl::Duration ceiling_;
  absl::Duration delay_ = absl::ZeroDuration();
  absl::Time next_attempt_ = absl::InfinitePast();
};

}  // namespace kexport
