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

  bool operator==(const BatchLimits& o) const { return max_tokens == o.max_tokens && max_texts == o.max_texts; }
  bool operator<(const BatchLimits& o) const {
    return max_tokens != o.max_tokens ? max_tokens < o.max_tokens : max_texts < o.max_texts;
  }
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

// PlanBatches for items with limits of their own (`limits[i]` is item i's: concurrent calls may give different
// ones). Items are grouped by equal limits, groups ordered by (max_tokens, max_texts), and each group is planned
// with its limits, so a batch never mixes items of different limits. Plans index the caller's items.
std::vector<BatchPlan> PlanBatchesByLimits(const std::vector<size_t>& lengths, const std::vector<BatchLimits>& limits);

// One batch for a runner that plans again after every batch because new items keep arriving (concurrent calls):
// the batch holds item `anchor` (the oldest waiting, so no item waits behind newer ones indefinitely) and the run of
// its length-sorted neighbours that costs least per real token (padded tokens plus the per-batch cost, over the
// items' own tokens; ties go to the larger batch). Items left out wait for the next batch, where later arrivals of
// similar lengths join them: under steady load batches grow and pad little instead of being cut small to fit
// whatever happens to be waiting. Within `limits`; `anchor` < lengths.size().
BatchPlan ChooseBatchAround(const std::vector<size_t>& lengths, size_t anchor, const BatchLimits& limits);

}  // namespace nn
