// The engine's counters: the one list of its stats fields (NN_ENGINE_STATS), from which the plain struct callers
// read, the atomic counters the engine's threads add to, and the addon's JS object are all made.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace nn {

// X(field, jsName, unit): unit `count` is a plain count; unit `seconds` is time, counted in nanoseconds and read
// as seconds. Seconds are summed over threads, so they may exceed wall time.
#define NN_ENGINE_STATS(X)                                                                                       \
  X(calls, "calls", count)                        /* extract calls submitted */                                 \
  X(texts, "texts", count)                        /* texts of those calls */                                    \
  X(windows, "windows", count)                    /* model windows run (a long text has several) */             \
  X(batches, "batches", count)                    /* model runs */                                              \
  X(tokens, "tokens", count)                      /* real tokens run, special tokens included */                \
  X(padded_tokens, "paddedTokens", count)         /* batch rows × longest row, summed over batches */          \
  X(tokenize_seconds, "tokenizeSeconds", seconds) /* tokenizing texts and cutting them into windows */          \
  X(inference_seconds, "inferenceSeconds", seconds) /* in ONNX Runtime */                                       \
  X(decode_seconds, "decodeSeconds", seconds)     /* decoding windows and assembling results */                 \
  X(wait_seconds, "waitSeconds", seconds)         /* per batch: its oldest window's wait from cut to run */

// Counters since construction or ResetStats(), as plain numbers.
struct EngineStats {
#define NN_STATS_FIELD(field, js, unit) double field = 0;
  NN_ENGINE_STATS(NN_STATS_FIELD)
#undef NN_STATS_FIELD
};

// The live counters, added to by any thread (relaxed: each is a sum, read as a snapshot).
class EngineCounters {
 public:
  using Counter = std::atomic<uint64_t>;
#define NN_STATS_COUNTER(field, js, unit) Counter field{0};
  NN_ENGINE_STATS(NN_STATS_COUNTER)
#undef NN_STATS_COUNTER

  static void Add(Counter& counter, uint64_t n) { counter.fetch_add(n, std::memory_order_relaxed); }
  // For `seconds` fields.
  static void AddTime(Counter& counter, std::chrono::steady_clock::duration d) {
    Add(counter, static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()));
  }

  EngineStats Read() const {
    EngineStats out;
#define NN_STATS_READ(field, js, unit) out.field = Scaled_##unit(field);
    NN_ENGINE_STATS(NN_STATS_READ)
#undef NN_STATS_READ
    return out;
  }

  void Reset() {
#define NN_STATS_RESET(field, js, unit) field.store(0, std::memory_order_relaxed);
    NN_ENGINE_STATS(NN_STATS_RESET)
#undef NN_STATS_RESET
  }

 private:
  static double Scaled_count(const Counter& c) { return static_cast<double>(c.load(std::memory_order_relaxed)); }
  static double Scaled_seconds(const Counter& c) { return Scaled_count(c) / 1e9; }
};

}  // namespace nn
