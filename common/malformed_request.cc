#include "common/malformed_request.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "google/protobuf/descriptor.h"

namespace kexport {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The method `/package.Service/Method`, when this binary has its contract.
const google::protobuf::MethodDescriptor* KnownMethod(const char* path) {
  if (path == nullptr || path[0] != '/') {
    return nullptr;
  }
  std::string name = absl::StrReplaceAll(path + 1, {{"/", "."}});
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      name);
}

class MalformedRequestInterceptor final
    : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(
      const google::protobuf::MethodDescriptor* method)
      : method_(method) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(ToGrpcStatus(ReasonedError(
            absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
            absl::StrCat("the request is not a valid ",
                         method_->input_type()->full_name(),
                         " (is every string valid UTF-8?)"))));
      }
    }
    methods->Proceed();
  }

 private:
  const google::protobuf::MethodDescriptor* method_;
};

}  // namespace

grpc::experimental::Interceptor*
MalformedRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const google::protobuf::MethodDescriptor* method = KnownMethod(info->method());
  // Returning nullptr leaves calls to unknown methods alone.
  return method == nullptr ? nullptr : new MalformedRequestInterceptor(method);
}

}  // namespace kexport
