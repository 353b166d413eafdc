#include "common/client.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
#include "common/actor.h"
#include "common/json_log.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace kexport {

std::string RetryServiceConfig(
    const std::vector<std::string>& idempotent_methods) {
  std::vector<std::string> names;
  for (const std::string& full_name : idempotent_methods) {
    std::vector<std::string> parts = absl::StrSplit(full_name, '/');
    if (parts.size() != 2) {
      continue;
    }
    names.push_back(absl::Substitute("{\"service\":$0,\"method\":$1}",
                                     JsonQuote(parts[0]), JsonQuote(parts[1])));
  }
  return absl::Substitute(
      R"({"methodConfig":[{"name":[$0],"retryPolicy":{"maxAttempts":3,)"
      R"("initialBackoff":"0.05s","maxBackoff":"1s","backoffMultiplier":2,)"
      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})",
      absl::StrJoin(names, ","));
}

std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& address,
    const std::vector<std::string>& idempotent_methods) {
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(RetryServiceConfig(idempotent_methods));
  arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 120000);
  return grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), arguments);
}

std::unique_ptr<grpc::ClientContext> MakeCallContext(
    const grpc::CallbackServerContext* caller, absl::Duration timeout,
    absl::string_view actor) {
  std::unique_ptr<grpc::ClientContext> context =
      caller != nullptr ? grpc::ClientContext::FromCallbackServerContext(*caller)
                        : std::make_unique<grpc::ClientContext>();
  // The propagated deadline still applies when ours is later.
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  context->AddMetadata(kActorMetadataKey, std::string(actor));
  return context;
}

}  // namespace kexport
