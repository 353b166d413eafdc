// Idempotent mutations. Every mutating request carries a client-chosen
// `request_id`; the store keeps each applied request's fingerprint and
// response in the transaction of the change, so a retry returns the first
// response and a reused id with a different payload is refused.
//
//   RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
//   std::string fingerprint = RequestFingerprint("UpdateFirm", request);
//   return ApplyOnce<Firm>(lookup, request.request_id(), fingerprint,
//                          [&] { return DoUpdate(request); });
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// OK when `applied` was made by the same request (same fingerprint),
// otherwise INVALID_ARGUMENT on `request_id`.
absl::Status CheckReplay(const AppliedRequest& applied,
                         absl::string_view fingerprint);

// Finds what was recorded for an applied request id, if anything.
using AppliedRequestLookup =
    std::function<absl::StatusOr<std::optional<AppliedRequest>>(
        const std::string& request_id)>;

// The response recorded for `request_id` when this request was applied
// before; nullopt when it was not; INVALID_ARGUMENT when the id was used by
// another request.
template <typename Response>
absl::StatusOr<std::optional<Response>> RecordedResponse(
    const AppliedRequestLookup& lookup, const std::string& request_id,
    absl::string_view fingerprint) {
  absl::StatusOr<std::optional<AppliedRequest>> applied = lookup(request_id);
  if (!applied.ok()) {
    return applied.status();
  }
  if (!applied->has_value()) {
    return std::nullopt;
  }
  if (absl::Status same = CheckReplay(**applied, fingerprint); !same.ok()) {
    return same;
  }
  Response response;
  if (!response.ParseFromString((*applied)->response)) {
    return absl::DataLossError("a recorded response does not parse");
  }
  return response;
}

// Applies a mutation at most once per request id: a retry gets the recorded
// response without running `mutate`. When `mutate` fails because a
// concurrent copy of the same request won the race (the store refuses the
// second write), the winner's response is returned instead of the error.
template <typename Response>
absl::StatusOr<Response> ApplyOnce(
    const AppliedRequestLookup& lookup, const std::string& request_id,
    absl::string_view fingerprint,
    const std::function<absl::StatusOr<Response>()>& mutate) {
  absl::StatusOr<std::optional<Response>> earlier =
      RecordedResponse<Response>(lookup, request_id, fingerprint);
  if (!earlier.ok()) {
    return earlier.status();
  }
  if (earlier->has_value()) {
    return **earlier;
  }
  absl::StatusOr<Response> result = mutate();
  if (result.ok() || result.status().code() == absl::StatusCode::kInvalidArgument) {
    return result;
  }
  absl::StatusOr<std::optional<Response>> winner =
      RecordedResponse<Response>(lookup, request_id, fingerprint);
  if (winner.ok() && winner->has_value()) {
    return **winner;
  }
  return result;
}

}  // namespace kexport
