// A server interceptor that reports a request the server could not parse as
// INVALID_ARGUMENT (reason MALFORMED_REQUEST), as every other bad input is.
// gRPC 1.51 answers such a request to a callback method with UNIMPLEMENTED
// and no message, e.g. when a string field is not valid UTF-8; a method that
// really does not exist keeps its UNIMPLEMENTED.
#pragma once

#include "grpcpp/support/server_interceptor.h"

namespace kexport {

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace kexport
