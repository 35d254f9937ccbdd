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

void Engine::Submit(std::unique_ptr<ExtractRequest> request, Done done) {
  calls_in_flight_.fetch_add(1);
  auto* call = new Call;
  call->done = std::move(done);
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
  if (part->call->failed) {
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
  if (windows == 0) {
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
    std::vector<PendingWindow> round;
    round.swap(pending_);
    pending_tokens_ = 0;
    last_round_mixed_calls_ = std::any_of(round.begin(), round.end(), [&](const PendingWindow& p) {
      return p.part->call != round.front().part->call;
    });
    lock.unlock();
    RunRound(round);
    lock.lock();
  }
}

void Engine::RunRound(std::vector<PendingWindow>& round) {
  // Calls with other batch limits get batches of their own; everything else shares.
  auto limits_of = [](const PendingWindow& p) {
    const BatchLimits& l = p.part->request.options.batch;
    return std::make_tuple(l.max_tokens, l.max_texts);
  };
  std::stable_sort(round.begin(), round.end(),
                   [&](const PendingWindow& a, const PendingWindow& b) { return limits_of(a) < limits_of(b); });
  BatchInputs inputs;
  std::vector<size_t> lengths;
  std::vector<const Encoding*> windows;
  for (size_t group = 0; group < round.size();) {
    size_t group_end = group;
    while (group_end < round.size() && limits_of(round[group_end]) == limits_of(round[group])) ++group_end;
    lengths.clear();
    for (size_t i = group; i < group_end; ++i) lengths.push_back(round[i].part->job->window(round[i].window).size());
    const BatchLimits& limits = round[group].part->request.options.batch;

    for (const BatchPlan& plan : PlanBatches(lengths, limits)) {
      std::vector<PendingWindow> batch;
      batch.reserve(plan.items.size());
      windows.clear();
      size_t tokens = 0;
      Clock::time_point oldest = Clock::time_point::max();
      for (uint32_t item : plan.items) {
        const PendingWindow& p = round[group + item];
        batch.push_back(p);
        windows.push_back(&p.part->job->window(p.window));
        tokens += windows.back()->size();
        oldest = std::min(oldest, p.ready);
      }
      // Every window of a batch shares its model, so all have the same output dimensions.
      const std::vector<size_t>& dims = batch.front().part->job->output_dims();
      const Clock::time_point start = Clock::now();
      counters_.wait_ns.fetch_add(Nanoseconds(start - oldest), std::memory_order_relaxed);
      std::shared_ptr<OutputTensor> output;
      try {
        output = std::make_shared<OutputTensor>(RunBatch(*model_, windows, plan.sequence, dims, &inputs));
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
      counters_.padded_tokens.fetch_add(batch.size() * plan.sequence, std::memory_order_relaxed);

      const size_t row_floats = plan.sequence * FloatsPerToken(dims);
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
    group = group_end;
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
