#include "common/server.h"

#include <csignal>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/call_interceptor.h"
#include "common/json_log.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace kexport {
namespace {

sigset_t TerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

void PrepareProcessSignals() {
  // Debian's Abseil is built with deadlock detection on: every absl::Mutex
  // (gRPC's included) then updates a global lock graph, a few percent of
  // each call's CPU. Lock order is a matter for tests, not production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sigset_t signals = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

absl::Status Serve(const ServeOptions& options,
                   const std::vector<grpc::Service*>& services) {
  JsonLog::SetService(options.service_name);
  if (options.max_message_bytes < 1024) {
    return absl::InvalidArgumentError("--max_message_bytes must be at least 1024");
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(absl::StrCat(options.host, ":", options.port),
                           grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // Ping idle clients every 2 minutes and drop dead ones; let clients ping us
  // no more than every 10 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 120000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  for (grpc::Service* service : services) {
    builder.RegisterService(service);
  }
  if (options.interceptors) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(std::make_unique<CallInterceptorFactory>(options.logged_by_handler));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
  }

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.host, ":", options.port));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const std::string& name : options.health_services) {
    health->SetServingStatus(name, true);
  }
  health->SetServingStatus(true);
  JsonLog("info", "serving").Add("port", bound_port).Emit();

  sigset_t signals = TerminationSignals();
  int signal_number = 0;
  sigwait(&signals, &signal_number);

  JsonLog("info", "stopping").Add("signal", signal_number).Emit();
  // Load balancers stop sending new calls; in-flight ones get the grace.
  health->SetServingStatus(false);
  absl::SleepFor(options.drain_delay);
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoNanoseconds(options.shutdown_grace));
  server->Wait();
  JsonLog("info", "stopped").Emit();
  return absl::OkStatus();
}

}  // namespace kexport
