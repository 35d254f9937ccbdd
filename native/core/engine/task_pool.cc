#include "core/engine/task_pool.h"

#include <algorithm>

namespace nn {

size_t DefaultWorkerThreads() {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<size_t>(cores / 2, 1, 4);
}

TaskPool::TaskPool(size_t threads) {
  const size_t count = threads > 0 ? threads : DefaultWorkerThreads();
  for (size_t i = 0; i < count; ++i) threads_.emplace_back([this] { Loop(); });
}

TaskPool::~TaskPool() { Finish(); }

void TaskPool::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void TaskPool::Loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (abandoned_ || (stopping_ && tasks_.empty())) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void TaskPool::Finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  Join();
}

void TaskPool::Abandon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    abandoned_ = true;
  }
  ready_.notify_all();
  Join();
}

void TaskPool::Join() {
  for (std::thread& thread : threads_) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
}

}  // namespace nn
