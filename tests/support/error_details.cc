#include "tests/support/error_details.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace kexport::testing {

ErrorDetails ReadErrorDetails(const grpc::Status& status) {
  ErrorDetails result;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) {
    return result;
  }
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&info)) {
      result.reason = info.reason();
      result.domain = info.domain();
      result.metadata.insert(info.metadata().begin(), info.metadata().end());
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        result.fields.push_back(violation.field());
      }
    }
  }
  return result;
}

}  // namespace kexport::testing
