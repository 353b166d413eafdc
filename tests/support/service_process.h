// A kexport service binary run for real on a free loopback port, with its
// data directory and Redis given by the test. Start waits until the server
// reports SERVING over grpc.health.v1.
//
//   ServiceProcess registry(KEXPORT_REGISTRY_BINARY, dir.path(),
//                           {"--redis_addr=" + redis.address()});
//   ASSERT_TRUE(registry.Start());
//   auto stub = FirmRegistry::NewStub(registry.channel());
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grpcpp/channel.h"
#include "tests/support/child_process.h"

namespace kexport::testing {

class ServiceProcess final {
 public:
  ServiceProcess(std::string binary, std::string data_dir,
                 std::vector<std::string> extra_flags);

  // Starts (or starts again, on the same port and data) and waits for health.
  bool Start();
  void Signal(int signal_number) { process_->Signal(signal_number); }
  std::optional<int> Wait(absl::Duration timeout) {
    return process_->Wait(timeout);
  }
  void Kill() { process_->Kill(); }

  int port() const { return port_; }
  std::string address() const;
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // A channel of its own to the service's port, which stays the same across
  // restarts; it reconnects within 200 ms.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::string ReadLog() const { return process_->ReadLog(); }

 private:
  bool Serving() const;

  std::string binary_;
  std::string data_dir_;
  std::vector<std::string> extra_flags_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace kexport::testing
