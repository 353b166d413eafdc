// The real kexport-designation over gRPC, asking the real kexport-registry,
// with a real Redis: the whole pipeline, the cached look-up and revocation,
// an ineligible firm, the registry going away, and SIGKILL.
#include <signal.h>

#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "clients/designation_directory.h"
#include "common/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kexport/designation/v1/designation.grpc.pb.h"
#include "kexport/registry/v1/registry.grpc.pb.h"
#include "tests/support/error_details.h"
#include "tests/support/redis_server.h"
#include "tests/support/sample_firms.h"
#include "tests/support/service_process.h"

namespace kexport::designation {
namespace {

using kexport::testing::ReadErrorDetails;
using kexport::testing::SampleBrn;
using kexport::testing::SampleFirm;

// A day about two months ago: evidence the service counts whenever the
// tests run (its look-back is three years back from the real today).
google::type::Date RecentDay() {
  absl::CivilDay day =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(9 * 3600)) - 60;
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

class DesignationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start());
    registry_ = std::make_unique<kexport::testing::ServiceProcess>(
        KEXPORT_REGISTRY_BINARY, registry_dir_.path(),
        std::vector<std::string>{"--redis_addr=" + redis_.address()});
    ASSERT_TRUE(registry_->Start()) << registry_->ReadLog();
    designation_ = std::make_unique<kexport::testing::ServiceProcess>(
        KEXPORT_DESIGNATION_BINARY, designation_dir_.path(),
        std::vector<std::string>{
            "--redis_addr=" + redis_.address(), "--registry_addr=" + registry_->address(),
            "--registry_timeout=1s", "--shutdown_grace=2s",
            "--policy_file=" KEXPORT_SOURCE_DIR "/config/designation-policy.json",
            "--incentives_file=" KEXPORT_SOURCE_DIR "/config/grade-incentives.json"});
    ASSERT_TRUE(designation_->Start()) << designation_->ReadLog();
    Connect();
    firms_ = registry::v1::FirmRegistry::NewStub(registry_->channel());
  }

  void Connect() { stub_ = v1::Designations::NewStub(designation_->channel()); }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& actor = "operator") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("x-kexport-actor", actor);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  std::string RegisterFirm(int n) {
    registry::v1::CreateFirmRequest request;
    *request.mutable_firm() = SampleFirm(SampleBrn(n));
    request.set_request_id("firm-" + std::to_string(n));
    registry::v1::Firm firm;
    EXPECT_TRUE(firms_->CreateFirm(Context().get(), request, &firm).ok());
    return firm.name();
  }

  v1::SubmitDesignationApplicationRequest Application(const std::string& firm,
                                                      const std::string& request_id) {
    v1::SubmitDesignationApplicationRequest request;
    request.mutable_application()->set_firm(firm);
    request.mutable_application()->set_kind(v1::DESIGNATION_KIND_NEW);
    auto* bid = request.mutable_application()->mutable_evidence()->add_overseas_bids();
    bid->set_buyer_kind(v1::BUYER_KIND_UN_AGENCY);
    bid->set_buyer("UNICEF Supply Division");
    bid->set_country_code("DK");
    bid->set_reference("LRFP-2026-7");
    *bid->mutable_date() = RecentDay();
    bid->set_evidence_ref("receipt-7");
    request.set_request_id(request_id);
    return request;
  }

  // Through the whole pipeline to an approved designation.
  v1::DesignationApplication Approve(const std::string& firm) {
    const std::string brn = firm.substr(sizeof("firms/") - 1);
    v1::DesignationApplication application;
    EXPECT_TRUE(stub_->SubmitDesignationApplication(
                         Context().get(), Application(firm, "submit-" + brn), &application)
                    .ok());
    for (const char* reviewer : {"reviewer-1", "reviewer-2"}) {
      v1::SubmitReviewRequest review;
      review.set_name(application.name());
      review.set_request_id(std::string("review-") + reviewer + brn);
      for (auto [id, points] : {std::pair<const char*, int>{"market-entry-will", 35},
                                {"export-capability", 25}, {"export-effort", 24}}) {
        auto* score = review.mutable_review()->add_scores();
        score->set_criterion_id(id);
        score->set_points(points);
      }
      EXPECT_TRUE(stub_->SubmitReview(Context(reviewer).get(), review, &application).ok());
    }
    v1::DecideDesignationApplicationRequest decide;
    decide.set_name(application.name());
    decide.set_outcome(v1::DECISION_OUTCOME_APPROVE);
    decide.set_reason("committee 2026-11");
    decide.set_request_id("decide-" + brn);
    grpc::Status status =
        stub_->DecideDesignationApplication(Context("committee").get(), decide, &application);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return application;
  }

  v1::GetFirmDesignationResponse LookUp(const std::string& firm) {
    v1::GetFirmDesignationRequest request;
    request.set_firm(firm);
    v1::GetFirmDesignationResponse response;
    EXPECT_TRUE(stub_->GetFirmDesignation(Context().get(), request, &response).ok());
    return response;
  }

  kexport::testing::TempDir registry_dir_;
  kexport::testing::TempDir designation_dir_;
  kexport::testing::RedisServer redis_{registry_dir_.path()};
  std::unique_ptr<kexport::testing::ServiceProcess> registry_;
  std::unique_ptr<kexport::testing::ServiceProcess> designation_;
  std::unique_ptr<v1::Designations::Stub> stub_;
  std::unique_ptr<registry::v1::FirmRegistry::Stub> firms_;
};

