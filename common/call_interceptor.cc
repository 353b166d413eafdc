#include "common/call_interceptor.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/access_log.h"
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
      request_id_ = std::string(RequestIdOf(*methods->GetRecvInitialMetadata()));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        status = Malformed(status);
        methods->ModifySendStatus(status);
      }
      AccessLog(method_, request_id_, status, start_);
    }
    methods->Proceed();
  }

 private:
  // INVALID_ARGUMENT for a method this binary serves; `status` otherwise.
  grpc::Status Malformed(const grpc::Status& status) const {
    const google::protobuf::MethodDescriptor* method = KnownMethod(method_);
    if (method == nullptr) return status;
    return MalformedRequest(method->input_type()->full_name());
  }

  const char* method_;
  std::string request_id_;
  absl::Time start_;
};

}  // namespace

grpc::experimental::Interceptor* CallInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (info->method() != nullptr && logged_by_handler_.contains(info->method())) return nullptr;
  return new CallInterceptor(info->method());
}

}  // namespace kexport
