// Choosing a round: which of the waiting windows the engine's runner takes next. A round takes every waiting window
// when they all belong to one call, so a bulk call is batched over all of them; when several calls wait, it takes
// windows from each call in turn, up to a few batches' worth, so no call waits behind more than a few batches of
// another's work, however large that call is. (The runner also ends a round early when another call arrives: see
// engine.h.)
#pragma once

#include <cstddef>
#include <vector>

#include "core/engine/batcher.h"

namespace nn {

// When several calls wait, a round holds at most this many batches' worth of their windows.
constexpr size_t kFairRoundBatches = 2;

struct WaitingWindow {
  const void* call;  // which call it belongs to (only compared)
  size_t tokens;     // its length, template tokens included
};

// `waiting` is in queue order. Returns, for each window, whether the round takes it: all of them when one call (or
// none) waits; otherwise one window from each call in turn (calls in order of their first window, each call's
// windows in queue order) until the round holds kFairRoundBatches × `limits` of tokens or windows, or none is left.
std::vector<bool> ChooseFairRound(const std::vector<WaitingWindow>& waiting, const BatchLimits& limits);

}  // namespace nn