TEST_F(DesignationServiceTest, ApprovedThenRevokedIsNeverReportedDesignatedAfter) {
  const std::string firm = RegisterFirm(1);
  v1::DesignationApplication approved = Approve(firm);
  ASSERT_EQ(approved.state(), v1::DESIGNATION_APPLICATION_STATE_APPROVED);
  v1::GetFirmDesignationResponse first = LookUp(firm);
  ASSERT_TRUE(first.designated());
  EXPECT_EQ(first.designation().grade(), v1::GRADE_B);
  // Served again from the cache.
  EXPECT_TRUE(LookUp(firm).designated());

  v1::RevokeDesignationRequest revoke;
  revoke.set_name(approved.designation());
  revoke.set_ground(v1::REVOCATION_GROUND_FRAUD);
  revoke.set_reason("false export contract in evidence");
  revoke.set_request_id("revoke-1");
  v1::Designation revoked;
  ASSERT_TRUE(stub_->RevokeDesignation(Context().get(), revoke, &revoked).ok());
  EXPECT_EQ(revoked.state(), v1::DESIGNATION_STATE_REVOKED);
  EXPECT_FALSE(LookUp(firm).designated());

  grpc::Status twice = stub_->RevokeDesignation(
      Context().get(), [&] { revoke.set_request_id("revoke-2"); return revoke; }(), &revoked);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(twice).metadata["state"], "DESIGNATION_STATE_REVOKED");
}

// Only this service writes its keys in Redis, but what Redis hands back is
// checked before it is served: a value under one firm's key that is another
// firm's answer is a miss, and the refill replaces it.
TEST_F(DesignationServiceTest, ACachedLookUpOfAnotherFirmIsNeverServed) {
  const std::string designated = RegisterFirm(5);
  const std::string other = RegisterFirm(6);
  Approve(designated);
  ASSERT_TRUE(LookUp(designated).designated());
  ASSERT_FALSE(LookUp(other).designated());
  const absl::CivilDay day = KoreanDay(absl::Now());
  const std::string today = absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
  auto key = [&](const std::string& firm) {
    return "kexport:designation:firm-designation:" + firm + ":" + today;
  };
  std::optional<std::string> designated_bytes = redis_.Get(key(designated));
  ASSERT_TRUE(designated_bytes.has_value());
  ASSERT_TRUE(redis_.Set(key(other), *designated_bytes));
  // The service hears of the change and reads Redis again, until its refill
  // has replaced the planted value; every read meanwhile must be the other
  // firm's own answer.
  EXPECT_TRUE(kexport::testing::WaitUntil(
      [&] {
        v1::GetFirmDesignationResponse read = LookUp(other);
        EXPECT_EQ(read.firm(), other);
        EXPECT_FALSE(read.designated());
        v1::GetFirmDesignationResponse cached;
        return cached.ParseFromString(redis_.Get(key(other)).value_or("")) &&
               cached.firm() == other;
      },
      absl::Seconds(5)));
}

