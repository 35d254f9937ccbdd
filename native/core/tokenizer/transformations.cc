#include "core/tokenizer/transformations.h"

#include "core/util/utf.h"

namespace nn {

void ApplyTransformations(const NormalizedText& in, CharRange range, const CharChange* changes, size_t count,
                          size_t initial_offset, uint32_t origin, NormalizedText* out) {
  const NormalizedChar* chars = in.chars.data();
  const size_t begin = range.begin;
  const size_t end = range.end;
  size_t position = begin + initial_offset;  // next input character a replacement consumes
  for (size_t k = 0; k < count; ++k) {
    const CharChange& change = changes[k];
    uint32_t start = origin;
    uint32_t stop = origin;
    if (change.change > 0) {
      if (position > begin && position - 1 < end) {
        start = chars[position - 1].start;
        stop = chars[position - 1].end;
      } else if (position > begin && end > begin) {
        start = chars[end - 1].start;
        stop = chars[end - 1].end;
      }
    } else {
      const size_t at = position < end ? position : (end > begin ? end - 1 : begin);
      if (at < end) {
        start = chars[at].start;
        stop = chars[at].end;
      }
      position += 1 + static_cast<size_t>(-static_cast<int64_t>(change.change));
    }
    AppendNormalizedChar(change.code_point, start, stop, out);
  }
}

}  // namespace nn
