// The benchmark's bare limits are real servers too: the echo in its durable
// and relaying modes must do the work whose cost the suite reports, or the
// limits it prints would flatter every service measured against them.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "kexport/bench/v1/echo.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/service_process.h"

namespace kexport::bench {
namespace {

using kexport::testing::ServiceProcess;
using kexport::testing::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

v1::EchoMessage Message(const std::string& id) {
  v1::EchoMessage message;
  message.set_id(id);
  message.set_payload("payload of " + id);
  return message;
}

grpc::Status Call(ServiceProcess& echo, const v1::EchoMessage& request,
                  v1::EchoMessage* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return v1::Echo::NewStub(echo.channel())->Echo(&context, request, response);
}

// What reaches the file before the answer is checked; whether it was also
// fdatasync'd is not visible from here.
TEST(BenchEchoTest, DurableModeAnswersOnlyWhatItHasWritten) {
  TempDir dir;
  const std::string log = dir.path() + "/durable.log";
  ServiceProcess echo(KEXPORT_BENCH_ECHO_BINARY, dir.path(), {"--durable_log=" + log});
  ASSERT_TRUE(echo.Start());

  std::string written;
  for (const char* id : {"first", "second"}) {
    v1::EchoMessage response;
    ASSERT_TRUE(Call(echo, Message(id), &response).ok());
    EXPECT_EQ(response.SerializeAsString(), Message(id).SerializeAsString());
    written += Message(id).SerializeAsString();
    EXPECT_EQ(ReadFile(log), written) << "answered before " << id << " was in the log";
  }
}

TEST(BenchEchoTest, RelayModeAnswersAfterItsDownstreamCalls) {
  TempDir downstream_dir;
  TempDir relay_dir;
  const std::string log = downstream_dir.path() + "/durable.log";
  ServiceProcess downstream(KEXPORT_BENCH_ECHO_BINARY, downstream_dir.path(),
                            {"--durable_log=" + log});
  ASSERT_TRUE(downstream.Start());
  ServiceProcess relay(KEXPORT_BENCH_ECHO_BINARY, relay_dir.path(),
                       {"--relay_to=" + downstream.address(), "--relay_calls=3"});
  ASSERT_TRUE(relay.Start());

  v1::EchoMessage response;
  ASSERT_TRUE(Call(relay, Message("relayed"), &response).ok());
  EXPECT_EQ(response.id(), "relayed");
  const std::string request = Message("relayed").SerializeAsString();
  EXPECT_EQ(ReadFile(log), request + request + request);
}

TEST(BenchEchoTest, RelayModeFailsWhenItsDownstreamCannotAnswer) {
  TempDir downstream_dir;
  TempDir relay_dir;
  ServiceProcess downstream(KEXPORT_BENCH_ECHO_BINARY, downstream_dir.path(), {});
  ASSERT_TRUE(downstream.Start());
  ServiceProcess relay(KEXPORT_BENCH_ECHO_BINARY, relay_dir.path(),
                       {"--relay_to=" + downstream.address()});
  ASSERT_TRUE(relay.Start());
  downstream.Kill();

  v1::EchoMessage response;
  EXPECT_EQ(Call(relay, Message("unanswered"), &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace kexport::bench