// The client the applications service checks eligibility with.
TEST_F(DesignationServiceTest, TheDirectoryClientReportsTheDesignationInForce) {
  clients::GrpcDesignationDirectory directory(designation_->address(), absl::Seconds(2),
                                              "applications");
  const std::string firm = RegisterFirm(4);
  auto before = directory.InForce(firm);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->has_value());

  v1::DesignationApplication approved = Approve(firm);
  auto after = directory.InForce(firm);
  ASSERT_TRUE(after.ok() && after->has_value()) << after.status();
  EXPECT_EQ((*after)->name(), approved.designation());
  EXPECT_EQ((*after)->grade(), v1::GRADE_B);
  auto incentives = directory.Incentives((*after)->grade());
  ASSERT_TRUE(incentives.ok()) << incentives.status();
  EXPECT_EQ(incentives->grade(), v1::GRADE_B);
  EXPECT_FALSE(incentives->incentives().empty());

  designation_->Kill();
  auto down = directory.InForce(firm);
  EXPECT_TRUE(absl::IsUnavailable(down.status()) || absl::IsDeadlineExceeded(down.status()))
      << down.status();
}

TEST_F(DesignationServiceTest, EveryPipelinePathThroughTheRealServices) {
  auto submit = [&](int n, bool evidence, bool pilot) {
    v1::SubmitDesignationApplicationRequest request =
        Application(RegisterFirm(n), "paths-" + std::to_string(n));
    if (!evidence) {
      request.mutable_application()->clear_evidence();
    }
    if (pilot) {
      auto* p = request.mutable_application()->mutable_evidence()->add_overseas_pilots();
      p->set_product("Smart meter");
      p->set_host("Kenya Power");
      p->set_country_code("KE");
      p->set_outcome(v1::PILOT_OUTCOME_SUCCEEDED);
      *p->mutable_concluded_on() = RecentDay();
      p->set_evidence_ref("acceptance letter");
    }
    v1::DesignationApplication application;
    grpc::Status status =
        stub_->SubmitDesignationApplication(Context().get(), request, &application);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return application;
  };
  auto review = [&](const v1::DesignationApplication& application, const char* reviewer,
                    int points) {
    v1::SubmitReviewRequest request;
    request.set_name(application.name());
    request.set_request_id(std::string("score-") + reviewer + application.name().substr(24));
    for (const char* id : {"market-entry-will", "export-capability", "export-effort"}) {
      auto* score = request.mutable_review()->add_scores();
      score->set_criterion_id(id);
      score->set_points(points);
    }
    v1::DesignationApplication out;
    EXPECT_TRUE(stub_->SubmitReview(Context(reviewer).get(), request, &out).ok());
    return out;
  };
  EXPECT_EQ(submit(10, false, false).state(),
            v1::DESIGNATION_APPLICATION_STATE_PRESCREEN_FAILED);
  v1::DesignationApplication weak = submit(11, true, false);
  review(weak, "reviewer-1", 10);
  EXPECT_EQ(review(weak, "reviewer-2", 10).state(),
            v1::DESIGNATION_APPLICATION_STATE_FIRST_REVIEW_FAILED);
  v1::DesignationApplication fast = submit(12, true, true);
  EXPECT_TRUE(fast.fast_track());
  ASSERT_EQ(fast.state(), v1::DESIGNATION_APPLICATION_STATE_IN_COMMITTEE);
  v1::DecideDesignationApplicationRequest decide;
  decide.set_name(fast.name());
  decide.set_outcome(v1::DECISION_OUTCOME_REJECT);
  decide.set_reason("not yet");
  decide.set_request_id("reject-12");
  v1::DesignationApplication rejected;
  ASSERT_TRUE(stub_->DecideDesignationApplication(Context("committee").get(), decide,
                                                  &rejected).ok());
  EXPECT_EQ(rejected.state(), v1::DESIGNATION_APPLICATION_STATE_REJECTED);
  // A stale etag is refused; deciding a final application is too.
  decide.set_request_id("reject-12-again");
  decide.set_etag(fast.etag());
  EXPECT_EQ(stub_->DecideDesignationApplication(Context("committee").get(), decide,
                                                &rejected).error_code(),
            grpc::StatusCode::ABORTED);
  decide.clear_etag();
  EXPECT_EQ(stub_->DecideDesignationApplication(Context("committee").get(), decide,
                                                &rejected).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

// The service asks the registry from inside its call handlers: many such
// calls at once must all be answered (a look-up waiting for an answer that
// only the handler threads it holds could deliver would hang them all).
TEST_F(DesignationServiceTest, ConcurrentSubmissionsAskingTheRegistryAllFinish) {
  constexpr int kFirms = 8;
  std::vector<std::string> firms;
  for (int n = 0; n < kFirms; ++n) firms.push_back(RegisterFirm(40 + n));
  std::vector<grpc::Status> statuses(kFirms);
  std::vector<std::thread> callers;
  for (int n = 0; n < kFirms; ++n) {
    callers.emplace_back([&, n] {
      v1::DesignationApplication application;
      statuses[n] = stub_->SubmitDesignationApplication(
          Context().get(), Application(firms[n], "concurrent-" + std::to_string(n)),
          &application);
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (int n = 0; n < kFirms; ++n) {
    EXPECT_TRUE(statuses[n].ok()) << firms[n] << ": " << statuses[n].error_message();
  }
}

// GetFirmDesignation parses its own request (it sends cached bytes as they
// are): an unparseable one is refused as by every other method.
TEST_F(DesignationServiceTest, UnparseableFirmLookUpIsInvalidArgument) {
  v1::GetFirmDesignationRequest request;
  request.set_firm("firms/\xff\xfe");  // not UTF-8: the server cannot parse it
  v1::GetFirmDesignationResponse response;
  grpc::Status status = stub_->GetFirmDesignation(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ReadErrorDetails(status).reason, "MALFORMED_REQUEST");
}

TEST_F(DesignationServiceTest, AClosedFirmIsNotEligible) {
  const std::string firm = RegisterFirm(2);
  registry::v1::CloseFirmRequest close;
  close.set_name(firm);
  close.set_reason("business closed");
  close.set_request_id("close-2");
  registry::v1::Firm closed;
  ASSERT_TRUE(firms_->CloseFirm(Context().get(), close, &closed).ok());
  v1::DesignationApplication application;
  grpc::Status status = stub_->SubmitDesignationApplication(
      Context().get(), Application(firm, "submit-closed"), &application);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReadErrorDetails(status).reason, "FIRM_NOT_ELIGIBLE");
  EXPECT_EQ(ReadErrorDetails(status).metadata["checks"], "firm-active");

  v1::SubmitDesignationApplicationRequest bad = Application("firms/123", "bad");
  status = stub_->SubmitDesignationApplication(Context().get(), bad, &application);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ReadErrorDetails(status).fields, ::testing::Contains("application.firm"));
}

TEST_F(DesignationServiceTest, RegistryDownFailsInTimeRecordsNothingAndARetryAppliesOnce) {
  const std::string firm = RegisterFirm(3);
  registry_->Kill();
  v1::DesignationApplication application;
  absl::Time start = absl::Now();
  grpc::Status down = stub_->SubmitDesignationApplication(
      Context().get(), Application(firm, "submit-while-down"), &application);
  EXPECT_TRUE(down.error_code() == grpc::StatusCode::UNAVAILABLE ||
              down.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
      << down.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  v1::ListDesignationApplicationsRequest list;
  v1::ListDesignationApplicationsResponse listed;
  ASSERT_TRUE(stub_->ListDesignationApplications(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.applications_size(), 0);

  ASSERT_TRUE(registry_->Start());
  grpc::Status status;
  for (int attempt = 0; attempt < 50; ++attempt) {
    status = stub_->SubmitDesignationApplication(
        Context().get(), Application(firm, "submit-while-down"), &application);
    if (status.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::DesignationApplication again;
  ASSERT_TRUE(stub_->SubmitDesignationApplication(
                  Context().get(), Application(firm, "submit-while-down"), &again)
                  .ok());
  EXPECT_EQ(again.name(), application.name());
  ASSERT_TRUE(stub_->ListDesignationApplications(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.applications_size(), 1);
}

TEST_F(DesignationServiceTest, SigkillLosesNothingAcknowledged) {
  const std::string firm = RegisterFirm(4);
  v1::DesignationApplication approved = Approve(firm);
  designation_->Signal(SIGKILL);
  ASSERT_TRUE(designation_->Wait(absl::Seconds(5)).has_value());
  ASSERT_TRUE(designation_->Start()) << designation_->ReadLog();
  Connect();
  v1::GetDesignationRequest get;
  get.set_name(approved.designation());
  v1::Designation designation;
  ASSERT_TRUE(stub_->GetDesignation(Context().get(), get, &designation).ok());
  EXPECT_EQ(designation.state(), v1::DESIGNATION_STATE_ACTIVE);
  EXPECT_EQ(designation.application(), approved.name());
  EXPECT_TRUE(LookUp(firm).designated());
}

}  // namespace
}  // namespace kexport::designation
