// Conversion of absl::Status to grpc::Status at the service boundary, with
// google.rpc.ErrorInfo (domain `kexport`) and google.rpc.BadRequest in the
// binary error details so any gRPC client can read them.
//
//   return reactor->Finish(ToGrpcStatus(result.status()));
#pragma once

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace kexport {

inline constexpr char kErrorDomain[] = "kexport";

grpc::Status ToGrpcStatus(const absl::Status& status);

// The ErrorInfo reason a status built by ToGrpcStatus carries; empty for OK
// or a status without one (gRPC's own).
std::string ErrorReasonOf(const grpc::Status& status);

}  // namespace kexport
