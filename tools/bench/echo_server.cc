// kexport-bench-echo: the benchmark baseline. A callback-API gRPC server that
// answers every call with its request, served by the same kexport::Serve as
// the services (same builder settings, health, reflection) but without the
// services' interceptors: the bare cost of a call on this machine.
//
// With --relay_to it is the bare cost of a call that waits on others: each
// call first asks another echo server --relay_calls times at once (callback
// client, the services' channel settings) and answers when all have. With
// --durable_log it is the bare cost of a durable call: each request is
// appended to a file and answered after the fdatasync of its batch.
#include <algorithm>
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
ABSL_FLAG(std::string, durable_log, "",
          "A file each call's request is appended to, durably, before it is answered");
ABSL_FLAG(int, relay_calls, 3, "With --relay_to: the calls made, all at once, per call");

namespace {

using kexport::bench::v1::Echo;
using kexport::bench::v1::EchoMessage;

// The downstream calls of one relayed call; the last answer finishes it.
struct Relay {
  Relay(grpc::ServerUnaryReactor* answer, int calls)
      : reactor(answer),
        contexts(new grpc::ClientContext[calls]),
        responses(calls),
        unanswered(calls) {}

  void Answered(const grpc::Status& status) {
    if (!status.ok()) {
      std::lock_guard<std::mutex> lock(mutex);
      if (failure.ok()) failure = status;
    }
    if (--unanswered > 0) return;
    reactor->Finish(failure);
    delete this;
  }

  grpc::ServerUnaryReactor* reactor;
  std::unique_ptr<grpc::ClientContext[]> contexts;
  std::vector<EchoMessage> responses;
  std::atomic<int> unanswered;
  std::mutex mutex;
  grpc::Status failure;
};

class EchoHandler final : public Echo::CallbackService {
 public:
  EchoHandler(const std::string& relay_to, int relay_calls, const std::string& durable_log)
      : relay_calls_(relay_calls),
        downstream_(relay_to.empty() ? nullptr : Echo::NewStub(kexport::MakeChannel(relay_to, {}))),
        log_(durable_log.empty() ? nullptr
                                 : std::make_unique<kexport::bench::DurableLog>(durable_log)) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoMessage* request,
                                 EchoMessage* response) override {
    *response = *request;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (downstream_ != nullptr) {
      auto* relay = new Relay(reactor, relay_calls_);
      for (int i = 0; i < relay_calls_; ++i) {
        downstream_->async()->Echo(&relay->contexts[i], request, &relay->responses[i],
                                   [relay](grpc::Status status) { relay->Answered(status); });
      }
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
  EchoHandler handler(absl::GetFlag(FLAGS_relay_to), std::max(1, absl::GetFlag(FLAGS_relay_calls)),
                      absl::GetFlag(FLAGS_durable_log));
  kexport::ServeOptions options =
      kexport::ServeOptionsFromFlags("bench-echo", 50050, {Echo::service_full_name()});
  options.interceptors = false;
  absl::Status served = kexport::Serve(options, {&handler});
  return served.ok() ? 0 : kexport::StartupFailed("serve", served);
}
