#include "common/idempotency.h"

#include "gtest/gtest.h"
#include "kexport/registry/v1/registry.pb.h"

namespace kexport {
namespace {

using registry::v1::CloseFirmRequest;

TEST(IdempotencyTest, ValidatesRequestIds) {
  EXPECT_TRUE(ValidateRequestId("req-2026.01:a_b").ok());
  EXPECT_FALSE(ValidateRequestId("").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateRequestId("has space").ok());
}

TEST(IdempotencyTest, FingerprintIgnoresTheRequestIdOnly) {
  CloseFirmRequest a;
  a.set_name("firms/1248100998");
  a.set_reason("closed");
  a.set_request_id("one");
  CloseFirmRequest b = a;
  b.set_request_id("two");
  EXPECT_EQ(RequestFingerprint("CloseFirm", a), RequestFingerprint("CloseFirm", b));
  b.set_reason("other");
  EXPECT_NE(RequestFingerprint("CloseFirm", a), RequestFingerprint("CloseFirm", b));
  EXPECT_NE(RequestFingerprint("CloseFirm", a), RequestFingerprint("ReopenFirm", a));
}

TEST(IdempotencyTest, ReplayOfAnotherPayloadIsRefused) {
  AppliedRequest applied{"CloseFirm:abc", "response"};
  EXPECT_TRUE(CheckReplay(applied, "CloseFirm:abc").ok());
  EXPECT_EQ(CheckReplay(applied, "CloseFirm:abd").code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kexport
