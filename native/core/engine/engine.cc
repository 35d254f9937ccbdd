#include "core/engine/engine.h"

#include <algorithm>
#include <exception>
#include <iterator>

#include "core/engine/batcher.h"
#include "core/engine/engine_registry.h"
#include "core/engine/fair_round.h"
#include "core/engine/run_batch.h"
#include "core/monitoring/observe.h"

namespace nn {
namespace {

// A call's texts are cut in parts of this many, so the first batches run while later texts are still being
// tokenized. Each text is decoded alone, so parts do not change results.
constexpr size_t kPartTexts = 256;

// Milliseconds as given in options (fractions allowed) in the engine's clock.
std::chrono::steady_clock::duration FromMilliseconds(double ms) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

}  // namespace

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
      max_wait_(FromMilliseconds(std::max(0.0, params.max_wait_ms))),
      pool_(params.worker_threads) {
  RegisterEngine(this);
  runner_ = std::thread([this] { RunnerLoop(); });
}

Engine::~Engine() {
  CancelCalls(Error(ErrorCode::kDisposed, "the model's engine was destroyed (its JavaScript environment is shutting "
                                          "down) before this call finished"),
              /*running_too=*/true);
  UnregisterEngine(this);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  windows_ready_.notify_all();
  if (runner_.joinable()) runner_.join();
  pool_.Finish();  // the tasks of failed calls return at once, settling them
}

void Engine::Abandon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    abandoned_ = true;
  }
  windows_ready_.notify_all();
  pool_.Abandon();
  if (runner_.joinable() && runner_.get_id() != std::this_thread::get_id()) runner_.join();
}

// ----- calls

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
  auto* call = new Call;
  call->done = std::move(done);
  if (request->options.timeout_ms > 0) call->deadline = Clock::now() + FromMilliseconds(request->options.timeout_ms);
  ExtractRequest& whole = *request;
  const bool utf8 = !whole.utf8_bounds.empty();
  const size_t count = utf8 ? whole.utf8_bounds.size() - 1 : whole.texts.size();
  EngineCounters::Add(counters_.calls, 1);
  EngineCounters::Add(counters_.texts, count);

  for (size_t begin = 0; begin < count || call->parts.empty(); begin += kPartTexts) {
    const size_t end = std::min(count, begin + kPartTexts);
    auto part = std::make_unique<Part>();
    part->call = call;
    part->first_text = begin;
    part->request.options = whole.options;
    if (whole.monitor) part->request.options.head.signals = true;  // the monitor reads the texts' signals
    part->request.rules = whole.rules;
    part->request.redaction = whole.redaction;
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
    pool_.Post([this, p = part.get()] { CutPart(p); });
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
  EngineCounters::AddTime(counters_.tokenize_seconds, ready - start);
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
  if (call->failed) {
    call->done(nullptr, std::move(call->error));
    return;
  }
  EntityColumns& result = call->request->result;
  call->request->label_names = call->parts.front()->request.label_names;  // every part bound the same rules
  if (call->request->redaction) {
    try {
      RedactParts(*call);
    } catch (...) {
      call->done(nullptr, ErrorFromException(std::current_exception()));
      return;
    }
  }
  if (call->request->monitor) {
    const bool asked = call->request->options.head.signals;
    for (const std::unique_ptr<Part>& part : call->parts) {
      monitoring::ObservePart(*model_, &part->request, asked, call->request->monitor.get());
    }
  }
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

// The parts' texts in call order, so pseudonyms are numbered as the caller reads the texts.
void Engine::RedactParts(Call& call) const {
  ExtractRequest& request = *call.request;
  const std::vector<std::string>& names = request.rules ? request.label_names : model_->labels().types();
  redaction::Redactor redactor(*request.redaction, names);
  std::vector<Entity> entities;
  for (const std::unique_ptr<Part>& part : call.parts) {
    const EntityColumns& found = part->request.result;
    for (size_t t = 0; t < found.text_count(); ++t) {
      entities.clear();
      for (uint32_t k = found.offsets[t]; k < found.offsets[t + 1]; ++k) {
        entities.push_back(Entity{found.starts[k], found.ends[k], found.labels[k], found.scores[k], found.tokens[k],
                                  found.sources.empty() ? 0 : found.sources[k], found.ids.empty() ? -1 : found.ids[k]});
      }
      redactor.Redact(part->request.texts[t], entities, &request.redacted);
    }
  }
}

// ----- the runner

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
    const bool overlapping = last_round_mixed_calls_ || calls_.size() > 1;
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
    if (!round.empty()) RunRound(std::move(round), last_round_mixed_calls_);
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
  round_calls_.clear();
  if (live.empty()) return live;

  std::vector<WaitingWindow> waiting;
  waiting.reserve(live.size());
  for (const PendingWindow& p : live) waiting.push_back({p.part->call, p.part->job->window(p.window).size()});
  const std::vector<bool> taken = ChooseFairRound(waiting, live.front().part->request.options.batch);

  std::vector<PendingWindow> round;
  round.reserve(live.size());
  for (size_t i = 0; i < live.size(); ++i) {
    if (taken[i]) {
      round.push_back(live[i]);
      round_calls_.push_back(live[i].part->call);
    } else {
      pending_.push_back(live[i]);
      pending_tokens_ += waiting[i].tokens;
    }
  }
  std::sort(round_calls_.begin(), round_calls_.end());
  round_calls_.erase(std::unique(round_calls_.begin(), round_calls_.end()), round_calls_.end());
  return round;
}

