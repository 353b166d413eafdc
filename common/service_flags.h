// The flags every kexport service takes, each with an environment fallback
// (`--redis_addr` ← KEXPORT_REDIS_ADDR, see config.h):
//   --host, --port, --data_dir, --redis_addr, --cache_ttl,
//   --shutdown_grace, --drain_delay, --max_waiting_per_worker.
//
//   kexport::ParseConfig(argc, argv, "kexport-registry: the firm registry");
//   kexport::ServeOptions options =
//       kexport::ServeOptionsFromFlags("registry", 50051, {FirmRegistry::service_full_name()});
//   ASSIGN_OR_RETURN(std::optional<RedisCacheOptions> redis,
//                    kexport::RedisOptionsFromFlags("kexport:registry:"));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis_cache.h"
#include "common/server.h"
#include "common/workers.h"

ABSL_DECLARE_FLAG(std::string, host);
ABSL_DECLARE_FLAG(int, port);
ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(std::string, redis_addr);
ABSL_DECLARE_FLAG(absl::Duration, cache_ttl);
ABSL_DECLARE_FLAG(absl::Duration, shutdown_grace);
ABSL_DECLARE_FLAG(absl::Duration, drain_delay);

namespace kexport {

// Where and how to serve; `default_port` when --port is 0.
ServeOptions ServeOptionsFromFlags(std::string service_name, int default_port,
                                   std::vector<std::string> health_services);

// The workers that run a service's calls which wait: `threads` of them
// (the value of `threads_flag`), admitting --max_waiting_per_worker waiting
// calls per thread (see Workers); INVALID_ARGUMENT when either is below 1
// or the bound above a million.
absl::StatusOr<std::unique_ptr<Workers>> CallWorkersFromFlags(absl::string_view threads_flag,
                                                              int threads);

// The Redis cache to use, nullopt when --redis_addr is empty (no cache);
// INVALID_ARGUMENT when it is not host:port.
absl::StatusOr<std::optional<RedisCacheOptions>> RedisOptionsFromFlags(
    std::string key_prefix);

// The path of `file_name` in --data_dir, creating the directory.
absl::StatusOr<std::string> DataFileFromFlags(const std::string& file_name);

// Logs why the service could not start and returns the exit code for main.
int StartupFailed(absl::string_view what, const absl::Status& status);

}  // namespace kexport
