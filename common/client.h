// Calling other kexport services: one channel per peer with a retry policy
// that covers only idempotent methods, and a context per call with a deadline
// that never outlives the caller's own.
//
//   auto channel = MakeChannel("localhost:50051", {"kexport.registry.v1.FirmRegistry/GetFirm"});
//   auto context = MakeCallContext(server_context, absl::Seconds(2), actor);
//   stub->GetFirm(context.get(), request, &firm);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace kexport {

// The gRPC service config that retries UNAVAILABLE, up to 3 attempts with
// backoff, for the listed `package.Service/Method` names only.
std::string RetryServiceConfig(const std::vector<std::string>& idempotent_methods);

std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& address,
    const std::vector<std::string>& idempotent_methods);

// A client context with deadline min(now + timeout, caller's deadline), the
// caller's cancellation propagated when `caller` is set, and the actor passed
// on in metadata.
std::unique_ptr<grpc::ClientContext> MakeCallContext(
    const grpc::CallbackServerContext* caller, absl::Duration timeout,
    absl::string_view actor);

}  // namespace kexport
