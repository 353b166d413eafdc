// The worker pool runs every piece of work, several at once, admits new
// work only while few enough wait, and finishes what is queued before it is
// destroyed.
#include "common/workers.h"

#include <atomic>
#include <chrono>
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

TEST(WorkersTest, AdmitsNewWorkOnlyWhileFewEnoughWait) {
  std::mutex mutex;
  std::condition_variable changed;
  bool started = false;
  bool release = false;
  std::atomic<int> ran{0};
  {
    Workers workers(1, 2);
    // The one thread is held, so what comes next waits.
    ASSERT_TRUE(workers.TryRun([&] {
      std::unique_lock<std::mutex> lock(mutex);
      started = true;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
    }));
    {
      std::unique_lock<std::mutex> lock(mutex);
      ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return started; }));
    }
    EXPECT_TRUE(workers.TryRun([&] { ++ran; }));
    EXPECT_TRUE(workers.TryRun([&] { ++ran; }));
    EXPECT_FALSE(workers.TryRun([&] { ran += 100; })) << "a third would wait";
    // Work already admitted (an answer to send) is never refused.
    workers.Run([&] { ++ran; });
    {
      std::lock_guard<std::mutex> lock(mutex);
      release = true;
    }
    changed.notify_all();
  }
  EXPECT_EQ(ran.load(), 3);
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
