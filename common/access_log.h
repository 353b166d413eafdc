// A server interceptor that writes one JSON log line per call: method,
// request id (`x-request-id` metadata), status code and latency. Nothing from
// the request body is logged, so no personal data reaches the logs.
#pragma once

#include "grpcpp/support/server_interceptor.h"

namespace kexport {

inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace kexport
