// The change list a normalization step produces, in Hugging Face's NormalizedString::transform format. Every
// entry is one character of the new text, in order, with `change`:
//    0  this character replaces the next input character;
//   +1  this character is inserted: it consumes no input character and takes the alignment of the input
//       character before the current position (HF: alignments[offset - 1], or (0, 0) at the very start);
//   -n  this character replaces the next input character and the n input characters after it are removed.
// Applying a list with a cursor over the input characters (HF transform_range with initial_offset 0):
//   change <= 0: the new character takes the span of the input character at the cursor; the cursor moves on
//                by 1 + (-change);
//   change > 0:  the new character takes the span of the input character just before the cursor (the last one
//                consumed, removed ones included), or an empty span at the start of the text; the cursor stays.
// Input characters left after the last entry are dropped (a correct list consumes all of them).
// transformations.h's ApplyTransformations applies exactly this (its CharChange holds the same two fields).
#pragma once

#include <utility>
#include <vector>

namespace nn {

using Transformation = std::pair<char32_t, int>;  // (new character, change)
using Transformations = std::vector<Transformation>;

}  // namespace nn
