#include "services/common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace ahpl {
namespace {

TEST(WorkerPoolTest, RunsEveryQueuedTaskBeforeDestruction) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(WorkerPoolTest, RefusesWorkBeyondTheQueueBound) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> started{0};
  WorkerPool pool(1, 2);
  auto blocker = [&] {
    ++started;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
  };
  ASSERT_TRUE(pool.TrySubmit(blocker));
  while (started.load() == 0) std::this_thread::yield();
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_TRUE(pool.TrySubmit([] {}));
  EXPECT_FALSE(pool.TrySubmit([] {})) << "a third waiting task must be refused";
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
}

}  // namespace
}  // namespace ahpl
