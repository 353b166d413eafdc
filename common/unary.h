// Finishes a callback-API unary call from a domain result. FinishAsActor
// first resolves the caller (for audit records) and fails the call when the
// caller's identity is malformed.
//
//   grpc::ServerUnaryReactor* GetFirm(grpc::CallbackServerContext* context,
//                                     const GetFirmRequest* request,
//                                     Firm* response) override {
//     return FinishUnary(context, registrar_.GetFirm(request->name()), response);
//   }
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "common/actor.h"
#include "common/grpc_status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace kexport {

template <typename Response>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      absl::StatusOr<Response> result,
                                      Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (result.ok()) {
    *response = std::move(result).value();
  }
  reactor->Finish(ToGrpcStatus(result.status()));
  return reactor;
}

// `call` takes the resolved actor and returns absl::StatusOr<Response>.
template <typename Response, typename Call>
grpc::ServerUnaryReactor* FinishAsActor(grpc::CallbackServerContext* context,
                                        const ActorResolver& actors, Call call,
                                        Response* response) {
  absl::StatusOr<std::string> actor = actors.Resolve(*context);
  if (!actor.ok()) {
    return FinishUnary<Response>(context, actor.status(), response);
  }
  return FinishUnary<Response>(context, call(*actor), response);
}

}  // namespace kexport
