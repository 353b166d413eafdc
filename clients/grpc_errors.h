// A downstream service's gRPC error as an absl::Status, its code kept (so
// UNAVAILABLE and DEADLINE_EXCEEDED reach the caller as such), the service
// named in the message.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/support/status.h"

namespace kexport::clients {

inline absl::Status FromGrpc(absl::string_view service, const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(service, ": ", status.error_message()));
}

}  // namespace kexport::clients
