#include "common/errors.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"

namespace kexport {
namespace {

// Payload type URLs under which the details travel inside absl::Status.
constexpr char kReasonPayload[] = "type.kexport/reason";
// A google.rpc.ErrorInfo whose metadata is the error's.
constexpr char kMetadataPayload[] = "type.kexport/metadata";
constexpr char kViolationsPayload[] = "type.googleapis.com/google.rpc.BadRequest";

}  // namespace

void FieldViolations::AddFrom(const absl::Status& status) {
  for (FieldViolation& violation : ErrorFieldViolations(status)) {
    violations_.push_back(std::move(violation));
  }
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) {
    return absl::OkStatus();
  }
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  size_t reported = std::min(violations_.size(), kMaxReported);
  for (size_t i = 0; i < reported; ++i) {
    auto* out = bad_request.add_field_violations();
    out->set_field(violations_[i].field);
    out->set_description(violations_[i].reason);
    parts.push_back(absl::StrCat(violations_[i].field, ": ", violations_[i].reason));
  }
  if (violations_.size() > reported) {
    parts.push_back(absl::StrCat("and ", violations_.size() - reported,
                                 " more problems"));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  status.SetPayload(kViolationsPayload,
                    absl::Cord(bad_request.SerializeAsString()));
  status.SetPayload(kReasonPayload, absl::Cord("INVALID_FIELD"));
  return status;
}

absl::Status InvalidFieldError(absl::string_view field,
                               absl::string_view reason) {
  FieldViolations violations;
  violations.Add(std::string(field), std::string(reason));
  return violations.ToStatus();
}

absl::Status ReasonedError(absl::StatusCode code, absl::string_view reason,
                           absl::string_view message) {
  absl::Status status(code, message);
  status.SetPayload(kReasonPayload, absl::Cord(reason));
  return status;
}

absl::Status WithErrorMetadata(absl::Status status,
                               const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.mutable_metadata()->insert(metadata.begin(), metadata.end());
  status.SetPayload(kMetadataPayload, absl::Cord(info.SerializeAsString()));
  return status;
}

std::map<std::string, std::string> ErrorMetadata(const absl::Status& status) {
  std::map<std::string, std::string> metadata;
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kMetadataPayload);
      payload && info.ParseFromString(std::string(*payload))) {
    metadata.insert(info.metadata().begin(), info.metadata().end());
  }
  return metadata;
}

std::string ErrorReason(const absl::Status& status) {
  if (auto reason = status.GetPayload(kReasonPayload)) {
    return std::string(*reason);
  }
  return absl::AsciiStrToUpper(absl::StatusCodeToString(status.code()));
}

std::vector<FieldViolation> ErrorFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> result;
  auto payload = status.GetPayload(kViolationsPayload);
  if (!payload) {
    return result;
  }
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) {
    return result;
  }
  for (const auto& violation : bad_request.field_violations()) {
    result.push_back({violation.field(), violation.description()});
  }
  return result;
}

absl::Status AtCapacityError(size_t max_waiting) {
  return WithErrorMetadata(
      ReasonedError(absl::StatusCode::kUnavailable, "AT_CAPACITY",
                    absl::StrCat("the service is at capacity: all ", max_waiting,
                                 " places for waiting calls are taken; retry after a backoff")),
      {{"max_waiting_calls", absl::StrCat(max_waiting)}});
}

}  // namespace kexport
