#include "core/rules/modes.h"

#include <algorithm>
#include <numeric>

namespace nn::rules {
namespace {

std::vector<size_t> OrderByStart(const std::vector<Span>& spans) {
  std::vector<size_t> order(spans.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return spans[a].start < spans[b].start; });
  return order;
}

}  // namespace

ModeResolution ResolveModes(const std::vector<Span>& model, const std::vector<Span>& blocking,
                            const std::vector<Span>& fills) {
  ModeResolution result;
  result.model_removed.assign(model.size(), false);
  result.fill_kept.assign(fills.size(), false);
  const std::vector<size_t> model_order = OrderByStart(model);

  // Overrides and vetoes: disjoint, so sorted by start they are sorted by end too. For model spans in start order,
  // a blocker ending at or before one's start can overlap neither it nor any later one, so the cursor only advances;
  // the first blocker left overlaps the span exactly when it starts before the span ends.
  const std::vector<size_t> blocking_order = OrderByStart(blocking);
  size_t b = 0;
  for (size_t m : model_order) {
    while (b < blocking_order.size() && blocking[blocking_order[b]].end <= model[m].start) ++b;
    result.model_removed[m] = b < blocking_order.size() && blocking[blocking_order[b]].start < model[m].end;
  }

  // Fills: a model span left overlaps a fill when it starts before the fill ends and ends after it starts. Fills in
  // start order end in order too, so the model spans starting before each one's end are a growing prefix, and the
  // largest end among them decides.
  const std::vector<size_t> fill_order = OrderByStart(fills);
  size_t next = 0;
  bool any = false;
  uint32_t max_end = 0;
  for (size_t f : fill_order) {
    for (; next < model_order.size() && model[model_order[next]].start < fills[f].end; ++next) {
      const size_t m = model_order[next];
      if (result.model_removed[m]) continue;
      max_end = any ? std::max(max_end, model[m].end) : model[m].end;
      any = true;
    }
    result.fill_kept[f] = !(any && max_end > fills[f].start);
  }
  return result;
}

}  // namespace nn::rules
