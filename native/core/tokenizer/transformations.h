// The bridge between a normalization step and offset tracking: a step describes its output the way HF's
// NormalizedString::transform takes it, as (char, change) pairs, and ApplyTransformations computes the
// input span of every output character with HF's alignment rules:
//   change == 0   the character replaces the next input character and takes its span;
//   change == -n  it replaces the next input character (taking its span) and the n input characters after
//                 it are removed;
//   change > 0    the character is inserted and takes the span of the input character just before the
//                 current position (removed ones count), or the empty span at `origin` at the very start.
// Input characters never consumed by a replacement are dropped, as in HF (a trailing removal needs no -n).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/tokenizer/normalizer.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/util/utf.h"

namespace nn {

struct CharChange {
  char32_t code_point;
  int32_t change;
};

// Appends to *out the characters of `changes`, aligned against characters [range.begin, range.end) of `in`.
// `initial_offset` input characters are removed before the first change (HF's `initial_offset`). `origin`
// is the UTF-16 position an insertion at the very start aligns to (the start of the piece's input).
// Never fails: changes that would consume more input than the range holds align to its last character.
void ApplyTransformations(const NormalizedText& in, CharRange range, const CharChange* changes, size_t count,
                          size_t initial_offset, uint32_t origin, NormalizedText* out);

inline void ApplyTransformations(const NormalizedText& in, CharRange range, const std::vector<CharChange>& changes,
                                 size_t initial_offset, uint32_t origin, NormalizedText* out) {
  ApplyTransformations(in, range, changes.data(), changes.size(), initial_offset, origin, out);
}

// Appends one character with a given input span (for steps that build their output directly).
inline void AppendNormalizedChar(char32_t code_point, uint32_t start, uint32_t end, NormalizedText* out) {
  out->chars.push_back(NormalizedChar{code_point, static_cast<uint32_t>(out->utf8.size()), start, end});
  utf::AppendUtf8(code_point, &out->utf8);
}

// Appends characters [begin, end) of `in` as they are (spans and UTF-8 bytes copied in bulk).
inline void AppendNormalizedRange(const NormalizedText& in, size_t begin, size_t end, NormalizedText* out) {
  if (begin >= end) return;
  const uint32_t from = in.chars[begin].byte_offset;
  const uint32_t to = static_cast<uint32_t>(out->utf8.size());
  out->utf8.append(in.utf8, from, in.ByteOffset(end) - from);
  const size_t first = out->chars.size();
  out->chars.insert(out->chars.end(), in.chars.begin() + begin, in.chars.begin() + end);
  if (from != to) {
    for (size_t k = first; k < out->chars.size(); ++k) out->chars[k].byte_offset = out->chars[k].byte_offset - from + to;
  }
}

}  // namespace nn
