// The per-model extract engine: merges the windows of concurrent requests into shared length-sorted batches
// and pipelines the work. One runner thread feeds ONNX Runtime batch after batch (ORT's intra-op threads do the
// parallel math); a small pool (task_pool.h) tokenizes new requests and decodes finished batches meanwhile. The
// Model (weights, tokenizer) is one shared copy; requests own all per-call state.
//
// Fairness: a round takes every waiting window when they belong to one call, so a bulk call is batched over all
// of them; when several calls wait, it takes windows from each call in turn, up to a few batches (fair_round.h). A
// call that arrives while a round runs ends that round after the batch at hand (preemption), so no call waits behind
// more than a few batches of another's work, however large that call is.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/engine/extract.h"
#include "core/engine/stats.h"
#include "core/engine/task_pool.h"
#include "core/error.h"
#include "core/model.h"
#include "core/runtime/session.h"

namespace nn {

struct EngineParams {
  size_t worker_threads = 0;  // pool threads for tokenizing and decoding; 0: DefaultWorkerThreads()
  // How long a batch waits for other requests' windows to join it; 0: never waits. Only when calls overlap (more
  // than one in flight, or the last batches mixed calls): a lone caller awaiting each call never waits.
  double max_wait_ms = 2;
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

  // Counters since construction or ResetStats() (stats.h).
  EngineStats stats() const { return counters_.Read(); }
  void ResetStats() { counters_.Reset(); }

  const Model& model() const { return *model_; }
  const std::shared_ptr<const Model>& shared_model() const { return model_; }

  // Process exit (engine_registry.h): stops the threads after the task at hand, dropping queued work, so no engine
  // thread is still inside ONNX Runtime when its library tears down. Safe to call more than once.
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
  using Batch = std::vector<PendingWindow>;

  // A call's life: cut into parts on the pool, its windows decoded batch by batch, finished when its parts are.
  void CancelCalls(const Error& error, bool running_too);
  void CutPart(Part* part);
  void WindowDone(Part* part);
  void FinishPart(Part* part);
  void FinishCall(Call* call);
  // With a redaction policy: rewrites the call's texts, part by part in call order, into its request's `redacted`.
  void RedactParts(Call& call) const;

  // The runner: rounds of batches.
  void RunnerLoop();
  bool PendingFillsBatch() const;                                             // under mutex_
  std::vector<PendingWindow> TakeRound(std::vector<PendingWindow>* dropped);  // under mutex_
  // A round of one call is planned into batches at once (PlanRound); a round of several calls runs one batch at a
  // time around its oldest window (TakeBatchAroundOldest), so what arrives meanwhile joins the windows left. Before
  // each batch after the first, the rest of the round goes back to the queue when another call waits; each batch's
  // windows of failed calls leave it; the batch runs on the runner; a pool thread decodes its output.
  void RunRound(std::vector<PendingWindow> round, bool mixed_calls);
  std::vector<Batch> PlanRound(const std::vector<PendingWindow>& round) const;
  Batch TakeBatchAroundOldest(std::vector<PendingWindow>* round) const;
  bool RequeueIfPreempted(std::vector<Batch>* batches, size_t next);
  bool RequeueIfPreempted(std::vector<PendingWindow>* rest);
  void RunBatchOf(Batch batch, BatchInputs* inputs);
  void DropCancelled(Batch* batch);  // windows of failed or expired calls leave, done
  std::shared_ptr<OutputTensor> RunOnModel(const Batch& batch, BatchInputs* inputs);  // null when the batch failed
  void DecodeBatch(const Batch& batch, const OutputTensor& output);

  std::shared_ptr<const Model> model_;
  const Clock::duration max_wait_;

  std::mutex mutex_;
  std::condition_variable windows_ready_;  // runner: pending_ or stopping_
  std::vector<PendingWindow> pending_;
  size_t pending_tokens_ = 0;
  std::vector<Call*> calls_;        // every call in flight: for cancelling, and to tell whether calls overlap
  std::vector<Call*> round_calls_;  // sorted: the calls of the round the runner is running
  bool preempt_ = false;            // windows of a call outside the running round are waiting
  bool stopping_ = false;
  bool abandoned_ = false;
  bool last_round_mixed_calls_ = false;  // runner only

  EngineCounters counters_;
  TaskPool pool_;
  std::thread runner_;
};

}  // namespace nn
