// kexport-registry: the firm registry service. Wiring only: configuration,
// store, cache, handler, server.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/actor.h"
#include "common/config.h"
#include "common/json_log.h"
#include "common/redis_cache.h"
#include "common/server.h"
#include "services/registry/cached_firm_store.h"
#include "services/registry/registrar.h"
#include "services/registry/registry_handler.h"
#include "services/registry/sqlite_firm_store.h"

ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on");
ABSL_FLAG(int, port, 50051, "TCP port to serve gRPC on");
ABSL_FLAG(std::string, data_dir, "data",
          "Directory for the service's SQLite database (registry.db)");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6379",
          "Redis cache as host:port; empty to run without a cache");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Minutes(10),
          "How long a cached firm lives in Redis");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "Time in-flight calls get to finish on SIGTERM");

namespace {

int Fail(absl::string_view what, const absl::Status& status) {
  kexport::JsonLog("error", "startup_failed")
      .Add("what", what)
      .Add("error", status.ToString())
      .Emit();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  kexport::BlockTerminationSignals();
  kexport::ParseConfig(argc, argv,
                       "kexport-registry: the firm registry (gRPC, port 50051)");
  kexport::JsonLog::SetService("registry");

  std::filesystem::path data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  auto store = kexport::registry::SqliteFirmStore::Open(
      (data_dir / "registry.db").string());
  if (!store.ok()) {
    return Fail("open database", store.status());
  }

  kexport::registry::FirmStore* firms = store->get();
  std::unique_ptr<kexport::RedisCache> cache;
  std::unique_ptr<kexport::registry::CachedFirmStore> cached;
  std::string redis_addr = absl::GetFlag(FLAGS_redis_addr);
  if (!redis_addr.empty()) {
    std::pair<std::string, std::string> host_port =
        absl::StrSplit(redis_addr, absl::MaxSplits(':', 1));
    kexport::RedisCacheOptions options;
    options.host = host_port.first;
    if (!absl::SimpleAtoi(host_port.second, &options.port)) {
      return Fail("parse --redis_addr",
                  absl::InvalidArgumentError("expected host:port"));
    }
    options.key_prefix = "kexport:registry:";
    cache = std::make_unique<kexport::RedisCache>(options);
    cached = std::make_unique<kexport::registry::CachedFirmStore>(
        firms, cache.get(), absl::GetFlag(FLAGS_cache_ttl));
    firms = cached.get();
  }

  kexport::registry::Registrar registrar(firms, kexport::SystemClock());
  kexport::MetadataActorResolver actors;
  kexport::registry::RegistryHandler handler(&registrar, &actors);

  kexport::ServeOptions options;
  options.service_name = "registry";
  options.health_services = {
      kexport::registry::v1::FirmRegistry::service_full_name()};
  options.host = absl::GetFlag(FLAGS_host);
  options.port = absl::GetFlag(FLAGS_port);
  options.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  absl::Status served = kexport::Serve(options, {&handler});
  if (!served.ok()) {
    return Fail("serve", served);
  }
  return 0;
}
