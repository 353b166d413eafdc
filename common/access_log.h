// The access log: one line per call with its method, request id
// (`x-request-id` metadata), status code and latency; nothing from the
// request body, so no personal data reaches the logs. The call interceptor
// writes it for most methods; the raw methods, which skip the interceptor
// (FinishRaw in common/unary.h), write their own.
//
//   AccessLog(method, RequestIdOf(context->client_metadata()), status, start);
#pragma once

#include <map>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "grpcpp/support/string_ref.h"

namespace kexport {

inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

// The call's request id, "" when it has none; bounded so that a hostile
// header cannot flood the log.
absl::string_view RequestIdOf(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

void AccessLog(absl::string_view method, absl::string_view request_id,
               const grpc::Status& status, absl::Time start);

// INVALID_ARGUMENT, reason MALFORMED_REQUEST: the request did not parse as
// `request_type` (e.g. a string field that is not valid UTF-8).
grpc::Status MalformedRequest(absl::string_view request_type);

}  // namespace kexport
