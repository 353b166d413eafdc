#include "common/service_flags.h"

#include <filesystem>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json_log.h"

ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on");
ABSL_FLAG(int, port, 0,
          "TCP port to serve gRPC on; 0 means the service's own default "
          "(registry 50051, designation 50052, applications 50053, ledger "
          "50054)");
ABSL_FLAG(std::string, data_dir, "data",
          "Directory of the service's SQLite database");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6379",
          "Redis cache as host:port; empty to run without a cache");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10),
          "How long a cached record lives in Redis");
ABSL_FLAG(int64_t, near_cache_bytes, 8 << 20,
          "Bytes of cached records kept in process memory in front of Redis, "
          "kept coherent by Redis client-side caching invalidations; a hit "
          "there costs no round trip. 0 turns the near cache off");
ABSL_FLAG(int, max_message_bytes, 16 << 20,
          "Largest gRPC message the service takes or sends, bytes");
ABSL_FLAG(int64_t, max_waiting_per_worker, 16,
          "Calls that may wait for a worker, per worker thread (applications: every "
          "call; designation: submissions, decisions and annual reviews, which wait on "
          "the registry; the registry and the ledger do not queue calls). Past it a call "
          "is refused at once with UNAVAILABLE (reason AT_CAPACITY), for the caller to "
          "retry after a backoff, instead of queueing behind seconds of work");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "Time in-flight calls get to finish after SIGTERM");
ABSL_FLAG(absl::Duration, drain_delay, absl::ZeroDuration(),
          "Time between reporting NOT_SERVING and refusing new calls after "
          "SIGTERM, for load balancers to notice (e.g. 5s on Kubernetes)");

namespace kexport {

ServeOptions ServeOptionsFromFlags(std::string service_name, int default_port,
                                   std::vector<std::string> health_services) {
  ServeOptions options;
  options.service_name = std::move(service_name);
  options.health_services = std::move(health_services);
  options.host = absl::GetFlag(FLAGS_host);
  int port = absl::GetFlag(FLAGS_port);
  options.port = port == 0 ? default_port : port;
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  options.drain_delay = absl::GetFlag(FLAGS_drain_delay);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  return options;
}

absl::StatusOr<std::unique_ptr<Workers>> CallWorkersFromFlags(absl::string_view threads_flag,
                                                              int threads) {
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(threads_flag, " must be >= 1, not ", threads));
  }
  const int64_t per_worker = absl::GetFlag(FLAGS_max_waiting_per_worker);
  // Bounded above so that threads x per_worker cannot overflow.
  constexpr int64_t kMostPerWorker = 1'000'000;
  if (per_worker < 1 || per_worker > kMostPerWorker) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max_waiting_per_worker must be 1 to ", kMostPerWorker, ", not ", per_worker));
  }
  return std::make_unique<Workers>(threads, static_cast<size_t>(threads * per_worker));
}

absl::StatusOr<std::optional<RedisCacheOptions>> RedisOptionsFromFlags(
    std::string key_prefix) {
  std::string address = absl::GetFlag(FLAGS_redis_addr);
  if (address.empty()) {
    return std::nullopt;
  }
  std::pair<std::string, std::string> host_port =
      absl::StrSplit(address, absl::MaxSplits(':', 1));
  RedisCacheOptions options;
  options.host = host_port.first;
  if (options.host.empty() || !absl::SimpleAtoi(host_port.second, &options.port) ||
      options.port <= 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--redis_addr must be host:port, not `", address, "`"));
  }
  int64_t near_cache_bytes = absl::GetFlag(FLAGS_near_cache_bytes);
  if (near_cache_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--near_cache_bytes must not be negative, not ",
                     near_cache_bytes));
  }
  options.near_cache_bytes = static_cast<size_t>(near_cache_bytes);
  options.key_prefix = std::move(key_prefix);
  return options;
}

absl::StatusOr<std::string> DataFileFromFlags(const std::string& file_name) {
  std::filesystem::path dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create --data_dir ", dir.string(), ": ",
                     error.message()));
  }
  return (dir / file_name).string();
}

int StartupFailed(absl::string_view what, const absl::Status& status) {
  JsonLog("error", "startup_failed")
      .Add("what", what)
      .Add("error", status.ToString())
      .Emit();
  return 1;
}

}  // namespace kexport
