// A fixed set of threads with a bounded queue, for the blocking database
// work that gRPC callback handlers must not do on gRPC's own threads.
#ifndef AHPL_SERVICES_COMMON_WORKER_POOL_H_
#define AHPL_SERVICES_COMMON_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace ahpl {

// TrySubmit may be called from any number of threads at once.
class WorkerPool {
 public:
  // Starts `threads` workers; at most `max_queued` tasks wait for one.
  WorkerPool(size_t threads, size_t max_queued);
  // Runs every task already queued, then joins the workers.
  ~WorkerPool() ABSL_LOCKS_EXCLUDED(mu_);

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and the task is dropped) when the queue is full or
  // the pool is stopping.
  bool TrySubmit(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);

  size_t thread_count() const { return threads_.size(); }
  // Tasks waiting for a worker now.
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Work() ABSL_LOCKS_EXCLUDED(mu_);
  // What a worker waits for: a task, or the pool stopping.
  bool TaskOrStoppingLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Filled by the constructor, joined by the destructor; not guarded.
  std::vector<std::thread> threads_;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_WORKER_POOL_H_
