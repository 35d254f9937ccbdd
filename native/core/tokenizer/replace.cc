#include "core/tokenizer/replace.h"

#include "core/tokenizer/transformations.h"

namespace nn {

void CodePointsOf(const NormalizedText& text, CharRange range, std::u32string* out) {
  out->clear();
  for (uint32_t k = range.begin; k < range.end; ++k) out->push_back(text.chars[k].code_point);
}

void ReplaceNormalizer::Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const {
  static thread_local std::u32string code_points;
  static thread_local std::vector<RegexMatch> matches;
  CodePointsOf(in, CharRange{0, static_cast<uint32_t>(in.chars.size())}, &code_points);
  matches.clear();
  pattern_->FindAll(code_points, &matches);
  size_t copied = 0;  // input characters handled so far
  for (const RegexMatch& match : matches) {
    AppendNormalizedRange(in, copied, match.begin, out);
    // Inserted after the match: the span of its last character, or of the one before an empty match.
    uint32_t start = origin;
    uint32_t end = origin;
    if (match.end > 0) {
      start = in.chars[match.end - 1].start;
      end = in.chars[match.end - 1].end;
    }
    for (char32_t c : content_) AppendNormalizedChar(c, start, end, out);
    copied = match.end;
  }
  AppendNormalizedRange(in, copied, in.chars.size(), out);
  if (code_points.capacity() > (1 << 16)) std::u32string().swap(code_points);
  if (matches.capacity() > (1 << 16)) std::vector<RegexMatch>().swap(matches);
}

}  // namespace nn
