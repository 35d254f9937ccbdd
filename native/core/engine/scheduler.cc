#include "core/engine/scheduler.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iterator>
#include <tuple>

namespace nn {
namespace {

// A call's texts are cut in parts of this many, so the first batches run while later texts are still being
// tokenized. Each text is decoded alone, so parts do not change results.
constexpr size_t kPartTexts = 256;

// When several calls wait, a round holds at most this many batches' worth of their windows (see scheduler.h).
constexpr size_t kFairRoundBatches = 2;

uint64_t Nanoseconds(std::chrono::steady_clock::duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
}

// Live engines, for the exit handler. Leaked on purpose: it must outlive every static destructor.
struct Registry {
  std::mutex mutex;
  std::vector<Engine*> engines;
};
Registry& Engines() {
  static Registry* registry = new Registry;
  return *registry;
}

// Registered after ONNX Runtime was loaded (a model exists before its engine), so it runs before the runtime's
// own static destructors: engine threads are stopped before the library under them goes away.
void AbandonAllEngines() {
  Registry& registry = Engines();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (Engine* engine : registry.engines) engine->Abandon();
}

}  // namespace

size_t DefaultWorkerThreads() {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<size_t>(cores / 2, 1, 4);
}

// One extract call. Freed by FinishCall once every part is done.
struct Engine::Call {
  std::unique_ptr<ExtractRequest> request;
  Done done;
  Clock::time_point deadline = Clock::time_point::max();
  std::atomic<size_t> windows_cut{0};
  std::atomic<bool> started{false};  // a batch holding one of its windows has gone to the model
  std::vector<std::unique_ptr<Part>> parts;
  std::atomic<size_t> parts_left{0};
  std::atomic<bool> failed{false};  // once set, remaining work of the call is skipped
  std::mutex error_mutex;
  std::optional<Error> error;  // the first failure

  void Fail(Error e) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (!error) error = std::move(e);
    failed = true;
  }

  // Fails the call once its deadline has passed; true when it has failed, for that or any reason.
  bool FailedBy(Clock::time_point now) {
    if (!failed && now >= deadline) {
      Fail(Error(ErrorCode::kTimeout, "the call was not done within timeoutMs " +
                                          std::to_string(static_cast<uint64_t>(request->options.timeout_ms)) +
                                          " ms; its remaining work was dropped"));
    }
    return failed;
  }
};

// A slice of a call's texts with its own job; done when all its windows are decoded.
struct Engine::Part {
  Call* call = nullptr;
  size_t first_text = 0;
  ExtractRequest request;
  std::unique_ptr<ExtractJob> job;
  std::atomic<size_t> windows_left{0};
};

Engine::Engine(std::shared_ptr<const Model> model, const EngineParams& params)
    : model_(std::move(model)),
      max_wait_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double, std::milli>(std::max(0.0, params.max_wait_ms)))) {
  static std::once_flag exit_handler;
  std::call_once(exit_handler, [] { std::atexit(AbandonAllEngines); });
  {
    Registry& registry = Engines();
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.engines.push_back(this);
  }
  const size_t workers = params.worker_threads > 0 ? params.worker_threads : DefaultWorkerThreads();
  for (size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  runner_ = std::thread([this] { RunnerLoop(); });
}

Engine::~Engine() {
  CancelCalls(Error(ErrorCode::kDisposed, "the model's engine was destroyed (its JavaScript environment is shutting "
                                          "down) before this call finished"),
              /*running_too=*/true);
  {
    Registry& registry = Engines();
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.engines.erase(std::remove(registry.engines.begin(), registry.engines.end(), this),
                           registry.engines.end());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  windows_ready_.notify_all();
  tasks_ready_.notify_all();
  if (runner_.joinable()) runner_.join();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void Engine::Abandon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    abandoned_ = true;
  }
  windows_ready_.notify_all();
  tasks_ready_.notify_all();
  if (runner_.joinable() && runner_.get_id() != std::this_thread::get_id()) runner_.join();
  for (std::thread& worker : workers_) {
    if (worker.joinable() && worker.get_id() != std::this_thread::get_id()) worker.join();
  }
}

void Engine::CancelQueued(const Error& error) { CancelCalls(error, /*running_too=*/false); }

void Engine::CancelAll(const Error& error) { CancelCalls(error, /*running_too=*/true); }

void Engine::CancelCalls(const Error& error, bool running_too) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Call* call : calls_) {
      if (running_too || !call->started) call->Fail(error);
    }
  }
  // Their windows leave the queue at the runner's next look; tasks of failed calls return at once.
  windows_ready_.notify_all();
}

