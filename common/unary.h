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

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/access_log.h"
#include "common/actor.h"
#include "common/errors.h"
#include "common/grpc_status.h"
#include "common/workers.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/slice.h"

namespace kexport {

// Finishes `reactor`'s call with `result`: its value as the response, or its
// error.
template <typename Response>
void Answer(grpc::ServerUnaryReactor* reactor, absl::StatusOr<Response> result,
            Response* response) {
  if (result.ok()) {
    *response = std::move(result).value();
  }
  reactor->Finish(ToGrpcStatus(result.status()));
}

template <typename Response>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      absl::StatusOr<Response> result, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Answer(reactor, std::move(result), response);
  return reactor;
}

// `/package.Service/Method`, as gRPC names a method on the wire.
inline std::string MethodPath(absl::string_view service_full_name, absl::string_view method) {
  return absl::StrCat("/", service_full_name, "/", method);
}

// For a method registered raw (`WithRawCallbackMethod_*`) whose answer is
// already serialized, e.g. a cache entry: it goes out as it is, not parsed
// into a message only to be serialized again. `answer(request)` returns
// absl::StatusOr<std::string>. Such a method is served without the call
// interceptor (ServeOptions::logged_by_handler), whose machinery costs a
// cache hit a quarter of its throughput: this writes `method`'s access log
// line and refuses an unparseable request as the interceptor would.
template <typename Request, typename Answer>
grpc::ServerUnaryReactor* FinishRaw(const std::string& method,
                                    grpc::CallbackServerContext* context,
                                    const grpc::ByteBuffer* request, grpc::ByteBuffer* response,
                                    Answer answer) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  grpc::ByteBuffer received(*request);  // shares the slices; parsing consumes them
  Request parsed;
  grpc::Status status;
  if (!grpc::SerializationTraits<Request>::Deserialize(&received, &parsed).ok()) {
    status = MalformedRequest(Request::descriptor()->full_name());
  } else {
    absl::StatusOr<std::string> bytes = answer(parsed);
    if (bytes.ok()) {
      grpc::Slice slice(*bytes);
      *response = grpc::ByteBuffer(&slice, 1);
    }
    status = ToGrpcStatus(bytes.status());
  }
  AccessLog(method, RequestIdOf(context->client_metadata()), status, start);
  reactor->Finish(std::move(status));
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

// As FinishUnary, for a domain call that waits (downstream calls, a group
// commit): `call()` runs on `workers` and finishes the call from there, or
// is refused at once with AtCapacityError when too many already wait.
// `call` must own or point to what it uses: the handler has returned by then
// (the request and response live until the call finishes).
template <typename Response, typename Call>
grpc::ServerUnaryReactor* FinishOnWorker(Workers& workers, grpc::CallbackServerContext* context,
                                         Call call, Response* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto work = [context, reactor, call = std::move(call), response]() mutable {
    // A caller that gave up while the call was queued gets nothing done.
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
      return;
    }
    Answer<Response>(reactor, call(), response);
  };
  if (!workers.TryRun(std::move(work))) {
    reactor->Finish(ToGrpcStatus(AtCapacityError(workers.max_waiting())));
  }
  return reactor;
}

// As FinishAsActor, with `call(actor)` on `workers` (see FinishOnWorker).
template <typename Response, typename Call>
grpc::ServerUnaryReactor* FinishAsActorOnWorker(Workers& workers,
                                                grpc::CallbackServerContext* context,
                                                const ActorResolver& actors, Call call,
                                                Response* response) {
  absl::StatusOr<std::string> actor = actors.Resolve(*context);
  if (!actor.ok()) {
    return FinishUnary<Response>(context, actor.status(), response);
  }
  return FinishOnWorker(
      workers, context,
      [call = std::move(call), actor = *std::move(actor)]() { return call(actor); }, response);
}

}  // namespace kexport
