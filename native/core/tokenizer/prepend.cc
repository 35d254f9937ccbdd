#include "core/tokenizer/prepend.h"

#include "core/tokenizer/transformations.h"

namespace nn {

void PrependNormalizer::PrependTo(const NormalizedText& in, CharRange range, std::u32string_view prepend,
                                  NormalizedText* out) {
  if (range.begin >= range.end) return;
  const NormalizedChar& first = in.chars[range.begin];
  for (char32_t c : prepend) AppendNormalizedChar(c, first.start, first.end, out);
  for (uint32_t k = range.begin; k < range.end; ++k) {
    const NormalizedChar& c = in.chars[k];
    AppendNormalizedChar(c.code_point, c.start, c.end, out);
  }
}

void PrependNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  PrependTo(in, CharRange{0, static_cast<uint32_t>(in.chars.size())}, prepend_, out);
}

}  // namespace nn
