// Groups encoded texts into model batches: sorted by length so each batch pads little, and bounded by a
// token budget (padded batch × sequence) rather than a fixed count, so long texts make smaller batches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nn {

struct BatchLimits {
  size_t max_tokens = 8192;  // padded tokens per batch (batch size × longest sequence)
  size_t max_texts = 64;     // texts per batch
};

struct BatchPlan {
  std::vector<uint32_t> items;  // indices into the caller's texts
  size_t sequence = 0;          // the longest item's length: every row is padded to it
};

// `lengths[i]` is the token count of item i (every length >= 1). Every item lands in exactly one batch; an
// item longer than the token budget gets a batch of its own. Within the limits, the length-sorted items are
// split where that costs least: padded tokens plus a fixed cost per batch, so a few long items do not pad a
// batch of short ones (as when concurrent calls of mixed lengths share a round), while items of similar
// lengths still fill whole batches.
std::vector<BatchPlan> PlanBatches(const std::vector<size_t>& lengths, const BatchLimits& limits);

}  // namespace nn
