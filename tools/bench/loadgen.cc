// kexport-loadgen: the benchmark's C++ load generator. Runs one scenario
// (tools/bench/scenarios.h) against a server and prints one JSON line:
// calls, errors, seconds, successful calls per second, p50 and p99 latency.
//
//   kexport-loadgen --target=127.0.0.1:50051 --scenario=get_firm --duration=5s
//   kexport-loadgen ... --rate=5000          # open loop at 5,000 calls/s
//   kexport-loadgen ... --write_body=FILE    # call 0 framed for h2load, then exit
//   kexport-loadgen --target=... --scenario=import_firms --calls=1000000
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/json_log.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tools/bench/load_runner.h"
#include "tools/bench/scenarios.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50050", "host:port of the server");
ABSL_FLAG(std::string, scenario, "echo",
          "echo, get_firm, list_firms, create_firm, transfer, get_designation, "
          "submit_application or import_firms");
ABSL_FLAG(uint64_t, calls, 0, "Calls to make (rows for import_firms); 0: run for --duration");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "How long to run when --calls is 0");
ABSL_FLAG(int, concurrency, 64, "Calls in flight (closed loop)");
ABSL_FLAG(int, channels, 4, "HTTP/2 connections to spread the calls over");
ABSL_FLAG(double, rate, 0, "Calls per second, open loop; 0: closed loop");
ABSL_FLAG(int64_t, offset, 0, "Firms are SampleBrn(offset + i)");
ABSL_FLAG(int64_t, distinct, 10000, "Look-ups cycle over this many firms");
ABSL_FLAG(int, batch, 1, "Transfers per CreateTransfers request");
ABSL_FLAG(std::string, round, "", "submit_application: programs/{p}/rounds/{r}");
ABSL_FLAG(std::string, support_item, "", "submit_application: the support item asked for");
ABSL_FLAG(std::string, write_body, "",
          "Write call 0 as a gRPC-framed request body (for h2load -d) and exit");

namespace kexport::bench {
namespace {

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < count; ++c) {
    grpc::ChannelArguments args;
    // Its own connection, not one shared through the global subchannel pool.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("kexport.bench.channel", c);
    channels.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

// The gRPC length-prefixed message: uncompressed flag, 4-byte big-endian size.
bool WriteFramedBody(const std::string& path, const std::string& message) {
  std::string framed(5, '\0');
  const uint32_t size = static_cast<uint32_t>(message.size());
  for (int b = 0; b < 4; ++b) framed[1 + b] = static_cast<char>(size >> (24 - 8 * b));
  framed += message;
  std::ofstream out(path, std::ios::binary);
  out << framed;
  return static_cast<bool>(out);
}

void PrintJson(const std::string& scenario, const LoadResult& result) {
  std::printf(
      "{\"scenario\": \"%s\", \"calls\": %llu, \"errors\": %llu, \"seconds\": %.3f, "
      "\"rate\": %.1f, \"p50_us\": %u, \"p99_us\": %u, \"retries\": %llu, "
      "\"first_error\": %s}\n",
      scenario.c_str(), static_cast<unsigned long long>(result.calls),
      static_cast<unsigned long long>(result.errors), result.seconds, result.Rate(),
      result.Quantile(0.5), result.Quantile(0.99), static_cast<unsigned long long>(result.retries),
      JsonQuote(result.first_error).c_str());
}

int Import(const std::shared_ptr<grpc::Channel>& channel) {
  const int64_t rows = static_cast<int64_t>(absl::GetFlag(FLAGS_calls));
  std::string error;
  const absl::Time start = absl::Now();
  const bool ok = ImportFirms(channel, absl::GetFlag(FLAGS_offset), rows, &error);
  LoadResult result;
  result.calls = static_cast<uint64_t>(rows);
  result.errors = ok ? 0 : static_cast<uint64_t>(rows);
  result.first_error = error;
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  PrintJson("import_firms", result);
  return ok ? 0 : 1;
}

int Main() {
  const std::string name = absl::GetFlag(FLAGS_scenario);
  std::vector<std::shared_ptr<grpc::Channel>> channels =
      Channels(absl::GetFlag(FLAGS_target), std::max(1, absl::GetFlag(FLAGS_channels)));
  if (name == "import_firms") return Import(channels.front());

  ScenarioParams params;
  params.offset = absl::GetFlag(FLAGS_offset);
  params.distinct = std::max<int64_t>(1, absl::GetFlag(FLAGS_distinct));
  params.batch = std::max(1, absl::GetFlag(FLAGS_batch));
  params.round = absl::GetFlag(FLAGS_round);
  params.support_item = absl::GetFlag(FLAGS_support_item);
  params.calls = absl::GetFlag(FLAGS_calls);
  std::unique_ptr<Scenario> scenario = MakeScenario(name, params);
  if (scenario == nullptr) {
    std::fprintf(stderr, "unknown scenario %s (submit_application needs --calls)\n",
                 name.c_str());
    return 2;
  }
  if (!absl::GetFlag(FLAGS_write_body).empty()) {
    return WriteFramedBody(absl::GetFlag(FLAGS_write_body), scenario->Call(0).request) ? 0 : 1;
  }
  if (!scenario->Setup(channels.front())) {
    std::fprintf(stderr, "setup of %s failed\n", name.c_str());
    return 1;
  }
  LoadOptions options;
  options.calls = params.calls;
  options.duration = absl::GetFlag(FLAGS_duration);
  options.concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  options.rate = absl::GetFlag(FLAGS_rate);
  options.metadata = {{"x-kexport-actor", "bench"}};
  LoadResult result =
      RunLoad(channels, options, [&](uint64_t i) { return scenario->Call(i); });
  PrintJson(name, result);
  return result.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace kexport::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return kexport::bench::Main();
}
