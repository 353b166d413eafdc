#include "common/errors.h"

#include "common/grpc_status.h"
#include "gtest/gtest.h"
#include "tests/support/error_details.h"

namespace kexport {
namespace {

TEST(ErrorsTest, FieldViolationsBecomeBadRequestDetails) {
  FieldViolations violations;
  violations.Add("firm.brn", "check digit does not match");
  violations.Add("firm.ksic.code", "malformed");
  grpc::Status status = ToGrpcStatus(violations.ToStatus());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  testing::ErrorDetails details = testing::ReadErrorDetails(status);
  EXPECT_EQ(details.domain, "kexport");
  EXPECT_EQ(details.reason, "INVALID_FIELD");
  EXPECT_EQ(details.fields,
            (std::vector<std::string>{"firm.brn", "firm.ksic.code"}));
  EXPECT_NE(status.error_message().find("firm.brn: check digit"),
            std::string::npos);
}

TEST(ErrorsTest, ReasonTravelsAsErrorInfo) {
  grpc::Status status =
      ToGrpcStatus(NotFoundError("FIRM_NOT_FOUND", "firms/1 not found"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(testing::ReadErrorDetails(status).reason, "FIRM_NOT_FOUND");
}

TEST(ErrorsTest, PlainStatusGetsAReasonFromItsCode) {
  grpc::Status status = ToGrpcStatus(absl::UnavailableError("database busy"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(testing::ReadErrorDetails(status).reason, "UNAVAILABLE");
}

TEST(ErrorsTest, OkStaysOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(ErrorsTest, TheReasonReadsBackForTheAccessLog) {
  EXPECT_EQ(ErrorReasonOf(ToGrpcStatus(AtCapacityError(16))), "AT_CAPACITY");
  EXPECT_EQ(ErrorReasonOf(ToGrpcStatus(absl::UnavailableError("database busy"))), "UNAVAILABLE");
  // gRPC's own errors carry no details.
  EXPECT_EQ(ErrorReasonOf(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connect failed")), "");
  EXPECT_EQ(ErrorReasonOf(grpc::Status::OK), "");
}

TEST(ErrorsTest, AtCapacityTellsHowManyMayWait) {
  grpc::Status status = ToGrpcStatus(AtCapacityError(16));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(testing::ReadErrorDetails(status).metadata.at("max_waiting_calls"), "16");
}

}  // namespace
}  // namespace kexport
