// kexport-registry: the firm registry service. Wiring only: configuration,
// store, cache, handler, server.
#include <memory>

#include "absl/flags/flag.h"

#include "common/actor.h"
#include "common/config.h"
#include "common/json_log.h"
#include "common/redis_cache.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "services/registry/cached_firm_store.h"
#include "services/registry/registrar.h"
#include "services/registry/registry_handler.h"
#include "services/registry/sqlite_firm_store.h"

int main(int argc, char** argv) {
  using kexport::StartupFailed;
  using kexport::registry::v1::FirmRegistry;
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv,
                       "kexport-registry: the firm registry (gRPC, port 50051)");
  kexport::JsonLog::SetService("registry");

  absl::StatusOr<std::string> path = kexport::DataFileFromFlags("registry.db");
  if (!path.ok()) {
    return StartupFailed("data directory", path.status());
  }
  auto store = kexport::registry::SqliteFirmStore::Open(*path);
  if (!store.ok()) {
    return StartupFailed("open database", store.status());
  }
  kexport::registry::FirmStore* firms = store->get();

  auto redis = kexport::RedisOptionsFromFlags("kexport:registry:");
  if (!redis.ok()) {
    return StartupFailed("configure cache", redis.status());
  }
  std::unique_ptr<kexport::RedisCache> cache;
  std::unique_ptr<kexport::registry::CachedFirmStore> cached;
  if (redis->has_value()) {
    cache = std::make_unique<kexport::RedisCache>(**redis);
    cached = std::make_unique<kexport::registry::CachedFirmStore>(
        firms, cache.get(), absl::GetFlag(FLAGS_cache_ttl));
    firms = cached.get();
  }

  kexport::registry::Registrar registrar(firms, kexport::SystemClock());
  kexport::MetadataActorResolver actors;
  kexport::registry::RegistryHandler handler(&registrar, &actors);

  kexport::ServeOptions options =
      kexport::ServeOptionsFromFlags("registry", 50051, {FirmRegistry::service_full_name()});
  options.logged_by_handler = kexport::registry::RegistryHandler::RawMethods();
  absl::Status served = kexport::Serve(options, {&handler});
  if (!served.ok()) {
    return StartupFailed("serve", served);
  }
  return 0;
}
