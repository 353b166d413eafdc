#include "common/single_flight.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(SingleFlightTest, ForgetLetsLaterCallersStartAFreshLoad) {
  SingleFlight<int> flights;
  absl::Notification started;
  absl::Notification release;
  std::thread first([&] {
    EXPECT_EQ(flights.Do("k", [&] {
      started.Notify();
      release.WaitForNotification();
      return 1;
    }), 1);
  });
  started.WaitForNotification();
  flights.Forget("k");
  // Not joined to the first flight: runs its own load at once.
  EXPECT_EQ(flights.Do("k", [] { return 2; }), 2);
  release.Notify();
  first.join();
}

TEST(SingleFlightTest, SequentialCallsEachLoad) {
  SingleFlight<int> flights;
  int loads = 0;
  flights.Do("k", [&] { return ++loads; });
  flights.Do("k", [&] { return ++loads; });
  EXPECT_EQ(loads, 2);
}

}  // namespace
}  // namespace kexport
