#include "tools/bench/scenarios.h"

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kexport/applications/v1/applications.grpc.pb.h"
#include "kexport/bench/v1/echo.pb.h"
#include "kexport/designation/v1/designation.pb.h"
#include "kexport/ledger/v1/ledger.grpc.pb.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "tests/support/sample_firms.h"

namespace kexport::bench {
namespace {

using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

// Each run of the suite starts from empty databases, but ids stay distinct
// across the scenarios of one run through their prefixes.
std::string FirmName(int64_t n) { return "firms/" + SampleBrn(n); }

class Echo final : public Scenario {
 public:
  UnaryCall Call(uint64_t i) const override {
    bench::v1::EchoMessage message;
    message.set_id(absl::StrCat("echo-", i));
    return {"/kexport.bench.v1.Echo/Echo", message.SerializeAsString()};
  }
};

class GetFirm final : public Scenario {
 public:
  explicit GetFirm(ScenarioParams params) : params_(std::move(params)) {}
  UnaryCall Call(uint64_t i) const override {
    registry::v1::GetFirmRequest request;
    request.set_name(FirmName(params_.offset + static_cast<int64_t>(i) % params_.distinct));
    return {"/kexport.registry.v1.FirmRegistry/GetFirm", request.SerializeAsString()};
  }

 private:
  ScenarioParams params_;
};

class ListFirms final : public Scenario {
 public:
  UnaryCall Call(uint64_t) const override {
    registry::v1::ListFirmsRequest request;
    request.set_page_size(100);
    return {"/kexport.registry.v1.FirmRegistry/ListFirms", request.SerializeAsString()};
  }
};

class CreateFirm final : public Scenario {
 public:
  explicit CreateFirm(ScenarioParams params) : params_(std::move(params)) {}
  UnaryCall Call(uint64_t i) const override {
    registry::v1::CreateFirmRequest request;
    const std::string brn = SampleBrn(params_.offset + static_cast<int64_t>(i));
    *request.mutable_firm() = SampleFirm(brn);
    request.set_request_id("bench-create-" + brn);
    return {"/kexport.registry.v1.FirmRegistry/CreateFirm", request.SerializeAsString()};
  }

 private:
  ScenarioParams params_;
};

class GetDesignation final : public Scenario {
 public:
  explicit GetDesignation(ScenarioParams params) : params_(std::move(params)) {}
  UnaryCall Call(uint64_t i) const override {
    designation::v1::GetFirmDesignationRequest request;
    request.set_firm(FirmName(params_.offset + static_cast<int64_t>(i) % params_.distinct));
    return {"/kexport.designation.v1.Designations/GetFirmDesignation",
            request.SerializeAsString()};
  }

 private:
  ScenarioParams params_;
};

// Durable disbursements from a funded budget account, `batch` per request.
class Transfer final : public Scenario {
 public:
  explicit Transfer(ScenarioParams params) : params_(std::move(params)) {}

  bool Setup(const std::shared_ptr<grpc::Channel>& channel) override {
    auto stub = ledger::v1::Ledger::NewStub(channel);
    auto open = [&](const std::string& id, ledger::v1::AccountKind kind,
                    ledger::v1::BalanceLimit limit, const std::string& firm) {
      ledger::v1::CreateAccountRequest request;
      request.mutable_account()->set_id(id);
      request.mutable_account()->set_kind(kind);
      request.mutable_account()->set_fiscal_year(2026);
      if (kind != ledger::v1::ACCOUNT_KIND_APPROPRIATION_SOURCE) {
        // Not programs/bench: the applications scenarios open that one's budget.
        request.mutable_account()->set_program("programs/bench-ledger");
      }
      request.mutable_account()->set_firm(firm);
      request.mutable_account()->set_balance_limit(limit);
      request.set_request_id("bench-open-" + id);
      ledger::v1::Account account;
      grpc::ClientContext context;
      return stub->CreateAccount(&context, request, &account).ok();
    };
    if (!open("bench-source", ledger::v1::ACCOUNT_KIND_APPROPRIATION_SOURCE,
              ledger::v1::BALANCE_LIMIT_NONE, "") ||
        !open("bench-budget", ledger::v1::ACCOUNT_KIND_PROGRAM_BUDGET,
              ledger::v1::BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS, "") ||
        !open("bench-firm", ledger::v1::ACCOUNT_KIND_FIRM_COMMITMENT,
              ledger::v1::BALANCE_LIMIT_NONE, FirmName(0))) {
      return false;
    }
    ledger::v1::CreateTransfersRequest fund;
    ledger::v1::Transfer& appropriation = *fund.add_transfers();
    appropriation.set_id("bench-fund");
    appropriation.set_debit_account("accounts/bench-source");
    appropriation.set_credit_account("accounts/bench-budget");
    appropriation.set_amount(1'000'000'000'000'000);
    appropriation.set_code(ledger::v1::TRANSFER_CODE_APPROPRIATION);
    appropriation.set_mode(ledger::v1::TRANSFER_MODE_SINGLE_PHASE);
    fund.set_request_id("bench-fund");
    ledger::v1::CreateTransfersResponse response;
    grpc::ClientContext context;
    return stub->CreateTransfers(&context, fund, &response).ok();
  }

  UnaryCall Call(uint64_t i) const override {
    ledger::v1::CreateTransfersRequest request;
    const std::string id = absl::StrCat("bench-", params_.offset, "-", i);
    for (int k = 0; k < params_.batch; ++k) {
      ledger::v1::Transfer& transfer = *request.add_transfers();
      transfer.set_id(absl::StrCat(id, "-", k));
      transfer.set_debit_account("accounts/bench-budget");
      transfer.set_credit_account("accounts/bench-firm");
      transfer.set_amount(1);
      transfer.set_code(ledger::v1::TRANSFER_CODE_DISBURSEMENT);
      transfer.set_mode(ledger::v1::TRANSFER_MODE_SINGLE_PHASE);
    }
    request.set_request_id(id);
    return {"/kexport.ledger.v1.Ledger/CreateTransfers", request.SerializeAsString()};
  }

 private:
  ScenarioParams params_;
};

// Submits drafts made in the setup, one per firm SampleBrn(offset + i).
class SubmitApplication final : public Scenario {
 public:
  explicit SubmitApplication(ScenarioParams params)
      : params_(std::move(params)), drafts_(params_.calls) {}

