// kexport-designation: the G-PASS designation service. Wiring only:
// configuration, policy, store, registry client, cache, handler, server.
#include <memory>

#include "absl/flags/flag.h"
#include "common/actor.h"
#include "common/config.h"
#include "common/json_log.h"
#include "common/redis_cache.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "services/designation/demo_history.h"
#include "services/designation/designation_handler.h"
#include "services/designation/designator.h"
#include "services/designation/policy.h"
#include "clients/registry_firm_directory.h"
#include "services/designation/sqlite_designation_store.h"

ABSL_FLAG(std::string, policy_file, "config/designation-policy.json",
          "The designation policy in force (JSON of DesignationPolicy)");
ABSL_FLAG(std::string, incentives_file, "config/grade-incentives.json",
          "Each grade's incentives (JSON of ListGradeIncentivesResponse)");
ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051",
          "The firm registry's gRPC address, host:port");
ABSL_FLAG(absl::Duration, registry_timeout, absl::Seconds(2),
          "Deadline of each call to the registry");
ABSL_FLAG(int, registry_threads, 8,
          "Threads that run the calls which wait on the registry (submission, decision, "
          "annual review)");
ABSL_FLAG(bool, seed_demo_history, false,
          "Into an empty database, write demo designations from 2012 on (the "
          "published 341 firms in 2016 and 1,501 in 2025); demo only");

int main(int argc, char** argv) {
  using kexport::StartupFailed;
  namespace designation = kexport::designation;
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv,
                       "kexport-designation: G-PASS designation (gRPC, port 50052)");
  kexport::JsonLog::SetService("designation");

  auto policy = designation::LoadPolicy(absl::GetFlag(FLAGS_policy_file),
                                        absl::GetFlag(FLAGS_incentives_file));
  if (!policy.ok()) {
    return StartupFailed("load policy", policy.status());
  }
  absl::StatusOr<std::string> path = kexport::DataFileFromFlags("designation.db");
  if (!path.ok()) {
    return StartupFailed("data directory", path.status());
  }
  auto store = designation::SqliteDesignationStore::Open(*path);
  if (!store.ok()) {
    return StartupFailed("open database", store.status());
  }
  if (absl::GetFlag(FLAGS_seed_demo_history)) {
    if (absl::Status seeded = designation::SeedDemoHistory(**store); !seeded.ok()) {
      return StartupFailed("seed demo history", seeded);
    }
  }
  auto redis = kexport::RedisOptionsFromFlags("kexport:designation:");
  if (!redis.ok()) {
    return StartupFailed("configure cache", redis.status());
  }
  std::unique_ptr<kexport::RedisCache> cache;
  if (redis->has_value()) {
    cache = std::make_unique<kexport::RedisCache>(**redis);
  }
  kexport::clients::RegistryFirmDirectory registry(
      absl::GetFlag(FLAGS_registry_addr), absl::GetFlag(FLAGS_registry_timeout), "designation");
  designation::Designator designator(store->get(), &registry, &*policy, cache.get(),
                                     absl::GetFlag(FLAGS_cache_ttl), kexport::SystemClock());
  auto workers =
      kexport::CallWorkersFromFlags("--registry_threads", absl::GetFlag(FLAGS_registry_threads));
  if (!workers.ok()) {
    return StartupFailed("configure", workers.status());
  }
  kexport::MetadataActorResolver actors;
  designation::DesignationHandler handler(&designator, &actors, workers->get());

  kexport::ServeOptions options = kexport::ServeOptionsFromFlags(
      "designation", 50052, {designation::v1::Designations::service_full_name()});
  options.logged_by_handler = designation::DesignationHandler::RawMethods();
  absl::Status served = kexport::Serve(options, {&handler});
  if (!served.ok()) {
    return StartupFailed("serve", served);
  }
  return 0;
}
