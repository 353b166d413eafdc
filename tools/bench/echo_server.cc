// kexport-bench-echo: the benchmark baseline. A callback-API gRPC server that
// answers every call with its request, served by the same kexport::Serve as
// the services (same builder settings, health, reflection) but without the
// services' interceptors: the bare cost of a call on this machine.
#include "common/config.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "kexport/bench/v1/echo.grpc.pb.h"

namespace {

class EchoHandler final : public kexport::bench::v1::Echo::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const kexport::bench::v1::EchoMessage* request,
                                 kexport::bench::v1::EchoMessage* response) override {
    *response = *request;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv, "kexport-bench-echo: the benchmark's bare gRPC baseline");
  EchoHandler handler;
  kexport::ServeOptions options = kexport::ServeOptionsFromFlags(
      "bench-echo", 50050, {kexport::bench::v1::Echo::service_full_name()});
  options.interceptors = false;
  absl::Status served = kexport::Serve(options, {&handler});
  return served.ok() ? 0 : kexport::StartupFailed("serve", served);
}
