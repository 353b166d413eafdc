// The registry when its surroundings fail: Redis dies or hangs, the process
// is killed without warning, or asked to stop.
#include <signal.h>
#include <sys/wait.h>

#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/registry/registry_fixture.h"

namespace kexport::registry {
namespace {

using kexport::testing::SampleBrn;
using kexport::testing::WaitUntil;

using RegistryResilienceTest = RegistryFixture;

std::string CacheKey(const std::string& brn) {
  return "kexport:registry:firm:" + brn;
}

grpc::Status Rename(FirmRegistry::Stub& stub, grpc::ClientContext* context,
                    const std::string& brn, const std::string& name_en,
                    const std::string& request_id, Firm* updated) {
  v1::UpdateFirmRequest request;
  request.mutable_firm()->set_name("firms/" + brn);
  request.mutable_firm()->set_legal_name_en(name_en);
  request.mutable_update_mask()->add_paths("legal_name_en");
  request.set_request_id(request_id);
  return stub.UpdateFirm(context, request, updated);
}

TEST_F(RegistryResilienceTest, RedisKilledThenBackServesFreshFirms) {
  std::string brn = SampleBrn(1);
  MustCreate(brn);
  Firm read;
  ASSERT_TRUE(GetFirm(brn, &read).ok());
  ASSERT_TRUE(redis_.Get(CacheKey(brn)).has_value());

  redis_.Kill();
  // Reads and writes go on against the database.
  Firm updated;
  ASSERT_TRUE(Rename(*stub_, Context().get(), brn, "While Down", "down-1",
                     &updated).ok());
  ASSERT_TRUE(GetFirm(brn, &read).ok());
  EXPECT_EQ(read.legal_name_en(), "While Down");
  Firm created = MustCreate(SampleBrn(2));
  EXPECT_FALSE(created.name().empty());

  ASSERT_TRUE(redis_.Start());
  // After reconnecting (backoff) the cache fills again, with the new version.
  EXPECT_TRUE(WaitUntil(
      [&] {
        Firm again;
        EXPECT_TRUE(GetFirm(brn, &again).ok());
        EXPECT_EQ(again.legal_name_en(), "While Down");
        return redis_.Get(CacheKey(brn)).has_value();
      },
      absl::Seconds(15)));
  Firm cached;
  ASSERT_TRUE(cached.ParseFromString(*redis_.Get(CacheKey(brn))));
  EXPECT_EQ(cached.legal_name_en(), "While Down");
  EXPECT_EQ(cached.etag(), updated.etag());
}

TEST_F(RegistryResilienceTest, HungRedisNeverServesAStaleFirm) {
  std::string brn = SampleBrn(1);
  MustCreate(brn);
  Firm read;
  ASSERT_TRUE(GetFirm(brn, &read).ok());
  ASSERT_TRUE(redis_.Get(CacheKey(brn)).has_value());

  // Redis hangs holding the old firm; the write commits and its invalidation
  // cannot be delivered.
  redis_.Pause();
  Firm updated;
  ASSERT_TRUE(
      Rename(*stub_, Context().get(), brn, "New Name", "hung-1", &updated).ok());
  ASSERT_TRUE(GetFirm(brn, &read).ok());
  EXPECT_EQ(read.legal_name_en(), "New Name");
  redis_.Resume();

  // Redis is back, possibly still holding the old entry: every read must
  // show the new name, and the cache ends up holding the new version.
  EXPECT_TRUE(WaitUntil(
      [&] {
        Firm again;
        EXPECT_TRUE(GetFirm(brn, &again).ok());
        EXPECT_EQ(again.legal_name_en(), "New Name");
        std::optional<std::string> cached = redis_.Get(CacheKey(brn));
        Firm firm;
        return cached.has_value() && firm.ParseFromString(*cached) &&
               firm.etag() == updated.etag();
      },
      absl::Seconds(15)));
}

// Only this service writes its keys in Redis, but what Redis hands back is
// checked before it is served: damaged bytes, or another firm, are a miss
// and the refill replaces them.
TEST_F(RegistryResilienceTest, ADamagedOrWrongCacheEntryIsNeverServed) {
  const std::string brn = SampleBrn(1);
  const std::string other = SampleBrn(2);
  MustCreate(brn);
  MustCreate(other);
  Firm read;
  ASSERT_TRUE(GetFirm(other, &read).ok());
  std::optional<std::string> other_bytes = redis_.Get(CacheKey(other));
  ASSERT_TRUE(other_bytes.has_value());
  for (const std::string& planted : {std::string("\xff damaged"), *other_bytes}) {
    ASSERT_TRUE(GetFirm(brn, &read).ok());
    ASSERT_TRUE(redis_.Set(CacheKey(brn), planted));
    // The registry hears of the change and reads Redis again, until its
    // refill has replaced the planted value; every read meanwhile must be
    // the firm asked for.
    EXPECT_TRUE(WaitUntil(
        [&] {
          grpc::Status status = GetFirm(brn, &read);
          EXPECT_TRUE(status.ok()) << status.error_message();
          EXPECT_EQ(read.brn(), brn);
          Firm cached;
          return cached.ParseFromString(redis_.Get(CacheKey(brn)).value_or("")) &&
                 cached.brn() == brn;
        },
        absl::Seconds(5)));
  }
}

TEST_F(RegistryResilienceTest, EveryAcknowledgedWriteSurvivesSigkill) {
  std::vector<Firm> acknowledged;
  for (int i = 0; i < 40; ++i) {
    acknowledged.push_back(MustCreate(SampleBrn(i)));
  }
  Firm updated;
  ASSERT_TRUE(Rename(*stub_, Context().get(), SampleBrn(3), "Renamed", "r-3",
                     &updated).ok());
  registry_->Signal(SIGKILL);
  ASSERT_TRUE(registry_->Wait(absl::Seconds(5)).has_value());
  // The cache could hide a lost write: empty it.
  redis_.Kill();
  ASSERT_TRUE(redis_.Start());

  ASSERT_TRUE(registry_->Start()) << registry_->ReadLog();
  Connect();
  EXPECT_EQ(ListAll().firms_size(), 40);
  for (const Firm& firm : acknowledged) {
    Firm read;
    ASSERT_TRUE(GetFirm(firm.brn(), &read).ok()) << firm.brn();
  }
  Firm renamed;
  ASSERT_TRUE(GetFirm(SampleBrn(3), &renamed).ok());
  EXPECT_EQ(renamed.legal_name_en(), "Renamed");
  EXPECT_EQ(renamed.etag(), updated.etag());
  // The idempotency record survived too: the retry is a replay.
  Firm replayed;
  ASSERT_TRUE(Rename(*stub_, Context().get(), SampleBrn(3), "Renamed", "r-3",
                     &replayed).ok());
  EXPECT_EQ(replayed.etag(), updated.etag());
  EXPECT_EQ(ChangeCount(SampleBrn(3)), 2);
}

TEST_F(RegistryResilienceTest, SigtermDrainsAndExitsCleanly) {
  MustCreate(SampleBrn(1));
  registry_->Signal(SIGTERM);
  std::optional<int> status = registry_->Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "did not stop within 10 s";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  std::string log = registry_->ReadLog();
  EXPECT_THAT(log, ::testing::HasSubstr("\"event\":\"stopping\""));
  EXPECT_THAT(log, ::testing::HasSubstr("\"event\":\"stopped\""));
  // What it acknowledged is there after a restart.
  ASSERT_TRUE(registry_->Start());
  Connect();
  Firm read;
  EXPECT_TRUE(GetFirm(SampleBrn(1), &read).ok());
}

TEST_F(RegistryResilienceTest, AccessLogHasRequestIdAndNoPersonalData) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "trace-abc-123");
  v1::CreateFirmRequest request;
  *request.mutable_firm() = kexport::testing::SampleFirm(SampleBrn(1));
  request.set_request_id("c-1");
  Firm created;
  ASSERT_TRUE(stub_->CreateFirm(&context, request, &created).ok());
  registry_->Signal(SIGTERM);
  ASSERT_TRUE(registry_->Wait(absl::Seconds(10)).has_value());
  std::string log = registry_->ReadLog();
  EXPECT_THAT(log, ::testing::HasSubstr(
                       "\"method\":\"/kexport.registry.v1.FirmRegistry/CreateFirm\""));
  EXPECT_THAT(log, ::testing::HasSubstr("\"request_id\":\"trace-abc-123\""));
  EXPECT_THAT(log, ::testing::HasSubstr("\"latency_us\":"));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(request.firm().representative())));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(request.firm().contact().email())));
}

TEST_F(RegistryResilienceTest, HealthReportsServingForTheRegistryService) {
  auto health = grpc::health::v1::Health::NewStub(registry_->channel());
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("kexport.registry.v1.FirmRegistry");
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace kexport::registry
