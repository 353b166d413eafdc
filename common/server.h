// Runs a kexport gRPC server the same way for every service: callback API,
// grpc.health.v1, server reflection, keepalive, message-size limits, access
// logs, and a graceful stop on SIGTERM or SIGINT (health turns NOT_SERVING,
// new calls are still taken for `drain_delay`, then in-flight calls get
// `shutdown_grace` to finish).
//
//   kexport::ServeOptions options;
//   options.service_name = "registry";
//   options.health_services = {FirmRegistry::service_full_name()};
//   return kexport::Serve(options, {&registry_service});
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/impl/codegen/service_type.h"

namespace kexport {

struct ServeOptions {
  std::string service_name;
  // Fully qualified gRPC service names health reports on, besides "" (the
  // whole server), e.g. `kexport.registry.v1.FirmRegistry`.
  std::vector<std::string> health_services;
  std::string host = "0.0.0.0";
  int port = 0;
  int max_message_bytes = 16 * 1024 * 1024;
  // After SIGTERM: how long health says NOT_SERVING while calls are still
  // taken, then how long in-flight calls get to finish.
  absl::Duration drain_delay = absl::ZeroDuration();
  absl::Duration shutdown_grace = absl::Seconds(10);
  // The access log and the malformed-request answer; only the benchmark's
  // bare echo baseline turns them off.
  bool interceptors = true;
  // Methods (`/package.Service/Method`) that skip the interceptor: their
  // handlers log and parse for themselves (FinishRaw in common/unary.h).
  std::vector<std::string> logged_by_handler;
};

// Blocks SIGTERM and SIGINT so that Serve can wait for them, and ignores
// SIGPIPE (a peer that closed its socket is an error to handle, not a reason
// to die); turns off Abseil's mutex deadlock detection (see server.cc).
// Call first thing in main, before any thread starts.
void PrepareProcessSignals();

// Serves until SIGTERM or SIGINT, then shuts down gracefully. Fails when the
// port cannot be bound.
absl::Status Serve(const ServeOptions& options,
                   const std::vector<grpc::Service*>& services);

}  // namespace kexport
