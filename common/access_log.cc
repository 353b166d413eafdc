#include "common/access_log.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/json_log.h"

namespace kexport {

absl::string_view RequestIdOf(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  auto it = metadata.find(kRequestIdMetadataKey);
  if (it == metadata.end()) return "";
  return absl::string_view(it->second.data(), std::min<size_t>(it->second.size(), 128));
}

void AccessLog(absl::string_view method, absl::string_view request_id,
               const grpc::Status& status, absl::Time start) {
  JsonLog log(status.ok() ? "info" : "warn", "rpc");
  log.Add("method", method)
      .Add("code", static_cast<int64_t>(status.error_code()))
      .Add("latency_us", absl::ToInt64Microseconds(absl::Now() - start));
  if (!request_id.empty()) log.Add("request_id", request_id);
  // Which of a code's causes it was, e.g. UNAVAILABLE's AT_CAPACITY.
  if (std::string reason = ErrorReasonOf(status); !reason.empty()) log.Add("reason", reason);
  log.EmitSoon();
}

grpc::Status MalformedRequest(absl::string_view request_type) {
  return ToGrpcStatus(ReasonedError(
      absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
      absl::StrCat("the request is not a valid ", request_type,
                   " (is every string valid UTF-8?)")));
}

}  // namespace kexport
