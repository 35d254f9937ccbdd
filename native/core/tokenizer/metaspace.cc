#include "core/tokenizer/metaspace.h"

#include <utility>

#include "core/tokenizer/transformations.h"
#include "core/util/utf.h"

namespace nn {

void MetaspacePreTokenizer::Apply(PreTokenized* state, PreTokenized* spare) const {
  spare->clear();
  spare->bytes_pending = state->bytes_pending;
  spare->origin = state->origin;
  const NormalizedText& in = state->text;
  NormalizedText& out = spare->text;
  const NormalizedChar* chars = in.chars.data();
  // At most one replacement more per word, each a few bytes longer than the space it stands for.
  out.chars.reserve(in.chars.size() + state->words.size());
  out.utf8.reserve(in.utf8.size() + 4 * state->words.size() + in.utf8.size() / 2);
  std::string replacement_utf8;
  utf::AppendUtf8(replacement_, &replacement_utf8);
  const auto append_replacement = [&](const NormalizedChar& source) {
    out.chars.push_back(NormalizedChar{replacement_, static_cast<uint32_t>(out.utf8.size()), source.start, source.end});
    out.utf8.append(replacement_utf8);
  };
  for (const CharRange& word : state->words) {
    uint32_t word_begin = static_cast<uint32_t>(out.chars.size());
    // Replace ' ' (each keeps its span), then prepend: the new replacement takes the first character's span.
    const char32_t first = chars[word.begin].code_point == ' ' ? replacement_ : chars[word.begin].code_point;
    const bool prepend = first != replacement_ && (scheme_ == PrependScheme::kAlways ||
                                                   (scheme_ == PrependScheme::kFirst &&
                                                    (state->whole_piece ? state->origin : chars[word.begin].start) == 0));
    if (prepend) append_replacement(chars[word.begin]);
    for (uint32_t k = word.begin; k < word.end; ++k) {
      const NormalizedChar& c = chars[k];
      if (c.code_point == ' ' || c.code_point == replacement_) {
        // With `split` every replacement starts a word (HF splits MergedWithNext on it; empty words dropped).
        const uint32_t at = static_cast<uint32_t>(out.chars.size());
        if (split_ && at > word_begin) {
          spare->words.push_back(CharRange{word_begin, at});
          word_begin = at;
        }
        append_replacement(c);
        continue;
      }
      const uint32_t byte_end = k + 1 < in.chars.size() ? chars[k + 1].byte_offset : static_cast<uint32_t>(in.utf8.size());
      out.chars.push_back(NormalizedChar{c.code_point, static_cast<uint32_t>(out.utf8.size()), c.start, c.end});
      out.utf8.append(in.utf8, c.byte_offset, byte_end - c.byte_offset);
    }
    const uint32_t word_end = static_cast<uint32_t>(out.chars.size());
    if (word_end > word_begin) spare->words.push_back(CharRange{word_begin, word_end});
  }
  std::swap(*state, *spare);
  state->whole_piece = false;
}

}  // namespace nn
