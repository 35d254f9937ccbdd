// Parts of the engine that run without a model: the task pool and the stats counters.
#include <atomic>
#include <chrono>
#include <thread>

#include "core/engine/stats.h"
#include "core/engine/task_pool.h"
#include "tests/check.h"

namespace nn {
namespace {

TEST("engine parts", "the task pool runs every task once, those posted by tasks too, before Finish returns") {
  std::atomic<int> runs{0};
  TaskPool pool(2);
  for (int i = 0; i < 100; ++i) {
    pool.Post([&] {
      runs.fetch_add(1);
      pool.Post([&] { runs.fetch_add(1); });
    });
  }
  pool.Finish();
  CHECK_EQ(runs.load(), 200);
  pool.Abandon();  // after Finish: nothing left, returns
  CHECK(DefaultWorkerThreads() >= 1 && DefaultWorkerThreads() <= 4);
}

TEST("engine parts", "an abandoned pool drops its queued tasks") {
  std::atomic<int> runs{0};
  TaskPool pool(1);
  std::atomic<bool> started{false}, release{false};
  pool.Post([&] {
    started = true;
    while (!release.load()) std::this_thread::yield();
    runs.fetch_add(1);
  });
  for (int i = 0; i < 10; ++i) pool.Post([&] { runs.fetch_add(100); });
  while (!started.load()) std::this_thread::yield();
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    release = true;
  });
  pool.Abandon();
  releaser.join();
  CHECK_EQ(runs.load(), 1);
}

TEST("engine parts", "stats counters read counts as counts and nanoseconds as seconds, and reset to zero") {
  EngineCounters counters;
  EngineCounters::Add(counters.windows, 3);
  EngineCounters::Add(counters.padded_tokens, 1000);
  EngineCounters::AddTime(counters.inference_seconds, std::chrono::milliseconds(1500));
  EngineStats stats = counters.Read();
  CHECK_EQ(stats.windows, 3.0);
  CHECK_EQ(stats.padded_tokens, 1000.0);
  CHECK_EQ(stats.inference_seconds, 1.5);
  CHECK_EQ(stats.calls, 0.0);
  counters.Reset();
  stats = counters.Read();
  CHECK_EQ(stats.windows + stats.padded_tokens + stats.inference_seconds, 0.0);
}

}  // namespace
}  // namespace nn
