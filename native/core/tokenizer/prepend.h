// The Prepend normalizer: puts a string before every non-empty piece (HF's NormalizedString::prepend: the
// new characters and the piece's first character all take that first character's span).
#pragma once

#include <string>

#include "core/tokenizer/pipeline_steps.h"

namespace nn {

class PrependNormalizer final : public NormalizerStep {
 public:
  explicit PrependNormalizer(std::u32string prepend) : prepend_(std::move(prepend)) {}
  void Apply(const NormalizedText& in, uint32_t origin, NormalizedText* out) const override;

  // Shared with Metaspace: prepends to characters `range` of `in`, appending the result to *out.
  static void PrependTo(const NormalizedText& in, CharRange range, std::u32string_view prepend, NormalizedText* out);

 private:
  std::u32string prepend_;
};

}  // namespace nn
