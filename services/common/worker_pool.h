// A fixed set of threads with a bounded queue, for the blocking database
// work that gRPC callback handlers must not do on gRPC's own threads.
#ifndef AHPL_SERVICES_COMMON_WORKER_POOL_H_
#define AHPL_SERVICES_COMMON_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ahpl {

class WorkerPool {
 public:
  // Starts `threads` workers; at most `max_queued` tasks wait for one.
  WorkerPool(size_t threads, size_t max_queued);
  // Runs every task already queued, then joins the workers.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and the task is dropped) when the queue is full or
  // the pool is stopping.
  bool TrySubmit(std::function<void()> task);

  size_t thread_count() const { return threads_.size(); }

 private:
  void Work();

  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ahpl

#endif  // AHPL_SERVICES_COMMON_WORKER_POOL_H_
