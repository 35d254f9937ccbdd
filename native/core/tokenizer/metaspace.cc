#include "core/tokenizer/metaspace.h"

#include <algorithm>
#include <string>
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
  char replacement_utf8[4];
  size_t replacement_length = 0;
  {
    std::string encoded;
    utf::AppendUtf8(replacement_, &encoded);
    replacement_length = std::min(encoded.size(), sizeof(replacement_utf8));
    encoded.copy(replacement_utf8, replacement_length);
  }
  // Written through pointers into buffers sized for the worst case: every character a replacement (no
  // shorter than its own bytes plus one replacement), and one more replacement per word.
  out.chars.resize(in.chars.size() + state->words.size());
  out.utf8.resize(in.utf8.size() + (in.chars.size() + state->words.size()) * replacement_length);
  NormalizedChar* const chars_out = out.chars.data();
  char* const bytes_out = &out.utf8[0];
  uint32_t char_count = 0;
  uint32_t byte_count = 0;
  const auto append_replacement = [&](const NormalizedChar& source) {
    chars_out[char_count++] = NormalizedChar{replacement_, byte_count, source.start, source.end};
    for (size_t b = 0; b < replacement_length; ++b) bytes_out[byte_count++] = replacement_utf8[b];
  };
  for (const CharRange& word : state->words) {
    uint32_t word_begin = char_count;
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
        if (split_ && char_count > word_begin) {
          spare->words.push_back(CharRange{word_begin, char_count});
          word_begin = char_count;
        }
        append_replacement(c);
        continue;
      }
      chars_out[char_count++] = NormalizedChar{c.code_point, byte_count, c.start, c.end};
      if (c.code_point < 0x80) {
        bytes_out[byte_count++] = static_cast<char>(c.code_point);
      } else {
        const uint32_t byte_end = k + 1 < in.chars.size() ? chars[k + 1].byte_offset : static_cast<uint32_t>(in.utf8.size());
        for (uint32_t b = c.byte_offset; b < byte_end; ++b) bytes_out[byte_count++] = in.utf8[b];
      }
    }
    if (char_count > word_begin) spare->words.push_back(CharRange{word_begin, char_count});
  }
  out.chars.resize(char_count);
  out.utf8.resize(byte_count);
  std::swap(*state, *spare);
  state->whole_piece = false;
}

}  // namespace nn
