// Idempotent mutations. Every mutating request carries a client-chosen
// `request_id`; the store keeps each applied request's fingerprint and
// response, so a retry returns the first response and a reused id with a
// different payload is refused.
//
//   RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
//   std::string fingerprint = RequestFingerprint("UpdateFirm", request);
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace kexport {

// Required; 1-64 characters of [A-Za-z0-9._:-].
absl::Status ValidateRequestId(absl::string_view request_id);

// The method name and the request's bytes with `request_id` cleared.
std::string RequestFingerprint(absl::string_view method,
                               const google::protobuf::Message& request);

// What the store remembers of an applied request.
struct AppliedRequest {
  std::string fingerprint;
  // The serialized response returned the first time.
  std::string response;
};

// The first response when `applied` matches `fingerprint`, otherwise
// INVALID_ARGUMENT on `request_id`.
absl::Status CheckReplay(const AppliedRequest& applied,
                         absl::string_view fingerprint);

}  // namespace kexport
