// Drives unary gRPC calls at a server through the callback API and measures
// them. Closed loop: `concurrency` calls in flight, each completion starting
// the next. Open loop: calls start on a fixed schedule (`rate` per second)
// whatever the server's pace, and each latency counts from the scheduled
// start, so a stalled server shows in the tail instead of slowing the load
// (no coordinated omission). A call answered ABORTED is sent again, up to
// five times in all, as docs/integrators.md asks of clients.
//
//   LoadResult result = RunLoad(channels, options, [](uint64_t i) { return Call{...}; });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/channel.h"

namespace kexport::bench {

struct LoadOptions {
  // Stops after this many calls, or after `duration` when calls is 0.
  uint64_t calls = 0;
  absl::Duration duration = absl::Seconds(5);
  int concurrency = 64;
  // Calls per second in open-loop mode; 0 means closed loop.
  double rate = 0;
  absl::Duration deadline = absl::Seconds(30);
  // Sent with every call, e.g. {"x-kexport-actor", "bench"}.
  std::vector<std::pair<std::string, std::string>> metadata;
};

// One call: the full method path and the serialized request.
struct UnaryCall {
  std::string method;
  std::string request;
};

struct LoadResult {
  uint64_t calls = 0;
  uint64_t errors = 0;
  // Calls sent again after ABORTED (a record changed under them).
  uint64_t retries = 0;
  std::string first_error;
  double seconds = 0;
  // Latencies of successful calls, microseconds, sorted.
  std::vector<uint32_t> latencies_us;

  double Rate() const { return seconds > 0 ? (calls - errors) / seconds : 0; }
  // The q-quantile (0..1) of the successful calls' latency, microseconds.
  uint32_t Quantile(double q) const;
};

// `next(i)` builds call i (i = 0, 1, 2, ...); it runs on gRPC's threads and
// must be thread-safe. Calls spread round-robin over `channels`.
LoadResult RunLoad(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   const LoadOptions& options, const std::function<UnaryCall(uint64_t)>& next);

}  // namespace kexport::bench
