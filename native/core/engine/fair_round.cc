#include "core/engine/fair_round.h"

#include <algorithm>

namespace nn {

std::vector<bool> ChooseFairRound(const std::vector<WaitingWindow>& waiting, const BatchLimits& limits) {
  // Each call's windows, calls in order of arrival.
  std::vector<const void*> calls;
  std::vector<std::vector<size_t>> windows_of;
  for (size_t i = 0; i < waiting.size(); ++i) {
    auto known = std::find(calls.begin(), calls.end(), waiting[i].call);
    if (known == calls.end()) {
      calls.push_back(waiting[i].call);
      windows_of.emplace_back();
      known = calls.end() - 1;
    }
    windows_of[known - calls.begin()].push_back(i);
  }
  if (calls.size() <= 1) return std::vector<bool>(waiting.size(), true);

  // Several calls: one window from each in turn until the round holds kFairRoundBatches batches' worth.
  const size_t token_budget = kFairRoundBatches * limits.max_tokens;
  const size_t window_budget = kFairRoundBatches * limits.max_texts;
  std::vector<bool> taken(waiting.size(), false);
  size_t tokens = 0, count = 0;
  bool full = false;
  for (size_t turn = 0; !full; ++turn) {
    bool any = false;
    for (const std::vector<size_t>& windows : windows_of) {
      if (turn >= windows.size()) continue;
      taken[windows[turn]] = true;
      tokens += waiting[windows[turn]].tokens;
      any = true;
      if (tokens >= token_budget || ++count >= window_budget) {
        full = true;
        break;
      }
    }
    if (!any) break;
  }
  return taken;
}

}  // namespace nn
