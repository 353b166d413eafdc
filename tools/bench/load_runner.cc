#include "tools/bench/load_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace kexport::bench {
namespace {

class Load {
 public:
  Load(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
       const LoadOptions& options, const std::function<UnaryCall(uint64_t)>& next)
      : options_(options), next_(next) {
    for (const auto& channel : channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  LoadResult Run() {
    start_ = absl::Now();
    end_ = start_ + options_.duration;
    if (options_.rate > 0) {
      Pace();
    } else {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        in_flight_ = options_.concurrency;
      }
      for (int slot = 0; slot < options_.concurrency; ++slot) StartNext();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return in_flight_ == 0; });
    result_.seconds = absl::ToDoubleSeconds(last_done_ - start_);
    result_.retries = retries_;
    std::sort(result_.latencies_us.begin(), result_.latencies_us.end());
    return std::move(result_);
  }

 private:
  bool Finished(uint64_t i, absl::Time at) const {
    return options_.calls > 0 ? i >= options_.calls : at >= end_;
  }

  // Closed loop: a slot starts its next call, or retires when the run is over.
  void StartNext() {
    const uint64_t i = issued_.fetch_add(1);
    const absl::Time now = absl::Now();
    if (Finished(i, now)) {
      Retire();
      return;
    }
    Start(i, now, /*closed_loop=*/true);
  }

  // Open loop: call k starts at start + k / rate.
  void Pace() {
    for (uint64_t k = 0;; ++k) {
      const absl::Time scheduled = start_ + absl::Seconds(k / options_.rate);
      if (Finished(k, scheduled)) break;
      absl::SleepFor(scheduled - absl::Now());
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++in_flight_;
      }
      Start(k, scheduled, /*closed_loop=*/false);
    }
  }

  void Start(uint64_t i, absl::Time scheduled, bool closed_loop, int attempt = 1) {
    struct Call {
      grpc::ClientContext context;
      grpc::ByteBuffer request;
      grpc::ByteBuffer response;
    };
    auto* call = new Call;
    UnaryCall unary = next_(i);
    grpc::Slice slice(unary.request);
    call->request = grpc::ByteBuffer(&slice, 1);
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    for (const auto& [key, value] : options_.metadata) call->context.AddMetadata(key, value);
    stubs_[i % stubs_.size()]->UnaryCall(
        &call->context, unary.method, grpc::StubOptions(), &call->request, &call->response,
        [this, call, i, scheduled, closed_loop, attempt](grpc::Status status) {
          delete call;
          // ABORTED asks for a retry (docs/integrators.md), as a client would.
          if (status.error_code() == grpc::StatusCode::ABORTED && attempt < kMaxAttempts) {
            retries_++;
            Start(i, scheduled, closed_loop, attempt + 1);
            return;
          }
          Record(status, absl::Now() - scheduled);
          if (closed_loop) {
            StartNext();
          } else {
            Retire();
          }
        });
  }

  void Record(const grpc::Status& status, absl::Duration latency) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++result_.calls;
    last_done_ = absl::Now();
    if (status.ok()) {
      result_.latencies_us.push_back(
          static_cast<uint32_t>(std::min<int64_t>(absl::ToInt64Microseconds(latency), UINT32_MAX)));
      return;
    }
    if (result_.errors++ == 0) {
      result_.first_error = std::to_string(status.error_code()) + " " + status.error_message();
    }
  }

  void Retire() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  }

  static constexpr int kMaxAttempts = 5;

  const LoadOptions& options_;
  const std::function<UnaryCall(uint64_t)>& next_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<uint64_t> issued_{0};
  std::atomic<uint64_t> retries_{0};
  absl::Time start_;
  absl::Time end_;

  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  absl::Time last_done_;
  LoadResult result_;
};

}  // namespace

uint32_t LoadResult::Quantile(double q) const {
  if (latencies_us.empty()) return 0;
  size_t index = static_cast<size_t>(q * static_cast<double>(latencies_us.size() - 1));
  return latencies_us[index];
}

LoadResult RunLoad(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                   const LoadOptions& options,
                   const std::function<UnaryCall(uint64_t)>& next) {
  return Load(channels, options, next).Run();
}

}  // namespace kexport::bench
