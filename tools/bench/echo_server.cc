// kexport-bench-echo: the benchmark baseline. A callback-API gRPC server that
// answers every call with its request, served by the same kexport::Serve as
// the services (same builder settings, health, reflection) but without the
// services' interceptors: the bare cost of a call on this machine.
//
// With --relay_to it is the bare cost of a call that waits on others: each
// call first asks another echo server --relay_calls times at once, as the
// services ask each other (callback client, MakeChannel's retry policy,
// MakeCallContext's deadline and actor), and answers when all have. With
// --durable_log it is the bare cost of a durable call: each request is
// appended to a file and answered after the fdatasync of its batch.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/config.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "kexport/bench/v1/echo.grpc.pb.h"
#include "tools/bench/durable_log.h"

ABSL_FLAG(std::string, relay_to, "", "host:port of the echo server each call first asks");
ABSL_FLAG(int, relay_calls, 3, "With --relay_to: the calls made, all at once, per call");
ABSL_FLAG(std::string, durable_log, "",
          "A file each call's request is appended to, durably, before it is answered");

namespace {

using kexport::bench::v1::Echo;
using kexport::bench::v1::EchoMessage;

constexpr absl::Duration kRelayTimeout = absl::Seconds(10);

// The downstream calls of one relayed call; the last answer finishes it and
// frees this.
class Relay final {
 public:
  Relay(Echo::Stub* downstream, int calls, const EchoMessage* request,
        grpc::ServerUnaryReactor* reactor)
      : reactor_(reactor), responses_(calls), unanswered_(calls) {
    for (int i = 0; i < calls; ++i) {
      contexts_.push_back(kexport::MakeCallContext(nullptr, kRelayTimeout, "bench"));
    }
    // Nothing of this is touched once the last call has started: its
    // answer may already have freed it.
    for (int i = 0; i < calls; ++i) {
      downstream->async()->Echo(contexts_[i].get(), request, &responses_[i],
                                [this](grpc::Status status) { Answered(status); });
    }
  }

 private:
  void Answered(const grpc::Status& status) {
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (failure_.ok()) failure_ = status;
    }
    if (--unanswered_ > 0) return;
    reactor_->Finish(failure_);
    delete this;
  }

  grpc::ServerUnaryReactor* const reactor_;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_;
  std::vector<EchoMessage> responses_;
  std::atomic<int> unanswered_;
  std::mutex mutex_;
  grpc::Status failure_;
};

class EchoHandler final : public Echo::CallbackService {
 public:
  EchoHandler(const std::string& relay_to, int relay_calls, const std::string& durable_log)
      : relay_calls_(relay_calls),
        downstream_(relay_to.empty() ? nullptr
                                     : Echo::NewStub(kexport::MakeChannel(
                                           relay_to, {"kexport.bench.v1.Echo/Echo"}))),
        log_(durable_log.empty() ? nullptr
                                 : std::make_unique<kexport::bench::DurableLog>(durable_log)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoMessage* request,
                                 EchoMessage* response) override {
    *response = *request;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (downstream_ != nullptr) {
      new Relay(downstream_.get(), relay_calls_, request, reactor);
    } else if (log_ != nullptr) {
      log_->Append(request->SerializeAsString(), [reactor] { reactor->Finish(grpc::Status::OK); });
    } else {
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

 private:
  const int relay_calls_;
  std::unique_ptr<Echo::Stub> downstream_;
  std::unique_ptr<kexport::bench::DurableLog> log_;
};

}  // namespace

int main(int argc, char** argv) {
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv, "kexport-bench-echo: the benchmark's bare gRPC baseline");
  const std::string relay_to = absl::GetFlag(FLAGS_relay_to);
  const std::string durable_log = absl::GetFlag(FLAGS_durable_log);
  if (!relay_to.empty() && !durable_log.empty()) {
    return kexport::StartupFailed(
        "configure", absl::InvalidArgumentError("--relay_to or --durable_log, not both"));
  }
  if (absl::GetFlag(FLAGS_relay_calls) < 1) {
    return kexport::StartupFailed("configure",
                                  absl::InvalidArgumentError("--relay_calls must be >= 1"));
  }
  EchoHandler handler(relay_to, absl::GetFlag(FLAGS_relay_calls), durable_log);
  kexport::ServeOptions options =
      kexport::ServeOptionsFromFlags("bench-echo", 50050, {Echo::service_full_name()});
  options.interceptors = false;
  absl::Status served = kexport::Serve(options, {&handler});
  return served.ok() ? 0 : kexport::StartupFailed("serve", served);
}
