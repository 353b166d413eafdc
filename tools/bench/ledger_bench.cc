// Measures the real kexport-ledger over gRPC on loopback and, in the same
// run on the same disk, the floor it stands on: one SQLite transaction with
// synchronous=FULL per write. Prints transfers per second and their ratio to
// that floor; these machines are shared, so read ratios, not absolutes.
//
//   build/tools/bench/ledger_bench [seconds per figure, default 3]
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sqlite.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/service_process.h"

namespace kexport::ledger {
namespace {

using kexport::testing::ServiceProcess;
using kexport::testing::TempDir;

// Single-row transactions per second on a SQLite file in `dir`: the fsync
// floor every durable write pays.
double FsyncFloor(const std::string& dir, absl::Duration length) {
  auto db = SqliteDatabase::Open(
      dir + "/floor.db", {{1, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)"}});
  if (!db.ok()) {
    std::fprintf(stderr, "floor: %s\n", db.status().ToString().c_str());
    std::exit(1);
  }
  int64_t rows = 0;
  absl::Time end = absl::Now() + length;
  absl::Time start = absl::Now();
  while (absl::Now() < end) {
    SqliteTransaction tx(**db);
    auto insert = (*db)->Prepare("INSERT INTO t(v) VALUES (?)");
    (*insert)->BindBlob(1, std::string(200, 'x'));
    if (!(*insert)->Run().ok() || !tx.Commit().ok()) {
      std::exit(1);
    }
    ++rows;
  }
  return rows / absl::ToDoubleSeconds(absl::Now() - start);
}

v1::Transfer Disbursement(const std::string& id) {
  v1::Transfer transfer;
  transfer.set_id(id);
  transfer.set_debit_account("accounts/budget");
  transfer.set_credit_account("accounts/firm");
  transfer.set_amount(1);
  transfer.set_code(v1::TRANSFER_CODE_DISBURSEMENT);
  transfer.set_mode(v1::TRANSFER_MODE_SINGLE_PHASE);
  return transfer;
}

void Open(v1::Ledger::Stub& stub, const std::string& id, v1::AccountKind kind,
          v1::BalanceLimit limit, const std::string& firm) {
  v1::CreateAccountRequest request;
  request.mutable_account()->set_id(id);
  request.mutable_account()->set_kind(kind);
  request.mutable_account()->set_fiscal_year(2026);
  if (kind != v1::ACCOUNT_KIND_APPROPRIATION_SOURCE) {
    request.mutable_account()->set_program("programs/bench");
  }
  request.mutable_account()->set_firm(firm);
  request.mutable_account()->set_balance_limit(limit);
  request.set_request_id("open-" + id);
  v1::Account account;
  grpc::ClientContext context;
  if (!stub.CreateAccount(&context, request, &account).ok()) {
    std::fprintf(stderr, "cannot open %s\n", id.c_str());
    std::exit(1);
  }
}

// Transfers per second from `clients` threads, each sending requests of
// `per_request` transfers back to back for `length`.
double Throughput(ServiceProcess& ledger, int clients, int per_request,
                  absl::Duration length, const std::string& tag) {
  std::atomic<int64_t> transfers{0};
  std::vector<std::thread> threads;
  absl::Time start = absl::Now();
  absl::Time end = start + length;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = v1::Ledger::NewStub(ledger.NewChannel());
      for (int64_t n = 0; absl::Now() < end; ++n) {
        v1::CreateTransfersRequest request;
        for (int i = 0; i < per_request; ++i) {
          *request.add_transfers() =
              Disbursement(absl::StrCat(tag, "-", c, "-", n, "-", i));
        }
        request.set_request_id(absl::StrCat(tag, "-", c, "-", n));
        v1::CreateTransfersResponse response;
        grpc::ClientContext context;
        if (!stub->CreateTransfers(&context, request, &response).ok()) {
          std::fprintf(stderr, "a request failed\n");
          std::exit(1);
        }
        transfers += per_request;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return transfers.load() / absl::ToDoubleSeconds(absl::Now() - start);
}

int Main(int argc, char** argv) {
  absl::Duration length = absl::Seconds(argc > 1 ? std::atoi(argv[1]) : 3);
  TempDir dir;
  ServiceProcess ledger(KEXPORT_LEDGER_BINARY, dir.path(), {});
  if (!ledger.Start()) {
    std::fprintf(stderr, "the ledger did not start\n");
    return 1;
  }
  auto stub = v1::Ledger::NewStub(ledger.channel());
  Open(*stub, "source", v1::ACCOUNT_KIND_APPROPRIATION_SOURCE, v1::BALANCE_LIMIT_NONE, "");
  Open(*stub, "budget", v1::ACCOUNT_KIND_PROGRAM_BUDGET,
       v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS, "");
  Open(*stub, "firm", v1::ACCOUNT_KIND_FIRM_COMMITMENT, v1::BALANCE_LIMIT_NONE,
       "firms/1248100998");
  {
    v1::CreateTransfersRequest fund;
    v1::Transfer appropriation = Disbursement("fund");
    appropriation.set_debit_account("accounts/source");
    appropriation.set_credit_account("accounts/budget");
    appropriation.set_amount(1'000'000'000'000'000);
    appropriation.set_code(v1::TRANSFER_CODE_APPROPRIATION);
    *fund.add_transfers() = appropriation;
    fund.set_request_id("fund");
    v1::CreateTransfersResponse response;
    grpc::ClientContext context;
    stub->CreateTransfers(&context, fund, &response);
  }

  double floor = FsyncFloor(dir.path(), length);
  struct Figure {
    const char* what;
    int clients;
    int per_request;
  };
  std::printf("%-44s %14s %10s\n", "ledger, real binary over gRPC", "transfers/s",
              "x floor");
  std::printf("%-44s %14.0f %10.2f\n",
              "SQLite floor: 1 row per fsync'd transaction", floor, 1.0);
  for (const Figure& figure : {Figure{"1 client, 1 transfer per request", 1, 1},
                               Figure{"64 clients, 1 transfer per request", 64, 1},
                               Figure{"1 client, batches of 100", 1, 100},
                               Figure{"1 client, batches of 1,000", 1, 1000}}) {
    double rate = Throughput(ledger, figure.clients, figure.per_request, length,
                             absl::StrCat("b", figure.clients, "x", figure.per_request));
    std::printf("%-44s %14.0f %10.2f\n", figure.what, rate, rate / floor);
  }
  return 0;
}

}  // namespace
}  // namespace kexport::ledger

int main(int argc, char** argv) { return kexport::ledger::Main(argc, argv); }
