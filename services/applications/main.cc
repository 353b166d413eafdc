// kexport-applications: programmes, rounds, applications, selections,
// awards and bans. Wiring only: configuration, store, clients of the
// registry, designation and ledger services, the ledger outbox, the offices,
// the handler, the server.
#include <memory>

#include "absl/flags/flag.h"
#include "clients/designation_directory.h"
#include "clients/ledger_accounts.h"
#include "clients/registry_firm_directory.h"
#include "common/actor.h"
#include "common/config.h"
#include "common/json_log.h"
#include "common/server.h"
#include "common/service_flags.h"
#include "services/applications/applications_handler.h"
#include "services/applications/seed_programs.h"
#include "services/applications/sqlite_applications_store.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051",
          "The firm registry's gRPC address, host:port");
ABSL_FLAG(std::string, designation_addr, "127.0.0.1:50052",
          "The designation service's gRPC address, host:port");
ABSL_FLAG(std::string, ledger_addr, "127.0.0.1:50054",
          "The ledger's gRPC address, host:port");
ABSL_FLAG(absl::Duration, downstream_timeout, absl::Seconds(2),
          "Deadline of each call to the registry, designation service and ledger");
ABSL_FLAG(absl::Duration, outbox_interval, absl::Seconds(1),
          "How often ledger steps still due are retried");
ABSL_FLAG(absl::Duration, ledger_wait, absl::Seconds(3),
          "How long a call that moves money waits for the ledger's answer");
ABSL_FLAG(std::string, seed_programs_file, "",
          "Programmes to create when missing (JSON Lines of CreateProgramRequest)");
ABSL_FLAG(std::string, seed_rounds_file, "",
          "Rounds to create when missing (JSON Lines of CreateRoundRequest)");
ABSL_FLAG(int, handler_threads, 64,
          "Threads that run calls (they wait on downstream services and commits)");
ABSL_FLAG(std::string, open_data_prefix, "360G-kexport",
          "The 360Giving identifier prefix of published grants");

int main(int argc, char** argv) {
  using kexport::StartupFailed;
  namespace applications = kexport::applications;
  kexport::PrepareProcessSignals();
  kexport::ParseConfig(argc, argv,
                       "kexport-applications: export-support applications (gRPC, port 50053)");
  kexport::JsonLog::SetService("applications");

  absl::StatusOr<std::string> path = kexport::DataFileFromFlags("applications.db");
  if (!path.ok()) {
    return StartupFailed("data directory", path.status());
  }
  auto store = applications::SqliteApplicationsStore::Open(*path);
  if (!store.ok()) {
    return StartupFailed("open database", store.status());
  }
  const absl::Duration timeout = absl::GetFlag(FLAGS_downstream_timeout);
  kexport::clients::RegistryFirmDirectory registry(absl::GetFlag(FLAGS_registry_addr), timeout,
                                                   "applications");
  kexport::clients::GrpcDesignationDirectory designations(
      absl::GetFlag(FLAGS_designation_addr), timeout, "applications");
  kexport::clients::GrpcLedgerAccounts ledger(absl::GetFlag(FLAGS_ledger_addr), timeout,
                                              "applications");
  const kexport::Clock clock = kexport::SystemClock();

  applications::LedgerOutbox outbox(store->get(), &ledger, clock,
                                    absl::GetFlag(FLAGS_outbox_interval));
  applications::EligibilityCheck eligibility(&registry, &designations, store->get());
  applications::ProgramOffice programs(store->get(), clock);
  applications::ApplicationDesk desk(store->get(), &registry, &eligibility, &outbox, clock);
  kexport::ServeOptions serving = kexport::ServeOptionsFromFlags(
      "applications", 50053, {applications::v1::Applications::service_full_name()});
  applications::SelectionDesk selections(store->get(), &ledger, &outbox, clock,
                                         serving.max_message_bytes);
  applications::OpenDataSettings open_data;
  open_data.prefix = absl::GetFlag(FLAGS_open_data_prefix);
  applications::AwardOffice awards(store->get(), &ledger, &registry, &outbox, open_data,
                                   absl::GetFlag(FLAGS_ledger_wait), clock);
  applications::BanList bans(store->get(), &registry, &outbox, clock);
  // Made after what its queued calls use, so that it is gone (its queue
  // run) before them.
  auto workers =
      kexport::CallWorkersFromFlags("--handler_threads", absl::GetFlag(FLAGS_handler_threads));
  if (!workers.ok()) {
    return StartupFailed("configure", workers.status());
  }

  const std::string programs_file = absl::GetFlag(FLAGS_seed_programs_file);
  if (!programs_file.empty()) {
    absl::Status seeded = applications::SeedPrograms(programs, programs_file,
                                                     absl::GetFlag(FLAGS_seed_rounds_file));
    if (!seeded.ok()) {
      return StartupFailed("seed programmes", seeded);
    }
  }
  // Steps left due by a crash run as soon as the ledger answers.
  outbox.Start();
  outbox.Wake();

  kexport::MetadataActorResolver actors;
  applications::ApplicationsHandler handler({&programs, &desk, &selections, &awards, &bans},
                                            &actors, workers->get());
  absl::Status served = kexport::Serve(serving, {&handler});
  if (!served.ok()) {
    return StartupFailed("serve", served);
  }
  return 0;
}
