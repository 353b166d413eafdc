// The server interceptor calls pass, except those of the methods that log
// themselves (raw methods: FinishRaw in common/unary.h). It writes the
// call's access log line (common/access_log.h). And it reports a request the
// server could not parse as
// INVALID_ARGUMENT (reason MALFORMED_REQUEST), as every other bad input is:
// gRPC 1.51 answers such a request to a callback method with UNIMPLEMENTED
// and no message, e.g. when a string field is not valid UTF-8, while a method
// that really does not exist keeps its UNIMPLEMENTED.
//
// One interceptor for both, not one each: gRPC calls every interceptor at
// every hook point of every call, which for a cache hit costs as much as the
// call's own work; a call with no interceptor skips that machinery, hence
// the methods that log themselves (docs/performance.md).
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "grpcpp/support/server_interceptor.h"

namespace kexport {

class CallInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `logged_by_handler`: method paths (`/package.Service/Method`) whose
  // handlers write their own access log and parse their own requests.
  explicit CallInterceptorFactory(const std::vector<std::string>& logged_by_handler)
      : logged_by_handler_(logged_by_handler.begin(), logged_by_handler.end()) {}

  // Null (no interceptor) for a method in `logged_by_handler`.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const absl::flat_hash_set<std::string> logged_by_handler_;
};

}  // namespace kexport
