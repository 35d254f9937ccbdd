// The Split pre-tokenizer: a pattern (a string, or a regex in regex.h's subset) splits every word with
// HF's SplitDelimiterBehavior; `invert` splits on what lies between matches instead.
#pragma once

#include <memory>

#include "core/tokenizer/pipeline_steps.h"
#include "core/util/regex.h"

namespace nn {

class SplitPreTokenizer final : public PreTokenizerStep {
 public:
  SplitPreTokenizer(std::unique_ptr<Regex> pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void Apply(PreTokenized* state, PreTokenized* spare) const override;

 private:
  std::unique_ptr<Regex> pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

}  // namespace nn