void Engine::Submit(std::unique_ptr<ExtractRequest> request, Done done) {
  calls_in_flight_.fetch_add(1);
  auto* call = new Call;
  call->done = std::move(done);
  if (request->options.timeout_ms > 0) {
    call->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double, std::milli>(request->options.timeout_ms));
  }
  ExtractRequest& whole = *request;
  const bool utf8 = !whole.utf8_bounds.empty();
  const size_t count = utf8 ? whole.utf8_bounds.size() - 1 : whole.texts.size();
  counters_.calls.fetch_add(1, std::memory_order_relaxed);
  counters_.texts.fetch_add(count, std::memory_order_relaxed);

  for (size_t begin = 0; begin < count || call->parts.empty(); begin += kPartTexts) {
    const size_t end = std::min(count, begin + kPartTexts);
    auto part = std::make_unique<Part>();
    part->call = call;
    part->first_text = begin;
    part->request.options = whole.options;
    if (utf8) {
      const uint32_t from = whole.utf8_bounds[begin];
      part->request.utf8 = whole.utf8.substr(from, whole.utf8_bounds[end] - from);
      for (size_t i = begin; i <= end; ++i) part->request.utf8_bounds.push_back(whole.utf8_bounds[i] - from);
    } else {
      part->request.texts.assign(std::make_move_iterator(whole.texts.begin() + begin),
                                 std::make_move_iterator(whole.texts.begin() + end));
    }
    call->parts.push_back(std::move(part));
  }
  whole.texts.clear();
  whole.utf8.clear();
  call->request = std::move(request);
  call->parts_left = call->parts.size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back(call);
  }
  for (const std::unique_ptr<Part>& part : call->parts) {
    Post([this, p = part.get()] { CutPart(p); });
  }
}

void Engine::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  tasks_ready_.notify_one();
}

void Engine::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      tasks_ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (abandoned_ || (stopping_ && tasks_.empty())) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

void Engine::CutPart(Part* part) {
  Call* call = part->call;
  if (call->FailedBy(Clock::now())) {
    FinishPart(part);
    return;
  }
  const Clock::time_point start = Clock::now();
  try {
    part->job = std::make_unique<ExtractJob>(*model_, &part->request, part->first_text);
  } catch (...) {
    part->call->Fail(ErrorFromException(std::current_exception()));
    FinishPart(part);
    return;
  }
  const Clock::time_point ready = Clock::now();
  counters_.tokenize_ns.fetch_add(Nanoseconds(ready - start), std::memory_order_relaxed);
  const size_t windows = part->job->window_count();
  const size_t max_windows = call->request->options.max_windows;
  if (max_windows > 0 && call->windows_cut.fetch_add(windows) + windows > max_windows) {
    call->Fail(Error(ErrorCode::kTooManyWindows, TooManyWindowsMessage(call->request->options)));
  }
  if (windows == 0 || call->failed) {
    FinishPart(part);
    return;
  }
  part->windows_left = windows;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t w = 0; w < windows; ++w) {
      pending_.push_back(PendingWindow{part, static_cast<uint32_t>(w), ready});
      pending_tokens_ += part->job->window(w).size();
    }
    if (!std::binary_search(round_calls_.begin(), round_calls_.end(), call)) preempt_ = true;
  }
  windows_ready_.notify_one();
}

bool Engine::PendingFillsBatch() const {
  const BatchLimits& limits = pending_.front().part->request.options.batch;
  return pending_.size() >= limits.max_texts || pending_tokens_ >= limits.max_tokens;
}

void Engine::RunnerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    windows_ready_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (abandoned_ || pending_.empty()) return;
    // Give concurrent calls a moment to add their windows, unless a full batch is already there or nothing
    // suggests another call is coming.
    const bool overlapping = last_round_mixed_calls_ || calls_in_flight_.load() > 1;
    if (max_wait_ > Clock::duration::zero() && overlapping && !PendingFillsBatch()) {
      const Clock::time_point deadline = pending_.front().ready + max_wait_;
      windows_ready_.wait_until(lock, deadline, [&] { return stopping_ || PendingFillsBatch(); });
      if (abandoned_) return;
    }
    std::vector<PendingWindow> dropped;
    std::vector<PendingWindow> round = TakeRound(&dropped);
    last_round_mixed_calls_ = round_calls_.size() > 1;
    lock.unlock();
    for (const PendingWindow& p : dropped) WindowDone(p.part);
    if (!round.empty()) RunRound(round);
    lock.lock();
    round_calls_.clear();
  }
}

