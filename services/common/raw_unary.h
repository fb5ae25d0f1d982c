// Serves a unary method registered raw (the generated
// WithRawCallbackMethod_<Method>) through its typed implementation: the
// request bytes are parsed here, so bytes that do not parse are answered
// INVALID_ARGUMENT naming the field (after authorization, like any other
// invalid request) instead of gRPC's bare UNIMPLEMENTED.
#ifndef AHPL_SERVICES_COMMON_RAW_UNARY_H_
#define AHPL_SERVICES_COMMON_RAW_UNARY_H_

#include <memory>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "services/common/raw_message.h"
#include "services/common/unary.h"

namespace ahpl {

// Parses `request_bytes` as a Request and runs `serve(call, request,
// response)`, the typed implementation, whose OK response is written into
// `response_bytes` as the call finishes. The messages live until the call's
// last UnaryCall copy is gone, after its work.
template <typename Request, typename Response, typename Serve>
grpc::ServerUnaryReactor* ServeRawUnary(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request_bytes,
                                        grpc::ByteBuffer* response_bytes, Serve serve) {
  struct Messages {
    Request request;
    Response response;
  };
  auto messages = std::make_shared<Messages>();
  absl::Status problem = ParseByteBuffer(*request_bytes, messages->request);
  UnaryCall call(
      context,
      [messages, response_bytes] { return WriteByteBuffer(messages->response, *response_bytes); },
      std::move(problem));
  return serve(call, &messages->request, &messages->response);
}

// A service class with every method in `Raw...` (the generated
// WithRawCallbackMethod_<Method> templates) registered raw:
//   RawMethods<v1::X::Service, v1::X::WithRawCallbackMethod_Get, ...>::type
template <class Base, template <class> class... Raw>
struct RawMethods;
template <class Base>
struct RawMethods<Base> {
  using type = Base;
};
template <class Base, template <class> class First, template <class> class... Rest>
struct RawMethods<Base, First, Rest...> {
  using type = First<typename RawMethods<Base, Rest...>::type>;
};

}  // namespace ahpl

// Declares, in a service class, the raw override of unary `Method` (which
// parses and calls the typed one) and the typed implementation, taking a
// UnaryCall in place of the context:
//   AHPL_RAW_UNARY_METHOD(GetReturn, v1::GetReturnRequest, v1::GetReturnResponse);
#define AHPL_RAW_UNARY_METHOD(Method, Request, Response)                                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context,                    \
                                   const grpc::ByteBuffer* request_bytes,                   \
                                   grpc::ByteBuffer* response_bytes) override {             \
    return ::ahpl::ServeRawUnary<Request, Response>(                                        \
        context, request_bytes, response_bytes,                                             \
        [this](const ::ahpl::UnaryCall& call, const Request* request, Response* response) { \
          return Method(call, request, response);                                           \
        });                                                                                 \
  }                                                                                         \
  grpc::ServerUnaryReactor* Method(const ::ahpl::UnaryCall& call, const Request* request,   \
                                   Response* response)

#endif  // AHPL_SERVICES_COMMON_RAW_UNARY_H_
