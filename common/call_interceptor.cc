#include "common/call_interceptor.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/json_log.h"
#include "google/protobuf/descriptor.h"

namespace kexport {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The method `/package.Service/Method`, when this binary has its contract.
const google::protobuf::MethodDescriptor* KnownMethod(const char* path) {
  if (path == nullptr || path[0] != '/') return nullptr;
  std::string name = absl::StrReplaceAll(path + 1, {{"/", "."}});
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
}

class CallInterceptor final : public grpc::experimental::Interceptor {
 public:
  // `method` lives as long as the call, and so as this interceptor.
  explicit CallInterceptor(const char* method)
      : method_(method ? method : ""), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdMetadataKey);
      if (it != metadata->end()) {
        // Bounded so a hostile header cannot flood the log.
        request_id_.assign(it->second.data(), std::min<size_t>(it->second.size(), 128));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        status = Malformed(status);
        methods->ModifySendStatus(status);
      }
      Log(status);
    }
    methods->Proceed();
  }

 private:
  // INVALID_ARGUMENT for a method this binary serves; `status` otherwise.
  grpc::Status Malformed(const grpc::Status& status) const {
    const google::protobuf::MethodDescriptor* method = KnownMethod(method_);
    if (method == nullptr) return status;
    return ToGrpcStatus(ReasonedError(
        absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
        absl::StrCat("the request is not a valid ", method->input_type()->full_name(),
                     " (is every string valid UTF-8?)")));
  }

  void Log(const grpc::Status& status) const {
    JsonLog log(status.ok() ? "info" : "warn", "rpc");
    log.Add("method", method_)
        .Add("code", static_cast<int64_t>(status.error_code()))
        .Add("latency_us", absl::ToInt64Microseconds(absl::Now() - start_));
    if (!request_id_.empty()) log.Add("request_id", request_id_);
    log.EmitSoon();
  }

  const char* method_;
  std::string request_id_;
  absl::Time start_;
};

}  // namespace

grpc::experimental::Interceptor* CallInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new CallInterceptor(info->method());
}

}  // namespace kexport
