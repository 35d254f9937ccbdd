#include "core/engine/batcher.h"

#include <algorithm>
#include <numeric>

namespace nn {

std::vector<BatchPlan> PlanBatches(const std::vector<size_t>& lengths, const BatchLimits& limits) {
  std::vector<uint32_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return lengths[a] < lengths[b]; });

  const size_t max_texts = std::max<size_t>(1, limits.max_texts);
  std::vector<BatchPlan> batches;
  BatchPlan current;
  for (uint32_t item : order) {
    // Ascending order: the newcomer is the longest, so the padded size becomes (count + 1) × its length.
    const size_t padded = (current.items.size() + 1) * lengths[item];
    if (!current.items.empty() && (padded > limits.max_tokens || current.items.size() >= max_texts)) {
      batches.push_back(std::move(current));
      current = BatchPlan{};
    }
    current.items.push_back(item);
    current.sequence = lengths[item];
  }
  if (!current.items.empty()) batches.push_back(std::move(current));
  return batches;
}

}  // namespace nn
