#include "core/tokenizer/precompiled_normalizer.h"

#include <string>

#include "core/tokenizer/transformations.h"

namespace nn {

void PrecompiledNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  // The usual text: ASCII characters that are clusters of their own and that the charsmap keeps. Then HF
  // changes nothing, and the text is copied as it is.
  const size_t count = in.chars.size();
  size_t kept = 0;
  while (kept < count) {
    const char32_t c = in.chars[kept].code_point;
    if (!map_.KeepsAscii(c)) break;
    if (kept + 1 < count) {
      const char32_t next = in.chars[kept + 1].code_point;
      if (next >= 0x7F || (c == '\r' && next == '\n')) break;
    }
    ++kept;
  }
  if (kept == count) {
    AppendNormalizedRange(in, 0, count, out);
    return;
  }
  static thread_local std::u32string code_points;
  static thread_local Transformations changes;
  static thread_local std::vector<CharChange> char_changes;
  code_points.clear();
  for (const NormalizedChar& c : in.chars) code_points.push_back(c.code_point);
  const CharRange all{0, static_cast<uint32_t>(count)};
  if (map_.Normalize(code_points, &changes)) {
    char_changes.clear();
    for (const Transformation& t : changes) char_changes.push_back(CharChange{t.first, t.second});
    ApplyTransformations(in, all, char_changes, 0, origin, out);
  } else {  // nothing to change: HF keeps the text and its alignments
    AppendNormalizedRange(in, 0, count, out);
  }
  if (code_points.capacity() > (1 << 16)) {
    std::u32string().swap(code_points);
    Transformations().swap(changes);
    std::vector<CharChange>().swap(char_changes);
  }
}

}  // namespace nn
