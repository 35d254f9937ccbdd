#include "core/tokenizer/metaspace.h"

#include <utility>

#include "core/tokenizer/transformations.h"

namespace nn {

void MetaspacePreTokenizer::Apply(PreTokenized* state, PreTokenized* spare) const {
  spare->clear();
  spare->bytes_pending = state->bytes_pending;
  spare->origin = state->origin;
  const NormalizedChar* chars = state->text.chars.data();
  static thread_local std::vector<PatternPiece> pieces;
  for (const CharRange& word : state->words) {
    const uint32_t begin = static_cast<uint32_t>(spare->text.chars.size());
    // Replace ' ' (each keeps its span), then prepend: the new replacement takes the first character's span.
    const char32_t first = chars[word.begin].code_point == ' ' ? replacement_ : chars[word.begin].code_point;
    const bool prepend = first != replacement_ && (scheme_ == PrependScheme::kAlways ||
                                                   (scheme_ == PrependScheme::kFirst &&
                                                    (state->whole_piece ? state->origin : chars[word.begin].start) == 0));
    if (prepend) AppendNormalizedChar(replacement_, chars[word.begin].start, chars[word.begin].end, &spare->text);
    for (uint32_t k = word.begin; k < word.end; ++k) {
      const char32_t c = chars[k].code_point == ' ' ? replacement_ : chars[k].code_point;
      AppendNormalizedChar(c, chars[k].start, chars[k].end, &spare->text);
    }
    const uint32_t end = static_cast<uint32_t>(spare->text.chars.size());
    if (!split_) {
      spare->words.push_back(CharRange{begin, end});
      continue;
    }
    // Every replacement character is a match; matches join the piece after them.
    pieces.clear();
    uint32_t last = begin;
    for (uint32_t k = begin; k < end; ++k) {
      if (spare->text.chars[k].code_point != replacement_) continue;
      if (last < k) pieces.push_back(PatternPiece{last, k, false});
      pieces.push_back(PatternPiece{k, k + 1, true});
      last = k + 1;
    }
    if (last < end) pieces.push_back(PatternPiece{last, end, false});
    SplitByBehavior(pieces, SplitBehavior::kMergedWithNext, &spare->words);
  }
  std::swap(*state, *spare);
  state->whole_piece = false;
}

}  // namespace nn
