// The NFC, NFKC and NFKD normalizers (unicode_normalization.h computes HF's change lists) on offset-tracked text.
#pragma once

#include "core/tokenizer/pipeline_steps.h"
#include "core/tokenizer/unicode_normalization.h"

namespace nn {

class UnicodeNormalizer final : public NormalizerStep {
 public:
  explicit UnicodeNormalizer(unicode::NormalizationForm form) : form_(form) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override;

 private:
  unicode::NormalizationForm form_;
};

}  // namespace nn
