// Serves one ExportReturns stream (registered raw, so that a request that
// does not parse is answered with the field at fault): the returns of a
// filter that the caller may see, page by page, holding one page at a time.
#ifndef AHPL_SERVICES_ASSESSMENT_EXPORT_REACTOR_H_
#define AHPL_SERVICES_ASSESSMENT_EXPORT_REACTOR_H_

#include <cstdint>

#include <grpcpp/grpcpp.h>

#include "ahpl/v1/assessment.pb.h"
#include "services/assessment/assessment_store.h"
#include "services/common/access.h"
#include "services/common/worker_pool.h"

namespace ahpl::assessment {

class ExportReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Authorizes the caller, then parses the request and checks its filter,
  // on a worker; then streams what of the filter's returns the caller may
  // see.
  ExportReactor(AssessmentStore& store, WorkerPool& workers, grpc::CallbackServerContext* context,
                Authorizer& authorizer, const grpc::ByteBuffer& request);

  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }

 private:
  // Reads the next page only after the last one was written.
  void NextPage();
  // On a worker: reads and writes the next page, or finishes.
  void NextPageNow();

  AssessmentStore& store_;
  WorkerPool& workers_;
  ReturnQuery query_;
  int64_t after_seq_ = 0;
  v1::ExportReturnsResponse response_;
  grpc::ByteBuffer response_bytes_;
};

}  // namespace ahpl::assessment

#endif  // AHPL_SERVICES_ASSESSMENT_EXPORT_REACTOR_H_
