#include "tools/bench/durable_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace kexport::bench {

DurableLog::DurableLog(const std::string& path)
    : fd_(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600)) {
  if (fd_ < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  writer_ = std::thread([this] { Run(); });
}

DurableLog::~DurableLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  close(fd_);
}

void DurableLog::Append(std::string record, std::function<void()> durable) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ += record;
    waiting_.push_back(std::move(durable));
  }
  wake_.notify_one();
}

void DurableLog::Run() {
  while (true) {
    std::string batch;
    std::vector<std::function<void()>> callers;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;
      batch.swap(pending_);
      callers.swap(waiting_);
    }
    for (size_t written = 0; written < batch.size();) {
      const ssize_t n = write(fd_, batch.data() + written, batch.size() - written);
      if (n < 0) {
        std::perror("durable log write");
        _exit(1);  // not exit(): gRPC's threads still run
      }
      written += static_cast<size_t>(n);
    }
    if (fdatasync(fd_) != 0) {
      std::perror("durable log fdatasync");
      _exit(1);
    }
    for (auto& durable : callers) durable();
  }
}

}  // namespace kexport::bench
