// A real redis-server for tests, on a free port, without persistence. It can
// be killed, paused (SIGSTOP: slow, not gone) and started again on the same
// port, and read directly to see what the services cached.
//
//   RedisServer redis(dir.path());
//   ASSERT_TRUE(redis.Start());
//   std::optional<std::string> cached = redis.Get("kexport:registry:firm:1248100998");
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "tests/support/child_process.h"

namespace kexport::testing {

class RedisServer final {
 public:
  explicit RedisServer(const std::string& dir);

  // Starts the server and waits until it answers PING.
  bool Start();
  // SIGKILL: the cache is gone, with everything in it.
  void Kill();
  // SIGSTOP / SIGCONT: the cache hangs and later comes back with its data.
  void Pause();
  void Resume();

  int port() const { return port_; }
  std::string address() const;

  // Direct reads and writes, bypassing the services.
  std::optional<std::string> Get(const std::string& key) const;
  bool Set(const std::string& key, const std::string& value) const;
  bool Ping() const;

 private:
  std::string dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace kexport::testing
