#include "core/engine/batcher.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace nn {
namespace {

// What one more model run costs, in padded tokens: its fixed work (about 0.2 ms per Run on the shared 4-layer BERT)
// plus the lower efficiency of small matrix products. Measured as the minimum over repeated runs of n equal rows of
// 24 tokens: 46 us per padded token for n = 4, 45 for 8, 42 for 16, 41 for 32 (fp32; int8 17 us at 32), which is
// 11 to 20 tokens of extra cost per batch in the range concurrent calls produce.
constexpr size_t kBatchCostTokens = 16;

}  // namespace

std::vector<BatchPlan> PlanBatches(const std::vector<size_t>& lengths, const BatchLimits& limits) {
  std::vector<uint32_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return lengths[a] < lengths[b]; });

  // best[k]: the least cost of batching the k shortest items; first[k]: where the last of those batches begins.
  // Batches are runs of the sorted order, so a run's padded size is its count × its last (longest) length.
  const size_t count = order.size();
  const size_t max_texts = std::max<size_t>(1, limits.max_texts);
  std::vector<size_t> best(count + 1, std::numeric_limits<size_t>::max());
  std::vector<size_t> first(count + 1, 0);
  best[0] = 0;
  for (size_t end = 1; end <= count; ++end) {
    const size_t longest = lengths[order[end - 1]];
    for (size_t begin = end; begin-- > 0;) {
      const size_t rows = end - begin;
      const size_t padded = rows * longest;
      if (rows > max_texts || (rows > 1 && padded > limits.max_tokens)) break;
      const size_t cost = best[begin] + kBatchCostTokens + padded;
      if (cost <= best[end]) {  // ties go to the larger batch
        best[end] = cost;
        first[end] = begin;
      }
    }
  }

  std::vector<BatchPlan> batches;
  for (size_t end = count; end > 0; end = first[end]) {
    BatchPlan plan;
    plan.items.assign(order.begin() + first[end], order.begin() + end);
    plan.sequence = lengths[order[end - 1]];
    batches.push_back(std::move(plan));
  }
  std::reverse(batches.begin(), batches.end());
  return batches;
}

std::vector<BatchPlan> PlanBatchesByLimits(const std::vector<size_t>& lengths, const std::vector<BatchLimits>& limits) {
  std::vector<uint32_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return limits[a] < limits[b]; });
  std::vector<BatchPlan> batches;
  std::vector<size_t> group_lengths;
  for (size_t group = 0; group < order.size();) {
    size_t group_end = group;
    while (group_end < order.size() && limits[order[group_end]] == limits[order[group]]) ++group_end;
    group_lengths.clear();
    for (size_t i = group; i < group_end; ++i) group_lengths.push_back(lengths[order[i]]);
    for (BatchPlan& plan : PlanBatches(group_lengths, limits[order[group]])) {
      for (uint32_t& item : plan.items) item = order[group + item];
      batches.push_back(std::move(plan));
    }
    group = group_end;
  }
  return batches;
}

BatchPlan ChooseBatchAround(const std::vector<size_t>& lengths, size_t anchor, const BatchLimits& limits) {
  std::vector<uint32_t> order(lengths.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return lengths[a] < lengths[b]; });
  const size_t at = static_cast<size_t>(std::find(order.begin(), order.end(), anchor) - order.begin());
  // real[k]: tokens of the k shortest items.
  std::vector<size_t> real(order.size() + 1, 0);
  for (size_t k = 0; k < order.size(); ++k) real[k + 1] = real[k] + lengths[order[k]];

  const size_t max_texts = std::max<size_t>(1, limits.max_texts);
  size_t best_begin = at, best_end = at + 1;
  size_t best_cost = kBatchCostTokens + lengths[anchor], best_real = lengths[anchor];
  for (size_t end = at + 1; end <= order.size(); ++end) {
    const size_t longest = lengths[order[end - 1]];
    for (size_t begin = at + 1; begin-- > 0;) {
      const size_t rows = end - begin;
      const size_t padded = rows * longest;
      if (rows > max_texts || (rows > 1 && padded > limits.max_tokens)) break;
      const size_t cost = kBatchCostTokens + padded;
      const size_t tokens = real[end] - real[begin];
      // cost / tokens < best_cost / best_real, or equal with more rows.
      const size_t lhs = cost * best_real, rhs = best_cost * tokens;
      if (lhs < rhs || (lhs == rhs && rows > best_end - best_begin)) {
        best_begin = begin;
        best_end = end;
        best_cost = cost;
        best_real = tokens;
      }
    }
  }
  BatchPlan plan;
  plan.items.assign(order.begin() + best_begin, order.begin() + best_end);
  plan.sequence = lengths[order[best_end - 1]];
  return plan;
}

}  // namespace nn