std::vector<Engine::PendingWindow> Engine::TakeRound(std::vector<PendingWindow>* dropped) {
  const Clock::time_point now = Clock::now();
  std::vector<PendingWindow> live;
  live.reserve(pending_.size());
  for (const PendingWindow& p : pending_) (p.part->call->FailedBy(now) ? dropped : &live)->push_back(p);
  pending_.clear();
  pending_tokens_ = 0;
  preempt_ = false;

  // Each call's windows, calls in order of arrival.
  std::vector<Call*> calls;
  std::vector<std::vector<size_t>> windows_of;
  for (size_t i = 0; i < live.size(); ++i) {
    Call* call = live[i].part->call;
    auto known = std::find(calls.begin(), calls.end(), call);
    if (known == calls.end()) {
      calls.push_back(call);
      windows_of.emplace_back();
      known = calls.end() - 1;
    }
    windows_of[known - calls.begin()].push_back(i);
  }
  round_calls_ = calls;
  std::sort(round_calls_.begin(), round_calls_.end());
  if (calls.size() <= 1) return live;

  // Several calls: one window from each in turn until the round holds kFairRoundBatches batches' worth.
  const BatchLimits& limits = live.front().part->request.options.batch;
  const size_t token_budget = kFairRoundBatches * limits.max_tokens;
  const size_t window_budget = kFairRoundBatches * limits.max_texts;
  std::vector<bool> taken(live.size(), false);
  size_t tokens = 0, count = 0;
  bool full = false;
  for (size_t turn = 0; !full; ++turn) {
    bool any = false;
    for (const std::vector<size_t>& windows : windows_of) {
      if (turn >= windows.size()) continue;
      const PendingWindow& p = live[windows[turn]];
      taken[windows[turn]] = true;
      tokens += p.part->job->window(p.window).size();
      any = true;
      if (tokens >= token_budget || ++count >= window_budget) {
        full = true;
        break;
      }
    }
    if (!any) break;
  }
  std::vector<PendingWindow> round;
  round_calls_.clear();
  for (size_t i = 0; i < live.size(); ++i) {
    if (taken[i]) {
      round.push_back(live[i]);
      round_calls_.push_back(live[i].part->call);
    } else {
      pending_.push_back(live[i]);
      pending_tokens_ += live[i].part->job->window(live[i].window).size();
    }
  }
  std::sort(round_calls_.begin(), round_calls_.end());
  round_calls_.erase(std::unique(round_calls_.begin(), round_calls_.end()), round_calls_.end());
  return round;
}

void Engine::DropCancelled(std::vector<PendingWindow>* windows) {
  const Clock::time_point now = Clock::now();
  std::vector<PendingWindow> kept;
  kept.reserve(windows->size());
  for (const PendingWindow& p : *windows) {
    if (p.part->call->FailedBy(now)) {
      WindowDone(p.part);
    } else {
      kept.push_back(p);
    }
  }
  windows->swap(kept);
}

