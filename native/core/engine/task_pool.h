// The engine's worker threads and their queue: tokenizing new requests and decoding finished batches while the
// runner thread keeps ONNX Runtime busy.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nn {

// Half the cores, 1 to 4: the other half is left to ONNX Runtime's intra-op threads.
size_t DefaultWorkerThreads();

class TaskPool {
 public:
  explicit TaskPool(size_t threads);  // 0: DefaultWorkerThreads()
  // Finish() unless already stopped.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Queues a task; the first free thread runs it, tasks starting in the order posted.
  void Post(std::function<void()> task);

  // Runs every task queued (including those they post), then joins the threads.
  void Finish();
  // Process exit: the threads stop after the task at hand, dropping queued ones; joins them (except the calling
  // thread, should it be one of them). Safe to call more than once, and before or after Finish().
  void Abandon();

 private:
  void Loop();
  void Join();

  std::mutex mutex_;
  std::condition_variable ready_;  // tasks_ or stopping_
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  bool abandoned_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nn
