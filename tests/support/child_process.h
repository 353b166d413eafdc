// Real processes for tests: a server binary started with arguments, its
// output captured in a log file, stopped with the signal a test chooses.
//
//   ChildProcess redis({"/usr/bin/redis-server", "--port", "6390"}, log_path);
//   ASSERT_TRUE(redis.Start());
//   redis.Signal(SIGKILL);
//   int status = redis.Wait(absl::Seconds(5));
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kexport::testing {

class ChildProcess final {
 public:
  ChildProcess(std::vector<std::string> argv, std::string log_path)
      : argv_(std::move(argv)), log_path_(std::move(log_path)) {}
  // Kills the process if it still runs.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Forks and execs; stdout and stderr append to the log file.
  bool Start();
  bool running() const { return pid_ > 0; }
  void Signal(int signal_number);
  // The wait status once the process ended, nullopt on timeout.
  std::optional<int> Wait(absl::Duration timeout);
  // SIGKILL and reap.
  void Kill();

  std::string ReadLog() const;

 private:
  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreePort();

// A fresh directory under TEST_TMPDIR or /tmp, removed on destruction.
class TempDir final {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool WaitUntil(Condition condition, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

}  // namespace kexport::testing
