#include "core/tokenizer/precompiled_normalizer.h"

#include <string>

#include "core/tokenizer/transformations.h"

namespace nn {

void PrecompiledNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  static thread_local std::u32string code_points;
  static thread_local Transformations changes;
  static thread_local std::vector<CharChange> char_changes;
  code_points.clear();
  for (const NormalizedChar& c : in.chars) code_points.push_back(c.code_point);
  const CharRange all{0, static_cast<uint32_t>(in.chars.size())};
  if (!map_.Normalize(code_points, &changes)) {  // nothing to change: HF keeps the text and its alignments
    for (const NormalizedChar& c : in.chars) AppendNormalizedChar(c.code_point, c.start, c.end, out);
    return;
  }
  char_changes.clear();
  for (const Transformation& t : changes) char_changes.push_back(CharChange{t.first, t.second});
  ApplyTransformations(in, all, char_changes, 0, origin, out);
  if (code_points.capacity() > (1 << 16)) {
    std::u32string().swap(code_points);
    Transformations().swap(changes);
    std::vector<CharChange>().swap(char_changes);
  }
}

}  // namespace nn
