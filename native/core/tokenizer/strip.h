// The Strip normalizer: drops whitespace (White_Space) at the start and/or end of each piece; the
// characters kept keep their spans.
#pragma once

#include "core/tokenizer/pipeline_steps.h"

namespace nn {

class StripNormalizer final : public NormalizerStep {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override;

 private:
  bool left_;
  bool right_;
};

}  // namespace nn
