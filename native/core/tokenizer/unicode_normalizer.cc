#include "core/tokenizer/unicode_normalizer.h"

#include <string>
#include <vector>

#include "core/tokenizer/transformations.h"

namespace nn {

void UnicodeNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  static thread_local std::u32string code_points;
  static thread_local Transformations changes;
  static thread_local std::vector<CharChange> char_changes;
  code_points.clear();
  for (const NormalizedChar& c : in.chars) code_points.push_back(c.code_point);
  unicode::Normalize(form_, code_points, &changes);  // HF applies it even when nothing changes
  char_changes.clear();
  for (const Transformation& t : changes) char_changes.push_back(CharChange{t.first, t.second});
  ApplyTransformations(in, CharRange{0, static_cast<uint32_t>(in.chars.size())}, char_changes, 0, origin, out);
  if (code_points.capacity() > (1 << 16)) {
    std::u32string().swap(code_points);
    Transformations().swap(changes);
    std::vector<CharChange>().swap(char_changes);
  }
}

}  // namespace nn
