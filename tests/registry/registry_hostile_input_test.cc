// What a careless or hostile client can send the real registry: bytes that
// are not a valid message, unknown fields, hundreds of problems at once,
// and the same request many times at the same moment.
#include <thread>

#include "gmock/gmock.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/error_details.h"

namespace kexport::registry {
namespace {

using ::testing::ElementsAre;
using kexport::testing::ReadErrorDetails;
using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

using RegistryHostileInputTest = RegistryFixture;

// Protobuf C++ sends a string that is not UTF-8 (it only logs); the server
// cannot parse it.
constexpr char kNotUtf8[] = "\xff\xfe broken";

TEST_F(RegistryHostileInputTest, UnparseableRequestIsInvalidArgument) {
  Firm firm = SampleFirm(SampleBrn(1));
  firm.set_legal_name_ko(kNotUtf8);
  Firm created;
  grpc::Status status = CreateFirm(firm, "utf8", &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReadErrorDetails(status).reason, "MALFORMED_REQUEST");
  EXPECT_EQ(ListAll().firms_size(), 0);
}

// GetFirm parses its own request (it sends cached bytes as they are): an
// unparseable one is refused as by every other method.
TEST_F(RegistryHostileInputTest, UnparseableGetFirmIsInvalidArgument) {
  v1::GetFirmRequest request;
  request.set_name(std::string("firms/") + kNotUtf8);
  auto context = Context();
  Firm firm;
  grpc::Status status = stub_->GetFirm(context.get(), request, &firm);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReadErrorDetails(status).reason, "MALFORMED_REQUEST");
}

// The access log line tells the status the client got, with its request id.
TEST_F(RegistryHostileInputTest, TheAccessLogShowsWhatTheClientGot) {
  Firm firm = SampleFirm(SampleBrn(1));
  firm.set_legal_name_ko(kNotUtf8);
  v1::CreateFirmRequest request;
  *request.mutable_firm() = firm;
  request.set_request_id("logged");
  auto context = Context();
  context->AddMetadata("x-request-id", "trace-malformed-1");
  Firm created;
  ASSERT_EQ(stub_->CreateFirm(context.get(), request, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::string line =
      R"("method":"/kexport.registry.v1.FirmRegistry/CreateFirm","code":3,)";
  // Access lines are written in batches, every 50 ms.
  std::string log;
  for (int i = 0; i < 100 && log.find(line) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = registry_->ReadLog();
  }
  EXPECT_THAT(log, ::testing::HasSubstr(line));
  EXPECT_THAT(log, ::testing::HasSubstr(R"("request_id":"trace-malformed-1")"));
}

// GetFirm skips the call interceptor (it is a raw method) and writes its own
// access line: once per call (not twice, had the interceptor run too, nor
// never), with the status the client got.
TEST_F(RegistryHostileInputTest, GetFirmWritesOneAccessLinePerCall) {
  auto get = [&](const std::string& name, const std::string& request_id) {
    v1::GetFirmRequest request;
    request.set_name(name);
    auto context = Context();
    context->AddMetadata("x-request-id", request_id);
    Firm firm;
    return stub_->GetFirm(context.get(), request, &firm).error_code();
  };
  ASSERT_EQ(get("firms/" + SampleBrn(1), "trace-get-missing"), grpc::StatusCode::NOT_FOUND);
  ASSERT_EQ(get(std::string("firms/") + kNotUtf8, "trace-get-malformed"),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::string prefix = R"("method":"/kexport.registry.v1.FirmRegistry/GetFirm",)";
  const std::string missing = prefix + R"("code":5,)";
  const std::string malformed = prefix + R"("code":3,)";
  std::string log;
  for (int i = 0; i < 100 && log.find(malformed) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = registry_->ReadLog();
  }
  auto count = [&](const std::string& text) {
    int found = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
      ++found;
    }
    return found;
  };
  EXPECT_EQ(count(missing), 1);
  EXPECT_EQ(count(malformed), 1);
  EXPECT_EQ(count(R"("request_id":"trace-get-missing")"), 1);
  EXPECT_EQ(count(R"("request_id":"trace-get-malformed")"), 1);
}

TEST_F(RegistryHostileInputTest, UnparseableImportRowCutsTheStreamVisibly) {
  grpc::ClientContext context;
  v1::ImportFirmsResponse report;
  auto writer = stub_->ImportFirms(&context, &report);
  int sent = 0;
  for (int row = 0; row < 50; ++row) {
    v1::ImportFirmsRequest request;
    *request.mutable_firm() = SampleFirm(SampleBrn(row));
    if (row == 17) {
      request.mutable_firm()->set_representative(kNotUtf8);
    }
    if (!writer->Write(request)) {
      break;
    }
    ++sent;
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  // The server read rows 0-16; the count tells the client where to resume.
  EXPECT_EQ(report.received_count(), 17);
  EXPECT_EQ(report.imported_count(), 17);
  EXPECT_LT(report.received_count(), sent);
  EXPECT_EQ(ListAll().firms_size(), 17);
}

TEST_F(RegistryHostileInputTest, UnknownFieldsAreNotStored) {
  Firm firm = SampleFirm(SampleBrn(1));
  firm.GetReflection()->MutableUnknownFields(&firm)->AddLengthDelimited(
      999, std::string(100000, 'x'));
  Firm created;
  ASSERT_TRUE(CreateFirm(firm, "unknown", &created).ok());
  Firm read;
  ASSERT_TRUE(GetFirm(firm.brn(), &read).ok());
  EXPECT_EQ(read.GetReflection()->GetUnknownFields(read).field_count(), 0);
  EXPECT_LT(read.ByteSizeLong(), 2000u);
}

TEST_F(RegistryHostileInputTest, HundredsOfProblemsStillMakeOneClearError) {
  Firm firm = SampleFirm(SampleBrn(1));
  for (int i = 0; i < 50; ++i) {
    firm.add_certifications();  // each missing type, number, issuer, date
  }
  for (int i = 0; i < 1000; ++i) {
    firm.add_sectors("NOT A SECTOR");
  }
  Firm created;
  grpc::Status status = CreateFirm(firm, "many", &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  testing::ErrorDetails details = ReadErrorDetails(status);
  EXPECT_EQ(details.fields.front(), "firm.sectors");
  EXPECT_EQ(details.fields.size(), 20u);
  EXPECT_NE(status.error_message().find("more problems"), std::string::npos);
}

TEST_F(RegistryHostileInputTest, EveryBadFieldKindIsNamed) {
  struct Case {
    std::string field;
    std::function<void(Firm&)> spoil;
  };
  std::vector<Case> cases = {
      {"firm.needs[0]",
       [](Firm& f) {
         f.clear_needs();
         f.add_needs(static_cast<v1::Need>(42));
       }},
      {"firm.certifications[0].valid_until",
       [](Firm& f) {
         auto* c = f.add_certifications();
         c->set_type(v1::CERTIFICATION_TYPE_VENTURE);
         c->set_number("V-1");
         c->set_issuer("KVCA");
         c->mutable_valid_from()->set_year(2025);
         c->mutable_valid_from()->set_month(6);
         c->mutable_valid_from()->set_day(1);
         c->mutable_valid_until()->set_year(2024);
         c->mutable_valid_until()->set_month(6);
         c->mutable_valid_until()->set_day(1);
       }},
      {"firm.contact.address",
       [](Firm& f) { f.mutable_contact()->set_address(std::string(301, 'a')); }},
      {"firm.procurement_history.contract_count",
       [](Firm& f) { f.mutable_procurement_history()->set_contract_count(-1); }},
      {"firm.growth_stage",
       [](Firm& f) { f.set_growth_stage(static_cast<v1::GrowthStage>(7)); }},
      {"firm.ksic.revision", [](Firm& f) { f.mutable_ksic()->set_revision(0); }},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Firm firm = SampleFirm(SampleBrn(static_cast<int64_t>(i)));
    cases[i].spoil(firm);
    Firm created;
    grpc::Status status = CreateFirm(firm, "kind-" + std::to_string(i), &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << cases[i].field;
    EXPECT_THAT(ReadErrorDetails(status).fields, ElementsAre(cases[i].field));
  }
  EXPECT_EQ(ListAll().firms_size(), 0);
}

TEST_F(RegistryHostileInputTest, ConcurrentCopiesOfOneRequestAllGetTheFirstResult) {
  Firm base = MustCreate(SampleBrn(1));
  constexpr int kCopies = 8;
  auto same_request_at_once = [&](auto call) {
    std::vector<std::thread> threads;
    std::vector<grpc::Status> statuses(kCopies);
    std::vector<Firm> results(kCopies);
    for (int i = 0; i < kCopies; ++i) {
      threads.emplace_back([&, i] { statuses[i] = call(&results[i]); });
    }
    for (std::thread& thread : threads) thread.join();
    for (int i = 0; i < kCopies; ++i) {
      EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
      EXPECT_EQ(results[i].etag(), results[0].etag()) << i;
    }
  };
  // Creating a new firm.
  Firm fresh = SampleFirm(SampleBrn(2));
  same_request_at_once([&](Firm* out) { return CreateFirm(fresh, "create-2x", out); });
  // Updating without an etag.
  v1::UpdateFirmRequest update;
  update.mutable_firm()->set_name(base.name());
  update.mutable_firm()->set_legal_name_en("Raced Name");
  update.mutable_update_mask()->add_paths("legal_name_en");
  update.set_request_id("update-2x");
  same_request_at_once([&](Firm* out) {
    return stub_->UpdateFirm(Context().get(), update, out);
  });
  // Closing.
  v1::CloseFirmRequest close;
  close.set_name(base.name());
  close.set_reason("ceased trading");
  close.set_request_id("close-2x");
  same_request_at_once([&](Firm* out) {
    return stub_->CloseFirm(Context().get(), close, out);
  });
  // One history entry each: create, update, close.
  EXPECT_EQ(ChangeCount(base.brn()), 3);
  EXPECT_EQ(ChangeCount(fresh.brn()), 1);
}

}  // namespace
}  // namespace kexport::registry
