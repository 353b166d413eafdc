// The server interceptor every call passes. It writes the call's access log
// line: method, request id (`x-request-id` metadata), status code and
// latency; nothing from the request body, so no personal data reaches the
// logs. And it reports a request the server could not parse as
// INVALID_ARGUMENT (reason MALFORMED_REQUEST), as every other bad input is:
// gRPC 1.51 answers such a request to a callback method with UNIMPLEMENTED
// and no message, e.g. when a string field is not valid UTF-8, while a method
// that really does not exist keeps its UNIMPLEMENTED.
//
// One interceptor for both, not one each: gRPC calls every interceptor at
// every hook point of every call, which for a cache hit costs as much as the
// call's own work (docs/performance.md).
#pragma once

#include "grpcpp/support/server_interceptor.h"

namespace kexport {

inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

class CallInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace kexport
