// A fixed pool of threads for handler work that waits: downstream gRPC
// calls, a group commit's fsync. gRPC's callback API runs handlers on a
// handful of shared threads; a handler that blocks one holds up every call
// queued behind it, so such handlers hand their work to these threads
// instead (see FinishOnWorker in unary.h).
//
// New calls are admitted only while fewer than `max_waiting` wait for a
// thread: past that a service is overloaded, and a caller told so at once
// (to retry after a backoff) fares better than one queued behind seconds of
// work, with the queue's memory growing without end.
//
//   Workers workers(64, 1024);
//   if (!workers.TryRun([reactor] { ...; reactor->Finish(status); })) { /* refuse */ }
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace kexport {

class Workers final {
 public:
  explicit Workers(int threads,
                   size_t max_waiting = std::numeric_limits<size_t>::max());
  // Runs what is queued, then joins the threads.
  ~Workers();

  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Queues `work` whatever is waiting: for work already admitted (an
  // answer to send), which must not be dropped.
  void Run(std::function<void()> work);
  // Queues `work` unless `max_waiting` pieces already wait; false, and
  // `work` dropped, when they do.
  bool TryRun(std::function<void()> work);
  size_t max_waiting() const { return max_waiting_; }

 private:
  // Queues `work` if fewer than `limit` pieces wait.
  bool Push(std::function<void()> work, size_t limit);
  void Loop();

  const size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kexport