void Engine::RunRound(std::vector<PendingWindow> round, bool mixed_calls) {
  BatchInputs inputs;
  if (!mixed_calls) {
    // One call: its windows planned together, batch after batch, unless another call arrives meanwhile.
    std::vector<Batch> batches = PlanRound(round);
    for (size_t b = 0; b < batches.size(); ++b) {
      if (b > 0 && RequeueIfPreempted(&batches, b)) return;
      RunBatchOf(std::move(batches[b]), &inputs);
    }
    return;
  }
  // Several calls: one batch at a time around the oldest window, the rest planned again with what arrives meanwhile.
  for (bool first = true; !round.empty(); first = false) {
    if (!first && RequeueIfPreempted(&round)) return;
    RunBatchOf(TakeBatchAroundOldest(&round), &inputs);
  }
}

void Engine::RunBatchOf(Batch batch, BatchInputs* inputs) {
  DropCancelled(&batch);
  if (batch.empty()) return;
  std::shared_ptr<OutputTensor> output = RunOnModel(batch, inputs);
  if (!output) return;
  pool_.Post([this, output = std::move(output), batch = std::move(batch)] { DecodeBatch(batch, *output); });
}

Engine::Batch Engine::TakeBatchAroundOldest(std::vector<PendingWindow>* round) const {
  size_t oldest = 0;
  for (size_t i = 1; i < round->size(); ++i) {
    if ((*round)[i].ready < (*round)[oldest].ready) oldest = i;
  }
  // A batch never mixes windows of different batch limits: candidates share the oldest window's.
  const BatchLimits limits = (*round)[oldest].part->request.options.batch;
  std::vector<size_t> candidates;
  std::vector<size_t> lengths;
  size_t anchor = 0;
  for (size_t i = 0; i < round->size(); ++i) {
    const PendingWindow& p = (*round)[i];
    if (!(p.part->request.options.batch == limits)) continue;
    if (i == oldest) anchor = candidates.size();
    candidates.push_back(i);
    lengths.push_back(p.part->job->window(p.window).size());
  }
  const BatchPlan plan = ChooseBatchAround(lengths, anchor, limits);
  std::vector<bool> chosen(round->size(), false);
  Batch batch;
  batch.reserve(plan.items.size());
  for (uint32_t item : plan.items) {
    chosen[candidates[item]] = true;
    batch.push_back((*round)[candidates[item]]);
  }
  std::vector<PendingWindow> rest;
  rest.reserve(round->size() - batch.size());
  for (size_t i = 0; i < round->size(); ++i) {
    if (!chosen[i]) rest.push_back((*round)[i]);
  }
  round->swap(rest);
  return batch;
}

