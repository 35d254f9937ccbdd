#include "core/tokenizer/split.h"

#include <string>
#include <utility>

#include "core/tokenizer/replace.h"

namespace nn {

void SplitPreTokenizer::Apply(PreTokenized* state, PreTokenized* spare) const {
  static thread_local std::u32string code_points;
  static thread_local std::vector<RegexMatch> matches;
  static thread_local std::vector<PatternPiece> pieces;
  spare->words.clear();
  for (const CharRange& word : state->words) {
    CodePointsOf(state->text, word, &code_points);
    matches.clear();
    pattern_->FindAll(code_points, &matches);
    // HF's Pattern::find_matches: matches and the stretches between them, in order.
    pieces.clear();
    uint32_t previous = 0;
    for (const RegexMatch& match : matches) {
      if (previous != match.begin) pieces.push_back(PatternPiece{word.begin + previous, word.begin + uint32_t(match.begin), invert_});
      pieces.push_back(PatternPiece{word.begin + uint32_t(match.begin), word.begin + uint32_t(match.end), !invert_});
      previous = static_cast<uint32_t>(match.end);
    }
    if (previous != code_points.size()) {
      pieces.push_back(PatternPiece{word.begin + previous, word.end, invert_});
    }
    SplitByBehavior(pieces, behavior_, &spare->words);
  }
  std::swap(state->words, spare->words);
  state->whole_piece = false;
}

}  // namespace nn