  bool Setup(const std::shared_ptr<grpc::Channel>& channel) override {
    auto stub = applications::v1::Applications::NewStub(channel);
    std::atomic<uint64_t> next{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> workers;
    for (int w = 0; w < 32; ++w) {
      workers.emplace_back([&] {
        for (uint64_t i = next++; i < drafts_.size() && !failed; i = next++) {
          applications::v1::CreateApplicationRequest request;
          applications::v1::Application& draft = *request.mutable_application();
          draft.set_firm(FirmName(params_.offset + static_cast<int64_t>(i)));
          draft.set_round(params_.round);
          applications::v1::RequestedItem& item = *draft.add_requested_items();
          item.set_support_item_id(params_.support_item);
          item.set_cost_won(10'000'000);
          draft.set_prior_year_sales_won(800'000'000);
          draft.set_sales_evidence_ref("financial statements 2025");
          request.set_request_id(absl::StrCat("bench-draft-", params_.offset, "-", i));
          applications::v1::Application created;
          grpc::ClientContext context;
          grpc::Status status = stub->CreateApplication(&context, request, &created);
          if (!status.ok()) {
            std::fprintf(stderr, "draft %llu: %s\n", static_cast<unsigned long long>(i),
                         status.error_message().c_str());
            failed = true;
            return;
          }
          drafts_[i] = created.name();
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    return !failed;
  }

  UnaryCall Call(uint64_t i) const override {
    applications::v1::SubmitApplicationRequest request;
    request.set_name(drafts_[i % drafts_.size()]);
    request.set_request_id(absl::StrCat("bench-submit-", params_.offset, "-", i));
    return {"/kexport.applications.v1.Applications/SubmitApplication",
            request.SerializeAsString()};
  }

 private:
  ScenarioParams params_;
  std::vector<std::string> drafts_;
};

}  // namespace

std::unique_ptr<Scenario> MakeScenario(const std::string& name, const ScenarioParams& params) {
  if (name == "echo") return std::make_unique<Echo>();
  if (name == "get_firm") return std::make_unique<GetFirm>(params);
  if (name == "list_firms") return std::make_unique<ListFirms>();
  if (name == "create_firm") return std::make_unique<CreateFirm>(params);
  if (name == "transfer") return std::make_unique<Transfer>(params);
  if (name == "get_designation") return std::make_unique<GetDesignation>(params);
  if (name == "submit_application") {
    if (params.calls == 0) return nullptr;
    return std::make_unique<SubmitApplication>(params);
  }
  return nullptr;
}

bool ImportFirms(const std::shared_ptr<grpc::Channel>& channel, int64_t offset, int64_t rows,
                 std::string* error) {
  auto stub = registry::v1::FirmRegistry::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("x-kexport-actor", "bench");
  registry::v1::ImportFirmsResponse report;
  auto writer = stub->ImportFirms(&context, &report);
  registry::v1::ImportFirmsRequest row;
  for (int64_t i = 0; i < rows; ++i) {
    const std::string brn = SampleBrn(offset + i);
    *row.mutable_firm() = SampleFirm(brn);
    row.set_request_id("bench-import-" + brn);
    if (!writer->Write(row)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok() || report.imported_count() != rows) {
    *error = absl::StrCat("status ", status.error_code(), " ", status.error_message(),
                          "; imported ", report.imported_count(), " of ", rows, ", rejected ",
                          report.rejected_count());
    return false;
  }
  return true;
}

}  // namespace kexport::bench
