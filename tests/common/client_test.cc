#include "common/client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace kexport {
namespace {

TEST(ClientTest, RetryPolicyCoversOnlyTheNamedMethods) {
  std::string config =
      RetryServiceConfig({"kexport.registry.v1.FirmRegistry/GetFirm"});
  EXPECT_NE(config.find(R"("service":"kexport.registry.v1.FirmRegistry")"),
            std::string::npos);
  EXPECT_NE(config.find(R"("method":"GetFirm")"), std::string::npos);
  EXPECT_NE(config.find(R"("retryableStatusCodes":["UNAVAILABLE"])"),
            std::string::npos);
  // A name without a method would retry a whole service: skipped.
  EXPECT_EQ(RetryServiceConfig({"kexport.registry.v1.FirmRegistry"}).find(
                "FirmRegistry"),
            std::string::npos);
}

TEST(ClientTest, CallContextHasTheDeadlineAndTheActor) {
  absl::Time before = absl::Now();
  std::unique_ptr<grpc::ClientContext> context =
      MakeCallContext(nullptr, absl::Seconds(2), "designation");
  absl::Time deadline = absl::FromChrono(context->deadline());
  EXPECT_GE(deadline, before + absl::Seconds(2));
  EXPECT_LE(deadline, absl::Now() + absl::Seconds(2));
}

class AlwaysServing final : public grpc::health::v1::Health::CallbackService {
  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest*,
      grpc::health::v1::HealthCheckResponse* response) override {
    response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

TEST(ClientTest, ChannelWithTheRetryConfigCallsARealServer) {
  AlwaysServing health;
  grpc::ServerBuilder builder;
  builder.RegisterService(&health);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  // gRPC refuses every call on a channel whose service config is invalid.
  auto channel = MakeChannel(absl::StrCat("127.0.0.1:", port),
                             {"grpc.health.v1.Health/Check"});
  auto stub = grpc::health::v1::Health::NewStub(channel);
  std::unique_ptr<grpc::ClientContext> context =
      MakeCallContext(nullptr, absl::Seconds(5), "test");
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  server->Shutdown();
}

}  // namespace
}  // namespace kexport
