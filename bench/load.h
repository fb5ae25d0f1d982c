// Closed-loop load over gRPC's callback client API: keeps a fixed number of
// calls in flight until a number of calls has completed.
#ifndef AHPL_BENCH_LOAD_H_
#define AHPL_BENCH_LOAD_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include <grpcpp/grpcpp.h>

namespace ahpl::bench {

// `issue(done)` starts one call and must call `done(ok)` when it completes.
// Runs `total` calls with `in_flight` outstanding; returns the failures.
inline int64_t RunClosedLoop(int in_flight, int64_t total,
                             const std::function<void(std::function<void(bool)>)>& issue) {
  std::atomic<int64_t> started{0};
  std::atomic<int64_t> failures{0};
  std::mutex mu;
  std::condition_variable cv;
  int active = 0;
  std::function<void()> launch;
  launch = [&] {
    if (started.fetch_add(1) >= total) {
      std::lock_guard<std::mutex> lock(mu);
      if (--active == 0) cv.notify_all();
      return;
    }
    issue([&](bool ok) {
      if (!ok) ++failures;
      launch();
    });
  };
  {
    std::lock_guard<std::mutex> lock(mu);
    active = in_flight;
  }
  for (int i = 0; i < in_flight; ++i) launch();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return active == 0; });
  return failures.load();
}

}  // namespace ahpl::bench

#endif  // AHPL_BENCH_LOAD_H_
