// The Metaspace pre-tokenizer (SentencePiece): every ' ' becomes the replacement character (U+2581 '▁' by
// default), the replacement is prepended to a word that does not start with it (prepend_scheme "always"; "first":
// only to a word starting at the beginning of the input; "never"), and with `split` every replacement starts
// a new word (HF's MergedWithNext).
#pragma once

#include "core/tokenizer/pipeline_steps.h"

namespace nn {

enum class PrependScheme { kAlways, kFirst, kNever };

class MetaspacePreTokenizer final : public PreTokenizerStep {
 public:
  MetaspacePreTokenizer(char32_t replacement, PrependScheme scheme, bool split)
      : replacement_(replacement), scheme_(scheme), split_(split) {}
  void Apply(PreTokenized* state, PreTokenized* spare) const override;

 private:
  char32_t replacement_;
  PrependScheme scheme_;
  bool split_;
};

}  // namespace nn
