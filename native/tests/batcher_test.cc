// Batch planning (engine/batcher.h): every item in one batch, limits kept, short items not padded to long ones.
#include <algorithm>
#include <set>

#include "core/engine/batcher.h"
#include "tests/check.h"

namespace nn {
namespace {

// Every item exactly once; each batch within its limits and padded to its longest item.
void CheckPlan(const std::vector<BatchPlan>& plans, const std::vector<size_t>& lengths, const BatchLimits& limits) {
  std::multiset<uint32_t> seen;
  for (const BatchPlan& plan : plans) {
    CHECK(!plan.items.empty());
    CHECK(plan.items.size() <= limits.max_texts);
    size_t longest = 0;
    for (uint32_t item : plan.items) {
      seen.insert(item);
      longest = std::max(longest, lengths[item]);
    }
    CHECK_EQ(plan.sequence, longest);
    CHECK(plan.items.size() == 1 || plan.items.size() * plan.sequence <= limits.max_tokens);
  }
  CHECK_EQ(seen.size(), lengths.size());
  for (uint32_t i = 0; i < lengths.size(); ++i) CHECK_EQ(seen.count(i), size_t{1});
}

TEST("batch planning", "no items, no batches") { CHECK(PlanBatches({}, BatchLimits{}).empty()); }

TEST("batch planning", "a few long items do not pad a batch of short ones") {
  const std::vector<size_t> lengths{500, 10, 12, 11};
  const std::vector<BatchPlan> plans = PlanBatches(lengths, BatchLimits{8192, 64});
  CheckPlan(plans, lengths, BatchLimits{8192, 64});
  CHECK_EQ(plans.size(), size_t{2});
  CHECK_EQ(plans[0].items, (std::vector<uint32_t>{1, 3, 2}));  // length-sorted
  CHECK_EQ(plans[0].sequence, size_t{12});
  CHECK_EQ(plans[1].items, (std::vector<uint32_t>{0}));
}

TEST("batch planning", "items of similar lengths fill whole batches up to the text limit") {
  const std::vector<size_t> lengths(100, 20);
  const BatchLimits limits{8192, 64};
  const std::vector<BatchPlan> plans = PlanBatches(lengths, limits);
  CheckPlan(plans, lengths, limits);
  CHECK_EQ(plans.size(), size_t{2});
}

TEST("batch planning", "the token budget bounds a batch; an item over it gets a batch of its own") {
  const std::vector<size_t> lengths{100, 100, 100, 100, 900};
  const BatchLimits limits{250, 64};
  const std::vector<BatchPlan> plans = PlanBatches(lengths, limits);
  CheckPlan(plans, lengths, limits);
  CHECK_EQ(plans.size(), size_t{3});  // 2 + 2 + the long one alone
  CHECK_EQ(plans.back().items, (std::vector<uint32_t>{4}));
}

TEST("batch planning", "items with different limits never share a batch, groups in limits order") {
  const std::vector<size_t> lengths{10, 10, 10, 10};
  const std::vector<BatchLimits> limits{{8192, 64}, {100, 2}, {8192, 64}, {100, 2}};
  const std::vector<BatchPlan> plans = PlanBatchesByLimits(lengths, limits);
  CHECK_EQ(plans.size(), size_t{2});
  CHECK_EQ(plans[0].items, (std::vector<uint32_t>{1, 3}));  // (100, 2) sorts first
  CHECK_EQ(plans[1].items, (std::vector<uint32_t>{0, 2}));
}

// ChooseBatchAround: the batch a runner takes when it plans again after every batch.
TEST("batch planning", "the batch around the oldest item holds it and its neighbours of similar length") {
  // Oldest item 3 (length 20): 19 and 22 join it; 11 and 12 would double their padding, the long ones more.
  const std::vector<size_t> lengths{100, 11, 120, 20, 22, 19, 12, 90};
  const BatchLimits limits{8192, 64};
  const BatchPlan plan = ChooseBatchAround(lengths, 3, limits);
  CHECK_EQ(plan.items, (std::vector<uint32_t>{5, 3, 4}));
  CHECK_EQ(plan.sequence, size_t{22});
}

TEST("batch planning", "an outlier that is the oldest item still runs next, alone when nothing is near its length") {
  const std::vector<size_t> lengths{10, 11, 300, 12, 10};
  const BatchPlan plan = ChooseBatchAround(lengths, 2, BatchLimits{8192, 64});
  CHECK_EQ(plan.items, (std::vector<uint32_t>{2}));
  CHECK_EQ(plan.sequence, size_t{300});
}

TEST("batch planning", "the batch around the oldest item keeps the text and token limits") {
  const std::vector<size_t> equal(100, 20);
  const BatchPlan by_count = ChooseBatchAround(equal, 50, BatchLimits{8192, 16});
  CHECK_EQ(by_count.items.size(), size_t{16});
  CHECK(std::find(by_count.items.begin(), by_count.items.end(), 50u) != by_count.items.end());
  const BatchPlan by_tokens = ChooseBatchAround(equal, 0, BatchLimits{100, 64});
  CHECK_EQ(by_tokens.items.size(), size_t{5});
  CHECK(std::find(by_tokens.items.begin(), by_tokens.items.end(), 0u) != by_tokens.items.end());
}

}  // namespace
}  // namespace nn
