#include "core/rules/context.h"

#include <algorithm>

namespace nn::rules {

float ScoreInContext(float score, const ContextWords& context, std::u16string_view text, const std::vector<Word>& words,
                     uint32_t start, uint32_t end) {
  if (context.empty() || context.window == 0) return score;
  // Words wholly before the match, and wholly after it.
  const auto first_inside =
      std::lower_bound(words.begin(), words.end(), start, [](const Word& w, uint32_t s) { return w.end <= s; });
  const auto first_after =
      std::lower_bound(words.begin(), words.end(), end, [](const Word& w, uint32_t e) { return w.start < e; });
  const Folding folding;  // case-insensitive
  std::string folded;
  bool positive = false, negative = false;
  auto look = [&](const Word& w) {
    FoldWord(text, w, folding, &folded);
    positive = positive || std::find(context.positive.begin(), context.positive.end(), folded) != context.positive.end();
    negative = negative || std::find(context.negative.begin(), context.negative.end(), folded) != context.negative.end();
  };
  size_t seen = 0;
  for (auto it = first_inside; it != words.begin() && seen < context.window; ++seen) look(*--it);
  seen = 0;
  for (auto it = first_after; it != words.end() && seen < context.window; ++it, ++seen) look(*it);
  if (positive) score = std::min(1.0f, score + context.boost);
  if (negative) score = std::max(0.0f, score - context.penalty);
  return score;
}

}  // namespace nn::rules
