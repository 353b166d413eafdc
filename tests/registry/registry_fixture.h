// Starts what a registry test talks to: a real redis-server on a free port
// and the real kexport-registry binary on loopback, with its SQLite file in a
// fresh directory. Calls carry an actor and return grpc::Status as any
// client would see it.
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "tests/support/redis_server.h"
#include "tests/support/sample_firms.h"
#include "tests/support/service_process.h"

namespace kexport::registry {

using v1::Firm;
using v1::FirmRegistry;

class RegistryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start()) << "redis-server did not start";
    registry_ = std::make_unique<kexport::testing::ServiceProcess>(
        KEXPORT_REGISTRY_BINARY, dir_.path(),
        std::vector<std::string>{"--redis_addr=" + redis_.address(),
                                 "--shutdown_grace=2s"});
    ASSERT_TRUE(registry_->Start()) << registry_->ReadLog();
    Connect();
  }

  // A new stub on the current channel (after a restart).
  void Connect() { stub_ = FirmRegistry::NewStub(registry_->channel()); }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-kexport-actor", "test-operator");
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(30));
    return context;
  }

  grpc::Status CreateFirm(const Firm& firm, const std::string& request_id,
                          Firm* created) {
    v1::CreateFirmRequest request;
    *request.mutable_firm() = firm;
    request.set_request_id(request_id);
    return stub_->CreateFirm(Context().get(), request, created);
  }

  // Creates a sample firm and fails the test if that does not work.
  Firm MustCreate(const std::string& brn) {
    Firm created;
    grpc::Status status = CreateFirm(kexport::testing::SampleFirm(brn),
                                     "create-" + brn, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::Status GetFirm(const std::string& brn, Firm* firm) {
    v1::GetFirmRequest request;
    request.set_name("firms/" + brn);
    return stub_->GetFirm(Context().get(), request, firm);
  }

  v1::ListFirmsResponse ListAll() {
    v1::ListFirmsRequest request;
    request.set_page_size(1000);
    v1::ListFirmsResponse response;
    grpc::Status status = stub_->ListFirms(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  int ChangeCount(const std::string& brn) {
    v1::ListFirmChangesRequest request;
    request.set_parent("firms/" + brn);
    request.set_page_size(1000);
    v1::ListFirmChangesResponse response;
    grpc::Status status =
        stub_->ListFirmChanges(Context().get(), request, &response);
    return status.ok() ? response.changes_size() : -1;
  }

  kexport::testing::TempDir dir_;
  kexport::testing::RedisServer redis_{dir_.path()};
  std::unique_ptr<kexport::testing::ServiceProcess> registry_;
  std::unique_ptr<FirmRegistry::Stub> stub_;
};

}  // namespace kexport::registry