void Engine::RunRound(std::vector<PendingWindow>& round) {
  // Calls with other batch limits get batches of their own; everything else shares.
  auto limits_of = [](const PendingWindow& p) {
    const BatchLimits& l = p.part->request.options.batch;
    return std::make_tuple(l.max_tokens, l.max_texts);
  };
  std::stable_sort(round.begin(), round.end(),
                   [&](const PendingWindow& a, const PendingWindow& b) { return limits_of(a) < limits_of(b); });
  std::vector<std::vector<PendingWindow>> batches;
  std::vector<size_t> lengths;
  for (size_t group = 0; group < round.size();) {
    size_t group_end = group;
    while (group_end < round.size() && limits_of(round[group_end]) == limits_of(round[group])) ++group_end;
    lengths.clear();
    for (size_t i = group; i < group_end; ++i) lengths.push_back(round[i].part->job->window(round[i].window).size());
    for (const BatchPlan& plan : PlanBatches(lengths, round[group].part->request.options.batch)) {
      std::vector<PendingWindow>& batch = batches.emplace_back();
      batch.reserve(plan.items.size());
      for (uint32_t item : plan.items) batch.push_back(round[group + item]);
    }
    group = group_end;
  }

  BatchInputs inputs;
  std::vector<const Encoding*> windows;
  for (size_t b = 0; b < batches.size(); ++b) {
    if (b > 0) {
      // Another call is waiting: the rest of this round goes back to the queue, to be shared with it.
      std::lock_guard<std::mutex> lock(mutex_);
      if (preempt_) {
        std::vector<PendingWindow> rest;
        for (size_t r = b; r < batches.size(); ++r) rest.insert(rest.end(), batches[r].begin(), batches[r].end());
        for (const PendingWindow& p : rest) pending_tokens_ += p.part->job->window(p.window).size();
        pending_.insert(pending_.begin(), rest.begin(), rest.end());
        return;
      }
    }
    std::vector<PendingWindow>& batch = batches[b];
    DropCancelled(&batch);
    if (batch.empty()) continue;
    windows.clear();
    size_t tokens = 0, sequence = 0;
    Clock::time_point oldest = Clock::time_point::max();
    for (const PendingWindow& p : batch) {
      p.part->call->started = true;
      windows.push_back(&p.part->job->window(p.window));
      tokens += windows.back()->size();
      sequence = std::max(sequence, windows.back()->size());
      oldest = std::min(oldest, p.ready);
    }
    // Every window of a batch shares its model, so all have the same output dimensions.
    const std::vector<size_t>& dims = batch.front().part->job->output_dims();
    const Clock::time_point start = Clock::now();
    counters_.wait_ns.fetch_add(Nanoseconds(start - oldest), std::memory_order_relaxed);
    std::shared_ptr<OutputTensor> output;
    try {
      output = std::make_shared<OutputTensor>(RunBatch(*model_, windows, sequence, dims, &inputs));
    } catch (...) {
      const Error error = ErrorFromException(std::current_exception());
      for (const PendingWindow& p : batch) {
        p.part->call->Fail(error);
        WindowDone(p.part);
      }
      continue;
    }
    counters_.inference_ns.fetch_add(Nanoseconds(Clock::now() - start), std::memory_order_relaxed);
    counters_.batches.fetch_add(1, std::memory_order_relaxed);
    counters_.windows.fetch_add(batch.size(), std::memory_order_relaxed);
    counters_.tokens.fetch_add(tokens, std::memory_order_relaxed);
    counters_.padded_tokens.fetch_add(batch.size() * sequence, std::memory_order_relaxed);

    const size_t row_floats = sequence * FloatsPerToken(dims);
    Post([this, output = std::move(output), batch = std::move(batch), row_floats] {
      const Clock::time_point decode_start = Clock::now();
      for (size_t row = 0; row < batch.size(); ++row) {
        Part* part = batch[row].part;
        if (!part->call->failed) {
          try {
            part->job->DecodeWindow(batch[row].window, output->data() + row * row_floats);
          } catch (...) {
            part->call->Fail(ErrorFromException(std::current_exception()));
          }
        }
        WindowDone(part);
      }
      counters_.decode_ns.fetch_add(Nanoseconds(Clock::now() - decode_start), std::memory_order_relaxed);
    });
  }
}

void Engine::WindowDone(Part* part) {
  if (part->windows_left.fetch_sub(1) == 1) FinishPart(part);
}

void Engine::FinishPart(Part* part) {
  Call* call = part->call;
  if (part->job && !call->failed) {
    try {
      part->job->Finish();
    } catch (...) {
      call->Fail(ErrorFromException(std::current_exception()));
    }
  }
  part->job.reset();  // frees the part's windows as soon as it is done
  if (call->parts_left.fetch_sub(1) == 1) FinishCall(call);
}

void Engine::FinishCall(Call* call) {
  std::unique_ptr<Call> owned(call);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.erase(std::find(calls_.begin(), calls_.end(), call));
  }
  calls_in_flight_.fetch_sub(1);
  if (call->failed) {
    call->done(nullptr, std::move(call->error));
    return;
  }
  EntityColumns& result = call->request->result;
  if (call->parts.size() == 1) {
    result = std::move(call->parts.front()->request.result);
  } else {
    result = EntityColumns{};
    for (const std::unique_ptr<Part>& part : call->parts) {
      result.AppendColumns(part->request.result, static_cast<uint32_t>(part->first_text));
    }
  }
  call->parts.clear();
  call->done(std::move(call->request), std::nullopt);
}

EngineStats Engine::stats() const {
  auto count = [](const std::atomic<uint64_t>& c) { return static_cast<double>(c.load(std::memory_order_relaxed)); };
  auto seconds = [&](const std::atomic<uint64_t>& ns) { return count(ns) / 1e9; };
  EngineStats out;
  out.calls = count(counters_.calls);
  out.texts = count(counters_.texts);
  out.windows = count(counters_.windows);
  out.batches = count(counters_.batches);
  out.tokens = count(counters_.tokens);
  out.padded_tokens = count(counters_.padded_tokens);
  out.tokenize_seconds = seconds(counters_.tokenize_ns);
  out.inference_seconds = seconds(counters_.inference_ns);
  out.decode_seconds = seconds(counters_.decode_ns);
  out.wait_seconds = seconds(counters_.wait_ns);
  return out;
}

void Engine::ResetStats() {
  for (std::atomic<uint64_t>* c :
       {&counters_.calls, &counters_.texts, &counters_.windows, &counters_.batches, &counters_.tokens,
        &counters_.padded_tokens, &counters_.tokenize_ns, &counters_.inference_ns, &counters_.decode_ns,
        &counters_.wait_ns}) {
    c->store(0, std::memory_order_relaxed);
  }
}

}  // namespace nn
