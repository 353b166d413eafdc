// kexport-ledger: the budget ledger service. Wiring only: configuration,
// store, group committer, handler, server.
#include "absl/flags/flag.h"
#include "common/actor.h"
#include "common/config.h"
#include "common/json_log.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "services/ledger/ledger_handler.h"
#include "services/ledger/ledger_service.h"
#include "services/ledger/sqlite_ledger_store.h"

ABSL_FLAG(int64_t, max_db_megabytes, 0,
          "Refuse writes once ledger.db reaches this size (0: no limit); "
          "reads go on, and writes resume when the limit is raised");

int main(int argc, char** argv) {
  using kexport::StartupFailed;
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv,
                       "kexport-ledger: the budget ledger (gRPC, port 50054)");
  kexport::JsonLog::SetService("ledger");

  absl::StatusOr<std::string> path = kexport::DataFileFromFlags("ledger.db");
  if (!path.ok()) {
    return StartupFailed("data directory", path.status());
  }
  auto store = kexport::ledger::SqliteLedgerStore::Open(
      *path, absl::GetFlag(FLAGS_max_db_megabytes) * 1024 * 1024);
  if (!store.ok()) {
    return StartupFailed("open database", store.status());
  }
  kexport::ledger::LedgerService ledger(store->get(), kexport::SystemClock());
  kexport::MetadataActorResolver actors;
  kexport::ledger::LedgerHandler handler(&ledger, &actors);

  absl::Status served = kexport::Serve(
      kexport::ServeOptionsFromFlags(
          "ledger", 50054, {kexport::ledger::v1::Ledger::service_full_name()}),
      {&handler});
  if (!served.ok()) {
    return StartupFailed("serve", served);
  }
  return 0;
}
