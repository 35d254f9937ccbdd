#include "core/tokenizer/strip.h"

#include "core/tokenizer/transformations.h"
#include "core/tokenizer/unicode.h"

namespace nn {

void StripNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  size_t begin = 0;
  size_t end = in.chars.size();
  if (left_) {
    while (begin < end && unicode::IsWhitespace(in.chars[begin].code_point)) ++begin;
  }
  if (right_) {
    while (end > begin && unicode::IsWhitespace(in.chars[end - 1].code_point)) --end;
  }
  AppendNormalizedRange(in, begin, end, out);
}

}  // namespace nn
