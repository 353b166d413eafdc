// A fixed pool of threads for handler work that waits: downstream gRPC
// calls, a group commit's fsync. gRPC's callback API runs handlers on a
// handful of shared threads; a handler that blocks one holds up every call
// queued behind it, so such handlers hand their work to these threads
// instead (see FinishOnWorker in unary.h).
//
//   Workers workers(64);
//   workers.Run([reactor] { ...; reactor->Finish(status); });
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kexport {

class Workers final {
 public:
  explicit Workers(int threads);
  // Runs what is queued, then joins the threads.
  ~Workers();

  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void Run(std::function<void()> work);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kexport
