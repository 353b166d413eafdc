#include "common/workers.h"

namespace kexport {

Workers::Workers(int threads, size_t max_waiting) : max_waiting_(max_waiting) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Loop(); });
  }
}

Workers::~Workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void Workers::Run(std::function<void()> work) {
  Push(std::move(work), std::numeric_limits<size_t>::max());
}

bool Workers::TryRun(std::function<void()> work) { return Push(std::move(work), max_waiting_); }

bool Workers::Push(std::function<void()> work, size_t limit) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= limit) return false;
    queue_.push_back(std::move(work));
  }
  wake_.notify_one();
  return true;
}

void Workers::Loop() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace kexport