std::vector<Engine::Batch> Engine::PlanRound(const std::vector<PendingWindow>& round) const {
  // Calls with other batch limits get batches of their own; everything else shares.
  std::vector<size_t> lengths;
  std::vector<BatchLimits> limits;
  lengths.reserve(round.size());
  limits.reserve(round.size());
  for (const PendingWindow& p : round) {
    lengths.push_back(p.part->job->window(p.window).size());
    limits.push_back(p.part->request.options.batch);
  }
  std::vector<Batch> batches;
  for (const BatchPlan& plan : PlanBatchesByLimits(lengths, limits)) {
    Batch& batch = batches.emplace_back();
    batch.reserve(plan.items.size());
    for (uint32_t item : plan.items) batch.push_back(round[item]);
  }
  return batches;
}

bool Engine::RequeueIfPreempted(std::vector<Batch>* batches, size_t next) {
  std::vector<PendingWindow> rest;
  for (size_t r = next; r < batches->size(); ++r) rest.insert(rest.end(), (*batches)[r].begin(), (*batches)[r].end());
  return RequeueIfPreempted(&rest);
}

bool Engine::RequeueIfPreempted(std::vector<PendingWindow>* rest) {
  // Another call is waiting: the rest of this round goes back to the queue, to be shared with it.
  std::lock_guard<std::mutex> lock(mutex_);
  if (!preempt_) return false;
  for (const PendingWindow& p : *rest) pending_tokens_ += p.part->job->window(p.window).size();
  pending_.insert(pending_.begin(), rest->begin(), rest->end());
  return true;
}

void Engine::DropCancelled(Batch* batch) {
  const Clock::time_point now = Clock::now();
  Batch kept;
  kept.reserve(batch->size());
  for (const PendingWindow& p : *batch) {
    if (p.part->call->FailedBy(now)) {
      WindowDone(p.part);
    } else {
      kept.push_back(p);
    }
  }
  batch->swap(kept);
}

std::shared_ptr<OutputTensor> Engine::RunOnModel(const Batch& batch, BatchInputs* inputs) {
  std::vector<const Encoding*> windows;
  windows.reserve(batch.size());
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
  EngineCounters::AddTime(counters_.wait_seconds, start - oldest);
  std::shared_ptr<OutputTensor> output;
  try {
    output = std::make_shared<OutputTensor>(RunBatch(*model_, windows, sequence, dims, inputs));
  } catch (...) {
    const Error error = ErrorFromException(std::current_exception());
    for (const PendingWindow& p : batch) {
      p.part->call->Fail(error);
      WindowDone(p.part);
    }
    return nullptr;
  }
  EngineCounters::AddTime(counters_.inference_seconds, Clock::now() - start);
  EngineCounters::Add(counters_.batches, 1);
  EngineCounters::Add(counters_.windows, batch.size());
  EngineCounters::Add(counters_.tokens, tokens);
  EngineCounters::Add(counters_.padded_tokens, batch.size() * sequence);
  return output;
}

void Engine::DecodeBatch(const Batch& batch, const OutputTensor& output) {
  const Clock::time_point start = Clock::now();
  // Rows are [sequence, output dims...]: everything after the batch dimension (checked by RunBatch).
  size_t row_floats = 1;
  for (size_t d = 1; d < output.shape().size(); ++d) row_floats *= static_cast<size_t>(output.shape()[d]);
  for (size_t row = 0; row < batch.size(); ++row) {
    Part* part = batch[row].part;
    if (!part->call->failed) {
      try {
        part->job->DecodeWindow(batch[row].window, output.data() + row * row_floats);
      } catch (...) {
        part->call->Fail(ErrorFromException(std::current_exception()));
      }
    }
    WindowDone(part);
  }
  EngineCounters::AddTime(counters_.decode_seconds, Clock::now() - start);
}

}  // namespace nn
