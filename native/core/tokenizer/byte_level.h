// ByteLevel (GPT-2, RoBERTa): the pre-tokenizer (optional prefix space, the GPT-2 split, every UTF-8 byte
// mapped to a printable character) and the byte-to-character table the BPE model and the post-processor's
// offset trimming share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/pipeline_steps.h"

namespace nn {

// GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the others to U+0100 upwards
// (' ' -> U+0120 'Ġ').
char32_t ByteLevelChar(uint8_t byte);

// Splits characters [range.begin, range.end) of `text` the way HF's ByteLevel regex does (Oniguruma,
// leftmost-first): 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Appends the pieces to *words; they cover the range exactly.
void SplitGpt2(const NormalizedText& text, CharRange range, std::vector<CharRange>* words);

class ByteLevelPreTokenizer final : public PreTokenizerStep {
 public:
  // `defer_byte_mapping`: leave the mapping to the BPE model (PreTokenized::bytes_pending); only for a last step.
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex, bool defer_byte_mapping)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex), defer_byte_mapping_(defer_byte_mapping) {}

  void Apply(PreTokenized* state, PreTokenized* spare) const override;

 private:
  bool add_prefix_space_;
  bool use_regex_;
  bool defer_byte_mapping_;
};

}  // namespace nn
