// The Precompiled normalizer step (SentencePiece's charsmap, precompiled.h) on offset-tracked text.
#pragma once

#include "core/tokenizer/pipeline_steps.h"
#include "core/tokenizer/precompiled.h"

namespace nn {

class PrecompiledNormalizer final : public NormalizerStep {
 public:
  explicit PrecompiledNormalizer(PrecompiledCharsMap map) : map_(std::move(map)) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override;

 private:
  PrecompiledCharsMap map_;
};

}  // namespace nn
