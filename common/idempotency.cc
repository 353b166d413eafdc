#include "common/idempotency.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/proto_bytes.h"
#include "google/protobuf/descriptor.h"

namespace kexport {

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) {
    return InvalidFieldError("request_id",
                             "required: a client-chosen idempotency key");
  }
  if (request_id.size() > 64) {
    return InvalidFieldError("request_id", "at most 64 characters");
  }
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != ':' && c != '-') {
      return InvalidFieldError("request_id",
                               "only letters, digits and . _ : - are allowed");
    }
  }
  return absl::OkStatus();
}

std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  return absl::StrCat(method, ":", DeterministicBytes(*copy));
}

absl::Status CheckReplay(const AppliedRequest& applied,
                         absl::string_view fingerprint) {
  if (applied.fingerprint != fingerprint) {
    return InvalidFieldError(
        "request_id", "already used for a different request; use a new id");
  }
  return absl::OkStatus();
}

}  // namespace kexport
