// The worker pool runs every piece of work, several at once, and finishes
// what is queued before it is destroyed.
#include "common/workers.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(WorkersTest, WorkThatWaitsDoesNotHoldUpTheRest) {
  Workers workers(4);
  std::mutex mutex;
  std::condition_variable changed;
  int waiting = 0;
  bool release = false;
  // Three pieces of work wait for each other: they only finish if they run
  // on three threads at once.
  std::atomic<int> finished{0};
  for (int i = 0; i < 3; ++i) {
    workers.Run([&] {
      std::unique_lock<std::mutex> lock(mutex);
      if (++waiting == 3) release = true;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
      ++finished;
    });
  }
  std::unique_lock<std::mutex> lock(mutex);
  ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return release; }));
  lock.unlock();
  while (finished.load() < 3) std::this_thread::yield();
  EXPECT_EQ(finished.load(), 3);
}

TEST(WorkersTest, DestructionFinishesEverythingQueued) {
  std::atomic<int> done{0};
  {
    Workers workers(2);
    for (int i = 0; i < 1000; ++i) workers.Run([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 1000);
}

}  // namespace
}  // namespace kexport
