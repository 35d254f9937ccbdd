// The Replace normalizer: every match of a pattern (a string, or a regex in regex.h's subset) becomes the
// content. As in HF, all of the content's characters take the span of the match's last character (of the
// character before an empty match; the piece's start when there is none).
#pragma once

#include <memory>
#include <string>

#include "core/tokenizer/pipeline_steps.h"
#include "core/util/regex.h"

namespace nn {

class ReplaceNormalizer final : public NormalizerStep {
 public:
  ReplaceNormalizer(std::unique_ptr<Regex> pattern, std::u32string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override;

 private:
  std::unique_ptr<Regex> pattern_;
  std::u32string content_;
};

// The code points of characters [range.begin, range.end) of `text` (what regexes match on).
void CodePointsOf(const NormalizedText& text, CharRange range, std::u32string* out);

}  // namespace nn
