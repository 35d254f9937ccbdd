// The per-model extract engine: merges the windows of concurrent requests into shared length-sorted batches
// and pipelines the work. One runner thread feeds ONNX Runtime batch after batch (ORT's intra-op threads do the
// parallel math); a small pool tokenizes new requests and decodes finished batches meanwhile. The Model (weights,
// tokenizer) is one shared copy; requests own all per-call state.
//
// Fairness: a round takes every waiting window when they belong to one call, so a bulk call is batched over all
// of them; when several calls wait, it takes windows from each call in turn, up to a few batches. A call that
// arrives while a round runs ends that round after the batch at hand, so no call waits behind more than a few
// batches of another's work, however large that call is.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/engine/extract.h"
#include "core/error.h"
#include "core/model.h"

namespace nn {

struct EngineParams {
  size_t worker_threads = 0;  // pool threads for tokenizing and decoding; 0: DefaultWorkerThreads()
  // How long a batch waits for other requests' windows to join it; 0: never waits. Only when calls overlap (more
  // than one in flight, or the last batches mixed calls): a lone caller awaiting each call never waits.
  double max_wait_ms = 2;
};

// Half the cores, 1 to 4: the other half is left to ONNX Runtime's intra-op threads.
size_t DefaultWorkerThreads();

// Counters since construction or ResetStats(). Seconds are summed over threads, so they may exceed wall time.
struct EngineStats {
  double calls = 0;
  double texts = 0;
  double windows = 0;
  double batches = 0;
  double tokens = 0;          // real tokens run, special tokens included
  double padded_tokens = 0;   // batch rows × longest row, summed over batches
  double tokenize_seconds = 0;
  double inference_seconds = 0;
  double decode_seconds = 0;  // decoding windows and assembling results
  double wait_seconds = 0;    // per batch: its oldest window's wait between being cut and the batch starting
};

class Engine {
 public:
  // Called once per Submit, on an engine thread: the request with its result, or the error that failed it.
  using Done = std::function<void(std::unique_ptr<ExtractRequest> request, std::optional<Error> error)>;

  Engine(std::shared_ptr<const Model> model, const EngineParams& params);
  // Fails every call still in flight with kDisposed (their `done` still runs), then joins the threads after the
  // batch at hand: destroying an engine never waits for queued work. The addon keeps a reference per call in
  // flight, so this happens with calls in flight only when their JS environment is torn down (worker.terminate()).
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a request; returns at once. Errors of this request (such as kTextTooLong) go to `done`.
  void Submit(std::unique_ptr<ExtractRequest> request, Done done);

  // Fails every call none of whose windows has started running with `error`; their queued work is dropped, not
  // run. Calls already running finish. (dispose(): queued calls are rejected, running ones complete.)
  void CancelQueued(const Error& error);
  // Fails every call in flight with `error`: running calls too lose their windows not yet run (a batch already in
  // ONNX Runtime completes first).
  void CancelAll(const Error& error);

  EngineStats stats() const;
  void ResetStats();

  const Model& model() const { return *model_; }
  const std::shared_ptr<const Model>& shared_model() const { return model_; }

  // Process exit: stops the threads after the task at hand, dropping queued work, so no engine thread is still
  // inside ONNX Runtime when its library tears down. Safe to call more than once.
  void Abandon();

 private:
  using Clock = std::chrono::steady_clock;
  struct Call;
  struct Part;
  struct PendingWindow {
    Part* part;
    uint32_t window;
    Clock::time_point ready;
  };
  struct Counters {
    std::atomic<uint64_t> calls{0}, texts{0}, windows{0}, batches{0}, tokens{0}, padded_tokens{0};
    std::atomic<uint64_t> tokenize_ns{0}, inference_ns{0}, decode_ns{0}, wait_ns{0};
  };

  void Post(std::function<void()> task);
  void WorkerLoop();
  void RunnerLoop();
  bool PendingFillsBatch() const;  // under mutex_
  void CancelCalls(const Error& error, bool running_too);
  std::vector<PendingWindow> TakeRound(std::vector<PendingWindow>* dropped);  // under mutex_
  void RunRound(std::vector<PendingWindow>& round);
  void DropCancelled(std::vector<PendingWindow>* windows);  // windows of failed or expired calls leave, done
  void CutPart(Part* part);
  void WindowDone(Part* part);
  void FinishPart(Part* part);
  void FinishCall(Call* call);

  std::shared_ptr<const Model> model_;
  const Clock::duration max_wait_;

  std::mutex mutex_;
  std::condition_variable tasks_ready_;    // pool threads: tasks_ or stopping_
  std::condition_variable windows_ready_;  // runner: pending_ or stopping_
  std::deque<std::function<void()>> tasks_;
  std::vector<PendingWindow> pending_;
  size_t pending_tokens_ = 0;
  std::vector<Call*> calls_;        // every call in flight, for cancelling
  std::vector<Call*> round_calls_;  // sorted: the calls of the round the runner is running
  bool preempt_ = false;            // windows of a call outside the running round are waiting
  bool stopping_ = false;
  std::atomic<size_t> calls_in_flight_{0};
  bool last_round_mixed_calls_ = false;  // runner only
  bool abandoned_ = false;

  Counters counters_;
  std::vector<std::thread> workers_;
  std::thread runner_;
};

}  // namespace nn
