#include "common/access_log.h"

#include <string>

#include "absl/time/clock.h"
#include "common/json_log.h"

namespace kexport {
namespace {

using grpc::experimental::InterceptionHookPoints;

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method() ? info->method() : ""), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdMetadataKey);
      if (it != metadata->end()) {
        // Bounded so a hostile header cannot flood the log.
        request_id_.assign(it->second.data(),
                           std::min<size_t>(it->second.size(), 128));
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      JsonLog log(status.ok() ? "info" : "warn", "rpc");
      log.Add("method", method_)
          .Add("code", static_cast<int64_t>(status.error_code()))
          .Add("latency_us", absl::ToInt64Microseconds(absl::Now() - start_));
      if (!request_id_.empty()) {
        log.Add("request_id", request_id_);
      }
      log.EmitSoon();
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::string request_id_;
  absl::Time start_;
};

}  // namespace

grpc::experimental::Interceptor*
AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info);
}

}  // namespace kexport
