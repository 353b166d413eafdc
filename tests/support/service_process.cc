#include "tests/support/service_process.h"

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace kexport::testing {

ServiceProcess::ServiceProcess(std::string binary, std::string data_dir,
                               std::vector<std::string> extra_flags)
    : binary_(std::move(binary)),
      data_dir_(std::move(data_dir)),
      extra_flags_(std::move(extra_flags)),
      port_(FreePort()) {}

std::string ServiceProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

bool ServiceProcess::Start() {
  std::vector<std::string> argv = {binary_, "--host=127.0.0.1",
                                   absl::StrCat("--port=", port_),
                                   absl::StrCat("--data_dir=", data_dir_)};
  argv.insert(argv.end(), extra_flags_.begin(), extra_flags_.end());
  process_ = std::make_unique<ChildProcess>(
      argv, absl::StrCat(data_dir_, "/service.log"));
  if (!process_->Start()) {
    return false;
  }
  channel_ = NewChannel();
  return WaitUntil([this] { return process_->running() && Serving(); },
                   absl::Seconds(15));
}

std::shared_ptr<grpc::Channel> ServiceProcess::NewChannel() const {
  // Retry the connection quickly while the server starts, instead of gRPC's
  // default backoff of a second and more.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(),
                                   arguments);
}

bool ServiceProcess::Serving() const {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  // Waiting for ready keeps the call polling the channel while it connects;
  // a fail-fast probe leaves nobody to notice the connection complete.
  context.set_wait_for_ready(true);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(500));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, request, &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace kexport::testing
