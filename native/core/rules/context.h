// Context words: words near a pattern's match that make it more (or less) likely to be what it looks like
// ("call 415-555-2671" vs "order 415-555-2671"). Compared case-insensitively, as whole words, within `window` words
// before or after the match.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/rules/words.h"

namespace nn::rules {

struct ContextWords {
  std::vector<std::string> positive;  // folded (words.h FoldWord, case-insensitive)
  std::vector<std::string> negative;
  size_t window = 5;
  float boost = 0.35f;    // added once when a positive word is near (the score stays at most 1)
  float penalty = 0.35f;  // subtracted once when a negative word is near
  bool empty() const { return positive.empty() && negative.empty(); }
};

// The score of the match [start, end) of `text` (cut into `words`) with its context applied.
float ScoreInContext(float score, const ContextWords& context, std::u16string_view text, const std::vector<Word>& words,
                     uint32_t start, uint32_t end);

}  // namespace nn::rules
