// Waits for the answer of an asynchronous client call: the blocking form of
// a directory's *Async method.
//
//   return Await<absl::StatusOr<Firm>>(
//       [&](auto done) { LookupAsync(brn, std::move(done)); });
#pragma once

#include <functional>
#include <utility>

#include "absl/synchronization/notification.h"

namespace kexport::clients {

template <typename Result, typename Start>
Result Await(Start start) {
  absl::Notification answered;
  Result result;
  start(std::function<void(Result)>([&](Result answer) {
    result = std::move(answer);
    answered.Notify();
  }));
  answered.WaitForNotification();
  return result;
}

}  // namespace kexport::clients
