// The bare limit of a durable call: records appended to a file by one writer
// thread, each batch of whatever queued meanwhile written at once and made
// durable with one fdatasync before its callers hear back. The ledger's
// group commit without SQLite or any rule: what a durable transfer could
// reach on this machine.
//
//   DurableLog log(path);
//   log.Append(request.SerializeAsString(), [reactor] { reactor->Finish(grpc::Status::OK); });
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kexport::bench {

class DurableLog final {
 public:
  // Creates or truncates the file at `path`; exits the process if it cannot.
  explicit DurableLog(const std::string& path);
  ~DurableLog();

  // `durable` runs on the writer thread once `record` is on disk.
  void Append(std::string record, std::function<void()> durable);

 private:
  void Run();

  const int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  std::vector<std::function<void()>> waiting_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace kexport::bench
